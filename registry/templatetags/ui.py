"""Template helpers of the UI shell: Bootstrap classes on form widgets, small display helpers."""

from django import forms, template

register = template.Library()


@register.filter
def with_bootstrap(bound_field):
    """Render a bound field with the Bootstrap class its widget needs (and is-invalid on error)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def dash(value):
    """An empty value shows as a dash, so that blank cells read as 'not recorded'."""
    if value is None or value == "" or value == []:
        return "—"
    return value


@register.filter
def with_bootstrap_small(bound_field):
    """The compact variant for filter panels."""
    widget = bound_field.field.widget
    css = (
        "form-select form-select-sm"
        if isinstance(widget, forms.Select | forms.SelectMultiple)
        else ("form-control form-control-sm")
    )
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    return bound_field.as_widget(attrs={"class": css})

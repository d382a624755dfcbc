"""Form base of every create/edit page: choices narrowed to the user's scope, service errors on fields."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from registry.choices import RegionLevel
from registry.models import Region
from registry.scoping import narrow_choices


class RegionChoiceField(forms.ModelChoiceField):
    """Regions listed in tree order, indented under their street."""

    def label_from_instance(self, region):
        return ("\u3000" * max(region.depth - 2, 0)) + region.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def protect_personal_fields(form, personal: dict[str, str], user) -> None:
    """Show stored ID numbers and mobiles masked to a user who may not see them in clear.

    ``personal`` maps field names to their masking ("id_number", "mobile"). The masked value
    posted back unchanged keeps the stored number; a newly typed full number replaces it. The
    form never holds the clear value, so a re-rendered form after an error cannot leak it.
    """
    from registry.personal import can_see_personal
    from registry.tables import MASKERS

    instance = getattr(form, "instance", None)
    if not personal or can_see_personal(user) or instance is None or instance.pk is None:
        return
    for name, kind in personal.items():
        field = form.fields.get(name)
        stored = getattr(instance, name, "") or ""
        if field is None or not stored:
            continue
        masked = MASKERS[kind](stored)
        form.initial[name] = masked
        field.help_text = "已脱敏显示；不修改则保留原号码，如需更正请填写完整号码。"
        field.widget.attrs["autocomplete"] = "off"
        original_clean = field.clean

        def clean(value, _original=original_clean, _masked=masked, _stored=stored):
            return _stored if value == _masked else _original(value)

        field.clean = clean


BLANK_LABEL = "——请选择——"


def blank_choices_read(form, label: str) -> None:
    """The blank choice of every select reads in Chinese (Django's is “---------”)."""
    for field in form.fields.values():
        if hasattr(field, "empty_label"):  # model choices, and django-filter's choice fields
            if field.empty_label is not None:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            field.choices = [(value, label if value == "" else text) for value, text in field.choices]


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-record choices are limited to what ``user`` may see.

    ``region_levels`` limits a ``region`` field to those levels (e.g. street and community);
    ``personal_fields`` ({field: "id_number" | "mobile"}) are shown masked unless the user may see them.
    """

    region_levels: tuple[str, ...] = (RegionLevel.STREET, RegionLevel.COMMUNITY)
    personal_fields: dict[str, str] = {}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        protect_personal_fields(self, self.personal_fields, user)
        blank_choices_read(self, BLANK_LABEL)
        for name, field in self.fields.items():
            queryset = narrow_choices(field, user)
            if isinstance(field.widget, forms.DateInput) and not isinstance(field.widget, DateInput):
                field.widget = DateInput()
            if name == "region" and queryset is not None and queryset.model is Region:
                field.queryset = field.queryset.filter(level__in=self.region_levels).order_by("path")
                field.label_from_instance = RegionChoiceField.label_from_instance.__get__(field)

    def service_data(self) -> dict:
        """The cleaned values of the model's own fields, as the service takes them."""
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        return {k: v for k, v in self.cleaned_data.items() if k in model_fields}

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in self.fields else None
                if field == NON_FIELD_ERRORS:
                    target = None
                for item in errors:
                    self.add_error(target, item)
        else:
            for message in error.messages:
                self.add_error(None, message)

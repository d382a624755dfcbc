"""Form base of every create/edit page: choices narrowed to the user's scope, service errors on fields."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from registry.choices import RegionLevel
from registry.conflicts import VERSION_FIELD, is_versioned
from registry.models import Region
from registry.personal import mask_value, personal_fields
from registry.scoping import narrow_choices
from registry.search import pinyin_initials
from registry.validators import validate_no_control_characters


class RegionChoiceField(forms.ModelChoiceField):
    """Regions listed in tree order, indented under their street."""

    def label_from_instance(self, region):
        return ("\u3000" * max(region.depth - 2, 0)) + region.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A local date and time picker (the browser's own, on a phone too), read and shown in Shanghai time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def refuse_control_characters(field, label) -> None:
    """Text fields refuse invisible control characters (tabs and line breaks only in a multi-line box).

    Replaces Django's own NUL check, so one message names the field and the characters.
    """
    multiline = isinstance(field.widget, forms.Textarea)
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    field.validators.append(
        lambda value: validate_no_control_characters(value, label=str(label or ""), multiline=multiline)
    )


def protect_personal_fields(form) -> None:
    """Show the stored personal fields of the form's model (``Model.personal_fields``) masked.

    Masked for everyone, the permitted included: an edit form is a page, and a clear value leaves
    the server only through a logged 显示, export or API call. The masked value posted back
    unchanged keeps the stored number; a newly typed full number replaces it. The form never
    holds the clear value, so a re-rendered form after an error cannot leak it.
    """
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None:
        return
    for name, kind in personal_fields(type(instance)).items():
        field = form.fields.get(name)
        stored = getattr(instance, name, "") or ""
        if field is None or not stored:
            continue
        masked = mask_value(kind, stored)
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


class PickerMixin:
    """A long list as a searchable picker (static/js/picker.js, Tom Select): every option carries its pinyin
    initials, so "mz" finds 民治…, and a hint (``describe(obj)``) shown under its name."""

    def __init__(self, attrs=None, choices=(), *, describe=None):
        super().__init__({**(attrs or {}), "data-picker": ""}, choices)
        self.describe = describe

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value not in (None, ""):
            # Tom Select reads an option's data-* attributes into the fields it searches and renders
            option["attrs"]["data-initials"] = pinyin_initials(str(label))
            instance = getattr(value, "instance", None)
            hint = self.describe(instance) if self.describe and instance is not None else ""
            if hint:
                option["attrs"]["data-hint"] = hint
        return option


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-record choices are limited to what ``user`` may see.

    ``region_levels`` limits a ``region`` field to those levels (e.g. street and community);
    the model's declared personal fields are shown masked (protect_personal_fields).
    """

    region_levels: tuple[str, ...] = (RegionLevel.STREET, RegionLevel.COMMUNITY)
    # fields whose list runs to hundreds (organizations, people): a searchable picker, not a plain select
    picker_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._add_version_field()
        protect_personal_fields(self)
        blank_choices_read(self, BLANK_LABEL)
        for name, field in self.fields.items():
            queryset = narrow_choices(field, user)
            if isinstance(field.widget, forms.DateTimeInput) and not isinstance(field.widget, DateTimeInput):
                field.widget = DateTimeInput()
            elif isinstance(field.widget, forms.DateInput) and not isinstance(field.widget, DateInput):
                field.widget = DateInput()
            if isinstance(field, forms.CharField):
                refuse_control_characters(field, field.label or name)
            if name == "region" and queryset is not None and queryset.model is Region:
                field.queryset = field.queryset.filter(level__in=self.region_levels).order_by("path")
                field.label_from_instance = RegionChoiceField.label_from_instance.__get__(field)
        for name in self.picker_fields:
            field = self.fields[name]
            widget_class = PickerSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else PickerSelect
            field.widget = widget_class(describe=lambda obj, name=name: self.describe_choice(name, obj))
            field.widget.choices = field.choices

    def describe_choice(self, name: str, obj) -> str:
        """The hint a picker shows under a choice of ``name``; none unless a form says more."""
        return ""

    def _add_version_field(self) -> None:
        """The version the editor opened, posted back so a save over someone else's change is refused."""
        if self.instance.pk is None or not is_versioned(type(self.instance)):
            return
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            min_value=1,
            error_messages={
                "invalid": "页面中的版本号无效，请刷新页面后重新编辑。",
                "min_value": "页面中的版本号无效，请刷新页面后重新编辑。",
            },
        )
        self.initial.setdefault(VERSION_FIELD, self.instance.version)

    def service_data(self) -> dict:
        """The cleaned values of the model's own fields, as the service takes them."""
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        return {k: v for k, v in self.cleaned_data.items() if k in model_fields}

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


def add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each message on its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def free_year(taken, *, preferred) -> int:
    """The first of the ``preferred`` years not ``taken``, else the latest free year before them.

    A yearly record (survey, evaluation) is opened for a year that can still be saved: a form that starts
    at a year already recorded only fails on 保存.
    """
    taken = set(taken)
    for year in preferred:
        if year not in taken:
            return year
    year = min(preferred) - 1
    while year in taken:
        year -= 1
    return year


def chosen_pk(form, name: str) -> int | None:
    """The primary key the form opened with for ``name`` (?representative=12), if it is a number."""
    value = form.initial.get(name)
    value = getattr(value, "pk", value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

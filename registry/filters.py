"""FilterSet base shared by list pages, exports and the API: scoped choices, ?q= search, region subtree.

A parameter the FilterSet does not know, or a value it cannot read, makes the form invalid: the
page shows the message and no rows, the export refuses, the API answers 400 — never the whole list.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.choices import RegionLevel
from registry.forms import RegionChoiceField, refuse_control_characters
from registry.models import Region
from registry.scoping import narrow_choices
from registry.search import initials_match, initials_term, search_rank, search_words
from registry.validators import normalize_code


@extend_schema_field(OpenApiTypes.INT)  # a region id, whatever path the filter follows
class RegionSubtreeFilter(django_filters.ModelChoiceFilter):
    """?region=<id> keeps records in that region or anywhere below it."""

    field_class = RegionChoiceField

    # the district (and the city above it) are choices too: a figure for the whole district links to
    # its list with ?region=<district>, as a street's figure does with its street
    ALL_LEVELS = (RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)

    def __init__(self, *args, field_path: str = "region", levels=ALL_LEVELS, **kwargs):
        self.field_path = field_path
        self.levels = levels
        kwargs.setdefault("label", "所属区域")
        kwargs.setdefault("queryset", Region.objects.filter(level__in=levels).order_by("path"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_path}__path__startswith": value.path})


# parameters of the list machinery itself, not filters: pages, sorting, the API's paging and format
RESERVED_PARAMS = frozenset({"page", "sort", "per_page", "limit", "offset", "format", "q"})


class FilterForm(forms.Form):
    """The form of a ScopedFilterSet: refuses parameters the FilterSet does not know."""

    unknown_params: tuple[str, ...] = ()
    known_labels: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        if self.unknown_params:
            raise ValidationError(
                "不支持的筛选条件：%(names)s。本列表可按以下条件筛选：%(known)s。",
                code="unknown_filter",
                params={"names": "、".join(self.unknown_params), "known": "、".join(self.known_labels)},
            )
        return cleaned


def param_names(name: str, field) -> list[str]:
    """The query parameters one form field reads (a range widget reads name_min and name_max)."""
    suffixes = getattr(field.widget, "widgets_names", None)
    return [f"{name}{suffix}" for suffix in suffixes] if suffixes else [name]


def display_value(field, value) -> str:
    """A cleaned filter value as the user chose it: the choice's label, 是/否, the record's name."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | QuerySet):
        return "、".join(display_value(field, item) for item in value)
    if isinstance(value, Model):
        label_from_instance = getattr(field, "label_from_instance", None)
        return str(label_from_instance(value) if label_from_instance else value).strip("\u3000")
    choices = getattr(field, "choices", None)
    if choices is not None and not hasattr(field, "queryset"):
        labels = {str(key): text for key, text in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    return str(value)


class ScopedFilterSet(django_filters.FilterSet):
    """Choices of related records are narrowed to what the user may see.

    ``search_fields`` lists lookups that ``?q=`` ORs together; ``search_code_fields`` are
    matched after normalizing the term as a code (upper-case, half-width), and
    ``search_pinyin_field`` matches the term as pinyin initials.
    """

    q = django_filters.CharFilter(method="filter_search", label="搜索")

    search_fields: tuple[str, ...] = ("name__contains",)
    search_code_fields: tuple[str, ...] = ()
    search_pinyin_field: str | None = None

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for name, form_field in self.form.fields.items():
            narrow_choices(form_field, user)
            if isinstance(form_field, forms.CharField):
                refuse_control_characters(form_field, form_field.label or name)

    def get_form_class(self):
        form_class = super().get_form_class()
        known = set(RESERVED_PARAMS)
        for name, field in form_class.base_fields.items():
            known.update(param_names(name, field))
        unknown = tuple(sorted(key for key in (self.data or {}) if key not in known))
        labels = tuple(str(field.label or name) for name, field in form_class.base_fields.items())
        return type(form_class.__name__, (FilterForm, form_class), {"unknown_params": unknown, "known_labels": labels})

    def filter_search(self, queryset, name, value):
        words = search_words(value)
        if not words:
            return queryset
        # every word is found in some searched field: "恒新 协会" finds 恒新科技协会
        condition = Q()
        for word in words:
            condition &= Q(*(Q(**{lookup: word}) for lookup in self.search_fields), _connector=Q.OR)
        code = normalize_code("".join(words))
        for lookup in self.search_code_fields:
            condition |= Q(**{lookup: code})
        initials = initials_term(value)
        if self.search_pinyin_field and initials:
            condition |= initials_match(self.search_pinyin_field, initials)
        name_lookup = next((lookup for lookup in self.search_fields if lookup.endswith("name__contains")), None)
        rank = search_rank(
            name_field=name_lookup.removesuffix("__contains") if name_lookup else None,
            initials_field=self.search_pinyin_field,
            term=value,
        )
        return queryset.filter(condition).annotate(search_rank=rank)

    @property
    def chosen_filters(self) -> dict:
        """{filter name: cleaned value} of the filters the user set (a 否 is set, an empty box is not)."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value is not None and value != "" and not (hasattr(value, "__len__") and len(value) == 0)
        }

    def display_value(self, name: str, value) -> str:
        return display_value(self.form.fields[name], value)

    @property
    def active_filters(self) -> dict:
        """{Chinese label: value as chosen} of the filters set, for the access log and the export file."""
        return {
            str(self.form.fields[name].label or name): self.display_value(name, value)
            for name, value in self.chosen_filters.items()
        }

    @property
    def error_messages(self) -> list[str]:
        """Every reason the filters cannot be applied, each naming its filter, for the page and the export."""
        if not self.is_bound or self.form.is_valid():
            return []
        messages = []
        for name, errors in self.form.errors.items():
            field = self.form.fields.get(name)
            prefix = f"{field.label or name}：" if field is not None else ""
            messages.extend(f"{prefix}{message}" for message in errors)
        return messages


class YesNoField(forms.NullBooleanField):
    """是/否/全部; a value that is none of them is an error, not silently 全部."""

    TRUE = ("true", "True", "1", "是")
    FALSE = ("false", "False", "0", "否")

    def to_python(self, value):
        if value in (True, False):
            return value
        if value in (None, ""):
            return None
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ValidationError("“%(value)s”不是有效的选项，请选择“是”或“否”。", code="invalid", params={"value": value})


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]))
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    """A four-digit year; -1, 1.5 or 99999999 is a clear error, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "请填写四位数字的年份，例如 2026。",
                "min_value": "年份不能早于 %(limit_value)s 年。",
                "max_value": "年份不能晚于 %(limit_value)s 年。",
            },
        )
        super().__init__(*args, **kwargs)


class MonthField(forms.CharField):
    """A calendar month as YYYY-MM (the browser's month picker sends it so); read as (year, month)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "例如 2022-03"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            parsed = datetime.datetime.strptime(value, "%Y-%m")
        except ValueError:
            raise ValidationError("请按“年-月”填写月份，例如 2022-03。", code="invalid") from None
        if not 1900 <= parsed.year <= 2100:
            raise ValidationError("月份的年份应在 1900 至 2100 年之间。", code="invalid")
        return (parsed.year, parsed.month)


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2022-03"})
class MonthFilter(django_filters.Filter):
    """?month=2022-03: the model's queryset method ``in_month(year, month)`` decides what lies in it
    (local Shanghai dates, an indexed range)."""

    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_month(*value)

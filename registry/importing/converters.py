"""Converters: how one cell becomes one field value, and references to records the same file creates."""

import datetime
import decimal
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from registry.importing.cells import CellError, _is_number, clean_text, is_blank, match_key
from registry.models import DictionaryItem, Region
from registry.personal import mask_value, personal_fields
from registry.validators import (
    normalize_code,
    validate_contact_phone,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

if TYPE_CHECKING:  # the spec declares its columns with converters: only annotations point back
    from registry.importing.spec import ImportSpec, Related

# ---------------------------------------------------------------------------------------------
# References to records the same file creates


@dataclass(eq=False)
class RowRef:
    """A reference to a record that another row of the same file creates (e.g. a new parent region).

    ``key`` is what the cell named (the referenced row's value of the spec's ``ref_field``);
    ``data`` is that row's converted data, known once the row has been validated. The commit
    creates the referenced row first and swaps the reference for the saved record.
    """

    key: tuple
    row: int = 0
    data: dict | None = None

    def stand_in(self, model):
        """An unsaved instance with the referenced row's plain values, for rules such as Region.clean."""
        values = {}
        for name, value in (self.data or {}).items():
            if isinstance(value, RowRef | RelatedRef):
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not model_field.many_to_many:
                values[name] = value
        instance = model(**values)
        # a placeholder key, so that rules testing e.g. ``parent_id`` see that there is a parent
        instance.pk = -1
        return instance


@dataclass(eq=False)
class RelatedRef:
    """A record described by some columns of the row (e.g. an assignment's liaison) that does not exist yet.

    One object per record: every row naming the same liaison holds the same RelatedRef, and the
    commit swaps it for the record the first of those rows creates.
    """

    related: "Related"
    identity: tuple
    row: int
    data: dict

    def stand_in(self, model):
        values = {k: v for k, v in self.data.items() if not isinstance(v, RowRef | RelatedRef)}
        instance = model(**values)
        instance.pk = -1
        return instance

    def __str__(self):
        return str(self.stand_in(self.related.model))


def build_candidate(model, instance, data: dict):
    """An unsaved copy of ``instance`` (or a new object) with ``data`` applied, for a spec's ``check``.

    A copy, not the instance: the instance is compared and saved later and must stay as loaded.
    Many-to-many values are left out (an unsaved object cannot hold them): checks read them from ``data``.
    """
    if instance is not None:
        candidate = model(**{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields})
        candidate._state.adding = False
    else:
        candidate = model()
    many = {f.name for f in model._meta.many_to_many}
    for name, value in data.items():
        if name in many:
            continue
        setattr(
            candidate, name, value.stand_in(model_of(model, name)) if isinstance(value, RowRef | RelatedRef) else value
        )
    return candidate


def model_of(model, name: str):
    """The model a relation field of ``model`` points to (the model itself for a tree's parent)."""
    return model._meta.get_field(name).related_model


# ---------------------------------------------------------------------------------------------
# Converters: how one cell becomes one field value


class ImportContext:
    """What converters share during one validation: the user, the spec, caches, the file's references."""

    def __init__(self, spec: "ImportSpec", user):
        self.spec = spec
        self.user = user
        self.cache: dict[Any, Any] = {}
        # (value of the spec's ref_field,) → the rows holding it: what a same-file reference may name
        self.file_refs: dict[tuple, list[int]] = {}
        self.row = 0


class Converter:
    """Base: turns a non-blank cell into a field value or raises CellError with a Chinese reason."""

    format = "文本"
    number_format = "@"  # the template column's Excel format; "@" keeps long codes as text
    same_file = False  # may refer to a record another row of the file creates
    ref_field: str | None = None  # the field of that record a same-file reference names
    strict_options = True  # the template's dropdown refuses other values (a region may also be typed as a code)

    def __init__(self):
        self.model_field = None

    def bind(self, model_field) -> None:
        self.model_field = model_field

    @property
    def personal_kind(self) -> str | None:
        """How the bound field is masked, as its model declares it (Model.personal_fields); None when not personal."""
        f = self.model_field
        return personal_fields(f.model).get(f.name) if f is not None else None

    @property
    def personal(self) -> bool:
        return self.personal_kind is not None

    def convert(self, raw, ctx: ImportContext):
        raise NotImplementedError

    def index_value(self, raw):
        """The cell as the in-file duplicate check compares it, before any database lookup."""
        try:
            return self.convert(raw, None)
        except CellError:
            return clean_text(raw)

    def preload(self, raws: list, ctx: ImportContext) -> None:
        """Called with a chunk's cells of this column before they are converted (bulk lookups)."""

    def options(self, user) -> list[str] | None:
        """Allowed values for the template's dropdown, or None."""
        return None

    def describe(self) -> str:
        return self.format

    def empty_value(self):
        f = self.model_field
        if f is None:
            return None
        if f.has_default():
            return f.get_default()
        if not f.null and isinstance(f, models.CharField | models.TextField):
            return ""
        return None

    def display(self, value) -> str:
        if value is None or value == "":
            return "（空）"
        if self.personal_kind:  # previews and error messages are seen by more than the uploader
            return mask_value(self.personal_kind, value)
        return str(value)

    def current(self, instance, name: str):
        return getattr(instance, name)

    def same(self, current, new) -> bool:
        return (current if current not in (None, "") else None) == (new if new not in (None, "") else None)


class Text(Converter):
    def __init__(self, *, multiline: bool = False):
        super().__init__()
        self.multiline = multiline

    def describe(self) -> str:
        max_length = getattr(self.model_field, "max_length", None)
        return f"文本，不超过{max_length}字" if max_length else "文本"

    def convert(self, raw, ctx):
        if self.multiline and isinstance(raw, str):
            lines = [clean_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
            return "\n".join(line for line in lines if line)
        return clean_text(raw)


class Code(Converter):
    """A code: half-width, upper case, no blanks; a numeric cell is accepted while Excel kept it whole."""

    format = "代码（按文本填写）"

    def convert(self, raw, ctx):
        if _is_number(raw):
            if isinstance(raw, float) and not raw.is_integer():
                raise CellError(f"“{clean_text(raw)}”不是有效的代码。")
            if abs(raw) >= 1e15:
                raise CellError("该单元格被 Excel 存成了数字，超过15位的末几位已丢失：请把该列设为文本格式后重新填写。")
        return normalize_code(clean_text(raw))

    def index_value(self, raw):
        return normalize_code(clean_text(raw))


class _CheckedCode(Code):
    validator: Callable[[str], None]

    def convert(self, raw, ctx):
        code = super().convert(raw, ctx)
        try:
            type(self).validator(code)
        except ValidationError as exc:
            raise CellError("；".join(exc.messages)) from exc
        return code


class CreditCode(_CheckedCode):
    format = "18位统一社会信用代码（校验末位）"
    validator = validate_credit_code


class IdNumber(_CheckedCode):
    format = "18位居民身份证号（校验末位）"
    validator = validate_id_number


class Mobile(_CheckedCode):
    format = "11位手机号"
    validator = validate_mobile


class Integer(Converter):
    format = "整数"
    number_format = "0"

    def convert(self, raw, ctx):
        if isinstance(raw, bool):
            raise CellError("应填写整数。")
        if _is_number(raw):
            if isinstance(raw, float) and not raw.is_integer():
                raise CellError(f"“{clean_text(raw)}”不是整数。")
            return int(raw)
        text = unicodedata.normalize("NFKC", clean_text(raw)).replace(",", "").replace(" ", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(f"“{clean_text(raw)}”不是整数。")
        return int(text)


class Decimal(Converter):
    number_format = "0.00"

    def describe(self) -> str:
        places = getattr(self.model_field, "decimal_places", None)
        return f"数字（最多{places}位小数）" if places is not None else "数字"

    def convert(self, raw, ctx):
        if isinstance(raw, bool):
            raise CellError("应填写数字。")
        if _is_number(raw):
            # str() of a float is its shortest round-trip form: 158.31, not 158.3099999…
            return decimal.Decimal(str(raw))
        text = unicodedata.normalize("NFKC", clean_text(raw))
        text = re.sub(r"[,\s¥￥元]", "", text)
        try:
            value = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise CellError(f"“{clean_text(raw)}”不是数字。") from None
        if not value.is_finite():
            raise CellError(f"“{clean_text(raw)}”不是数字。")
        return value


_DATE_TEXT = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


class Date(Converter):
    format = "日期，如 2023-05-01（也可写 2023/5/1、2023.5.1、2023年5月1日、20230501）"
    number_format = "yyyy-mm-dd"

    def convert(self, raw, ctx):
        if isinstance(raw, datetime.datetime):
            return self._in_range(raw.date(), raw)
        if isinstance(raw, datetime.date):
            return self._in_range(raw, raw)
        if isinstance(raw, bool | datetime.time):
            raise CellError(f"“{clean_text(raw)}”不是日期。")
        if _is_number(raw):
            if float(raw).is_integer() and 10000101 <= raw <= 99991231:
                return self._parse_text(str(int(raw)), raw)
            if 1 <= raw < 2958466:  # an Excel serial date whose cell format was set to 常规
                return self._in_range(from_excel(raw).date(), raw)
            raise CellError(f"“{clean_text(raw)}”不是日期。")
        return self._parse_text(unicodedata.normalize("NFKC", clean_text(raw)), raw)

    def _parse_text(self, text, raw):
        text = re.split(r"[ T]", text.strip(), maxsplit=1)[0]
        for pattern in _DATE_TEXT:
            match = pattern.fullmatch(text)
            if match:
                try:
                    value = datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    raise CellError(f"“{clean_text(raw)}”不是有效日期（月或日超出范围）。") from None
                return self._in_range(value, raw)
        raise CellError(f"“{clean_text(raw)}”不是可识别的日期，请填写如 2023-05-01 的日期。")

    def _in_range(self, value, raw):
        if not 1900 <= value.year <= 2100:
            raise CellError(f"日期“{clean_text(raw)}”超出合理范围（1900—2100年）。")
        return value

    def display(self, value) -> str:
        return value.isoformat() if value else "（空）"


_TIME_TEXT = re.compile(r"(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?")


class DateTime(Converter):
    """A moment as the user's wall clock reads it (the current time zone, Asia/Shanghai): "2022-03-12 09:00", an Excel
    date-time cell, or a plain date, which means 00:00 of that day (so a date alone is never a guessed hour)."""

    format = "日期时间，如 2022-03-12 09:00（北京时间；只填日期按当天 00:00 计）"
    number_format = "yyyy-mm-dd hh:mm"

    def convert(self, raw, ctx):
        if isinstance(raw, datetime.datetime):
            return self._aware(raw, raw)
        if isinstance(raw, datetime.date):
            return self._aware(datetime.datetime.combine(raw, datetime.time()), raw)
        if isinstance(raw, bool | datetime.time):
            raise CellError(f"“{clean_text(raw)}”不是日期时间，请填写如 2022-03-12 09:00。")
        if _is_number(raw):
            if 1 <= raw < 2958466:  # an Excel serial date-time whose cell format was set to 常规
                return self._aware(from_excel(raw), raw)
            raise CellError(f"“{clean_text(raw)}”不是日期时间，请填写如 2022-03-12 09:00。")
        text = unicodedata.normalize("NFKC", clean_text(raw)).strip()
        day_text, _, time_text = re.sub(r"(?<=\d)T(?=\d)", " ", text).partition(" ")
        day = Date().convert(day_text, ctx)
        clock = datetime.time()
        time_text = time_text.strip()
        if time_text:
            match = _TIME_TEXT.fullmatch(time_text)
            try:
                clock = datetime.time(*(int(part) for part in match.groups() if part is not None)) if match else None
            except ValueError:
                clock = None
            if clock is None:
                raise CellError(f"“{clean_text(raw)}”中的时间不可识别，请填写如 2022-03-12 09:00。")
        return self._aware(datetime.datetime.combine(day, clock), raw)

    def _aware(self, value: datetime.datetime, raw) -> datetime.datetime:
        if not 1900 <= value.year <= 2100:
            raise CellError(f"日期时间“{clean_text(raw)}”超出合理范围（1900—2100年）。")
        # Excel keeps a time as a fraction of a day: 09:10 may come back as 09:09:59.999…
        if value.microsecond >= 500_000:
            value += datetime.timedelta(seconds=1)
        value = value.replace(microsecond=0)
        if timezone.is_aware(value):
            return timezone.localtime(value)
        return timezone.make_aware(value)

    def display(self, value) -> str:
        if not value:
            return "（空）"
        local = timezone.localtime(value)
        return f"{local:%Y-%m-%d %H:%M}" + (f":{local:%S}" if local.second else "")


_TRUE = {"是", "Y", "YES", "TRUE", "1", "√", "有"}
_FALSE = {"否", "N", "NO", "FALSE", "0", "×", "无"}


class Boolean(Converter):
    format = "是 / 否"
    number_format = "General"

    def convert(self, raw, ctx):
        if isinstance(raw, bool):
            return raw
        key = match_key(raw)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise CellError(f"“{clean_text(raw)}”应填写“是”或“否”。")

    def options(self, user):
        return ["是", "否"]

    def display(self, value) -> str:
        return "（空）" if value is None else ("是" if value else "否")


class Choice(Converter):
    """A fixed enumeration given by its Chinese label; each part of a label such as "街道/镇" counts too."""

    format = "从下拉列表中选择"
    number_format = "General"

    def __init__(self, choices=None, *, aliases: dict[str, str] | None = None):
        super().__init__()
        self._choices = list(choices) if choices is not None else None
        self.aliases = aliases or {}

    def bind(self, model_field) -> None:
        super().bind(model_field)
        choices = self._choices if self._choices is not None else list(model_field.flatchoices)
        self.labels = {str(value): str(label) for value, label in choices if value not in ("", None)}
        lookup: dict[str, str] = {}
        ambiguous: set[str] = set()
        for value, label in self.labels.items():
            lookup[match_key(label)] = value
            for part in re.split(r"[/／]", label):
                key = match_key(part)
                if key and lookup.setdefault(key, value) != value:
                    ambiguous.add(key)
        for key in ambiguous:
            lookup.pop(key, None)
        for value, label in self.labels.items():
            lookup[match_key(label)] = value
            lookup.setdefault(match_key(value), value)
        for alias, value in self.aliases.items():
            lookup[match_key(alias)] = value
        self.lookup = lookup

    def convert(self, raw, ctx):
        value = self.lookup.get(match_key(raw))
        if value is None:
            raise CellError(f"“{clean_text(raw)}”不是可选值，可选：{'、'.join(self.labels.values())}。")
        return value

    def options(self, user):
        return list(self.labels.values())

    def describe(self) -> str:
        return f"从下拉列表中选择：{'、'.join(self.labels.values())}"

    def display(self, value) -> str:
        return self.labels.get(str(value), str(value)) if value not in (None, "") else "（空）"


class _Lookup(Converter):
    """Base of the converters that return model instances."""

    number_format = "@"

    def display(self, value) -> str:
        if isinstance(value, RowRef):
            return f"{value.key[0]}（本文件第{value.row}行新增）"
        return str(value) if value is not None else "（空）"

    def current(self, instance, name: str):
        return getattr(instance, name)

    def same(self, current, new) -> bool:
        if isinstance(new, RowRef):
            return False
        return getattr(current, "pk", None) == getattr(new, "pk", None)


@dataclass
class _RegionIndex:
    by_code: dict[str, Region]
    by_name: dict[str, list[Region]]
    by_full_name: dict[str, list[Region]]
    labels: dict[str, str]  # code → what the template's dropdown shows


class RegionRef(_Lookup):
    """A region given by name, full name (龙华区民治街道民治社区) or code — only inside the user's scope.

    ``levels`` narrows the allowed levels; ``same_file`` lets a row name a region that another
    row of the same file creates (its code), for importing a tree in one file.
    """

    strict_options = False

    def __init__(self, *, levels: Iterable[str] | None = None, same_file: bool = False):
        super().__init__()
        self.levels = set(levels) if levels else None
        self.same_file = same_file
        self.ref_field = "code"
        self.target_model = Region

    def describe(self) -> str:
        text = "区划名称或区划代码（限您的管辖区域；重名时请填代码或全称）"
        if self.levels:
            from registry.choices import RegionLevel

            text += "，层级：" + "、".join(RegionLevel(level).label for level in sorted(self.levels))
        if self.same_file:
            text += "；也可填写本文件中其他行新增的区划代码"
        return text

    def _index(self, user, cache: dict) -> _RegionIndex:
        key = ("regions", user.pk)
        if key in cache:
            return cache[key]
        regions = list(Region.objects.visible_to(user).order_by("path"))
        names = {r.code: (r.name, r.level) for r in regions}
        missing = {code for r in regions for code in r.ancestor_codes()} - names.keys()
        for code, name, level in Region.objects.filter(code__in=missing).values_list("code", "name", "level"):
            names[code] = (name, level)
        by_code, by_name, by_full = {}, defaultdict(list), defaultdict(list)
        full_names = {}
        for region in regions:
            parts = [names[c][0] for c in region.ancestor_codes() if c in names and names[c][1] != "city"]
            full_names[region.code] = "".join(parts) or region.name
            by_code[region.code] = region
            by_name[match_key(region.name)].append(region)
            by_full[match_key(full_names[region.code])].append(region)
        labels = {
            r.code: (r.name if len(by_name[match_key(r.name)]) == 1 else full_names[r.code])
            for r in regions
            if self.levels is None or r.level in self.levels
        }
        cache[key] = _RegionIndex(by_code, by_name, by_full, labels)
        return cache[key]

    def index_value(self, raw):
        return normalize_code(clean_text(raw))

    def convert(self, raw, ctx):
        index = self._index(ctx.user, ctx.cache)
        text = clean_text(raw)
        code = normalize_code(text)
        region = index.by_code.get(code)
        if region is None:
            matches = index.by_name.get(match_key(text)) or index.by_full_name.get(match_key(text)) or []
            if self.levels and len(matches) > 1:
                matches = [r for r in matches if r.level in self.levels] or matches
            if len(matches) > 1:
                listed = "、".join(f"{index.labels.get(r.code, r.name)}（{r.code}）" for r in matches[:5])
                raise CellError(f"区划名称“{text}”在您的管辖区域内有{len(matches)}个：{listed}，请改填区划代码。")
            region = matches[0] if matches else None
        if region is None:
            if self.same_file and (code,) in ctx.file_refs and ctx.spec.model is self.target_model:
                return RowRef(key=(code,), row=ctx.file_refs[(code,)][0])
            raise CellError(f"找不到区划“{text}”，或它不在您的管辖区域内。")
        if self.levels and region.level not in self.levels:
            from registry.choices import RegionLevel

            allowed = "、".join(RegionLevel(level).label for level in sorted(self.levels))
            raise CellError(f"“{region.name}”是{region.get_level_display()}，此列只能填写{allowed}。")
        return region

    def options(self, user):
        return list(self._index(user, {}).labels.values())

    def display(self, value) -> str:
        if isinstance(value, Region):
            return f"{value.name}（{value.code}）"
        return super().display(value)


class ManyRegionRef(RegionRef):
    """Several regions in one cell (the communities an activity served), each by name, full name or code, in scope.

    Separated as ManyRef's lists are; every unknown one is named at once. A blank cell means none.
    """

    number_format = "@"

    def __init__(self, *, levels: Iterable[str] | None = None):
        super().__init__(levels=levels)

    def describe(self) -> str:
        return super().describe() + "；多个用“、”分隔"

    def parts(self, raw) -> list[str]:
        text = raw if isinstance(raw, str) else clean_text(raw)
        return list(dict.fromkeys(part for part in (clean_text(p) for p in LIST_SEPARATORS.split(text)) if part))

    def index_value(self, raw):
        return tuple(sorted(normalize_code(part) for part in self.parts(raw)))

    def convert(self, raw, ctx):
        regions, problems = [], []
        for part in self.parts(raw):
            try:
                regions.append(super().convert(part, ctx))
            except CellError as exc:
                problems.append(str(exc))
        if problems:
            raise CellError("".join(problems))
        return list({region.pk: region for region in regions}.values())

    def empty_value(self):
        return []

    def current(self, instance, name: str):
        return list(getattr(instance, name).all())  # prefetched by the validation

    def same(self, current, new) -> bool:
        return {obj.pk for obj in current or []} == {obj.pk for obj in new or []}

    def display(self, value) -> str:
        if not value:
            return "（空）"
        names = sorted(region.name for region in value)
        return "、".join(names[:5]) + (f"等{len(names)}个" if len(names) > 5 else "")


class DictionaryRef(_Lookup):
    """An item of an admin-maintained list (行业类别, 专业特长 …) given by its name."""

    def __init__(self, model: type[DictionaryItem] | None = None):
        super().__init__()
        self.model = model

    def bind(self, model_field) -> None:
        super().bind(model_field)
        self.model = self.model or model_field.related_model

    def describe(self) -> str:
        return f"从下拉列表中选择（「{self.model._meta.verbose_name}」中启用的名称）"

    def _items(self, cache: dict) -> dict[str, Any]:
        key = ("dictionary", self.model._meta.label)
        if key not in cache:
            cache[key] = {match_key(item.name): item for item in self.model._default_manager.all()}
        return cache[key]

    def index_value(self, raw):
        return match_key(raw)

    def convert(self, raw, ctx):
        item = self._items(ctx.cache).get(match_key(raw))
        label = self.model._meta.verbose_name
        if item is None:
            raise CellError(f"“{clean_text(raw)}”不在「{label}」字典中，请从下拉列表中选择。")
        if not getattr(item, "is_active", True):
            raise CellError(f"「{label}」中的“{item.name}”已停用。")
        return item

    def options(self, user):
        return [item.name for item in self.model._default_manager.all() if getattr(item, "is_active", True)]


class ForeignKeyRef(_Lookup):
    """A record given by its natural key, e.g. an organization by 统一社会信用代码, within the user's scope.

    ``same_file`` lets a row name a record that another row of the same file creates (a party
    organization's parent by name): ``to_field`` must then be part of the spec's natural key.
    """

    def __init__(
        self,
        model=None,
        *,
        to_field: str,
        label: str = "",
        normalize: Callable[[Any], str] | None = None,
        same_file: bool = False,
    ):
        super().__init__()
        self.model = model
        self.to_field = to_field
        self.ref_field = to_field
        self.label = label
        self.normalize = normalize or (lambda raw: normalize_code(clean_text(raw)))
        self.same_file = same_file

    def bind(self, model_field) -> None:
        super().bind(model_field)
        self.model = self.model or model_field.related_model
        self.label = self.label or str(self.model._meta.get_field(self.to_field).verbose_name)
        self.target_model = self.model

    @property
    def personal_kind(self) -> str | None:
        # the cell holds the named record's ``to_field`` (a person's ID number), masked as that model declares it
        return personal_fields(self.model).get(self.to_field) if self.model is not None else None

    @property
    def scoped(self) -> bool:
        """Records of a region (organizations), not a district-wide list (specialties)."""
        return hasattr(self.model._default_manager, "visible_to")

    def _registered(self) -> str:
        where = "且在您管辖区域内" if self.scoped else ""
        return f"须为已登记{where}的{self.model._meta.verbose_name}"

    def describe(self) -> str:
        text = f"{self.label}（{self._registered()}）"
        if self.same_file:
            text += f"；也可填写本文件中其他行新增的{self.model._meta.verbose_name}"
        return text

    def _queryset(self, user):
        manager = self.model._default_manager
        if issubclass(self.model, DictionaryItem):
            return manager.filter(is_active=True)  # a disabled item is no longer chosen, as DictionaryRef says
        return manager.visible_to(user) if self.scoped else manager.all()

    def index_value(self, raw):
        return self.normalize(raw)

    def _found(self, ctx) -> dict[str, list]:
        return ctx.cache.setdefault(("fk", self.model._meta.label, self.to_field), {})

    def preload(self, raws, ctx):
        self._load({self.normalize(raw) for raw in raws if not is_blank(raw)}, ctx)

    def _load(self, values: set, ctx) -> dict[str, list]:
        found = self._found(ctx)
        wanted = values - found.keys()
        if wanted:
            for value in wanted:
                found[value] = []
            for obj in self._queryset(ctx.user).filter(**{f"{self.to_field}__in": wanted}):
                found.setdefault(getattr(obj, self.to_field), []).append(obj)
        return found

    def not_found(self, value) -> str:
        where = "，或它不在您的管辖区域内" if self.scoped else ""
        return f"找不到{self.label}为“{value}”的{self.model._meta.verbose_name}{where}。"

    def convert(self, raw, ctx):
        value = self.normalize(raw)
        objs = self._load({value}, ctx)[value]
        if len(objs) > 1:
            raise CellError(
                f"您的管辖区域内有{len(objs)}个{self.label}为“{value}”的{self.model._meta.verbose_name}，无法确定是哪一个。"
            )
        if objs:
            return objs[0]
        if self.same_file and (value,) in ctx.file_refs and ctx.spec.model is self.model:
            return RowRef(key=(value,), row=ctx.file_refs[(value,)][0])
        raise CellError(self.not_found(value))


LIST_SEPARATORS = re.compile(r"[、;；,，\n\r]+")


class ManyRef(ForeignKeyRef):
    """Several records in one cell, e.g. the organizations a joint party branch covers, by credit code.

    Separated by 、 ; or line breaks (commas too); every one must be registered and in the user's
    scope, and all the unknown ones are named at once. A blank cell means none.
    """

    number_format = "@"
    strict_options = False  # the dropdown offers one item; several are typed

    def describe(self) -> str:
        return f"{self.label}，多个用“、”或“；”分隔（{self._registered()}）"

    def options(self, user):
        """A dictionary's enabled names (专业特长); a list of organizations is too long to offer."""
        if not issubclass(self.model, DictionaryItem):
            return None
        return list(self._queryset(user).values_list(self.to_field, flat=True))

    def parts(self, raw) -> list[str]:
        text = raw if isinstance(raw, str) else clean_text(raw)
        values = [self.normalize(part) for part in LIST_SEPARATORS.split(text)]
        return list(dict.fromkeys(value for value in values if value))

    def index_value(self, raw):
        return tuple(sorted(self.parts(raw)))

    def preload(self, raws, ctx):
        self._load({part for raw in raws if not is_blank(raw) for part in self.parts(raw)}, ctx)

    def convert(self, raw, ctx):
        parts = self.parts(raw)
        found = self._load(set(parts), ctx)
        missing = [part for part in parts if not found[part]]
        if missing:
            shown = "、".join(f"“{part}”" for part in missing[:10]) + (
                f"等{len(missing)}个" if len(missing) > 10 else ""
            )
            where = "，或不在您的管辖区域内" if self.scoped else ""
            raise CellError(f"找不到{self.label}为{shown}的{self.model._meta.verbose_name}{where}。")
        ambiguous = [part for part in parts if len(found[part]) > 1]
        if ambiguous:
            raise CellError(f"{self.label}“{ambiguous[0]}”对应多个{self.model._meta.verbose_name}，无法确定是哪一个。")
        return [found[part][0] for part in parts]

    def empty_value(self):
        return []

    def current(self, instance, name: str):
        # prefetched by the validation (prefetch_related), so no query per row
        return list(getattr(instance, name).all())

    def same(self, current, new) -> bool:
        return {obj.pk for obj in current or []} == {obj.pk for obj in new or []}

    def display(self, value) -> str:
        if not value:
            return "（空）"
        names = sorted(str(obj) for obj in value)  # sorted: before and after compare at a glance
        return "、".join(names[:5]) + (f"等{len(names)}个" if len(names) > 5 else "")


class Phone(Converter):
    """A contact phone: one starting with 1 is checked as a mobile number, anything else kept as a landline."""

    format = "手机号，或固定电话如 0755-23456789"

    def convert(self, raw, ctx):
        if _is_number(raw):
            if isinstance(raw, float) and not raw.is_integer():
                raise CellError(f"“{clean_text(raw)}”不是有效的电话号码。")
            raw = str(int(raw))
        text = unicodedata.normalize("NFKC", clean_text(raw))
        compact = re.sub(r"[\s\-—–]", "", text)
        if compact.startswith("1"):
            try:
                validate_mobile(compact)
            except ValidationError as exc:
                raise CellError("；".join(exc.messages)) from exc
            return compact
        try:
            validate_contact_phone(text)
        except ValidationError as exc:
            hint = "手机号请填11位数字，固定电话请带区号，如 0755-23456789"
            raise CellError(f"“{clean_text(raw)}”不是有效的电话号码：{hint}。") from exc
        return text

    def index_value(self, raw):
        return clean_text(raw)


def infer_converter(model_field) -> Converter:
    """The converter a column gets when its declaration names none."""
    if isinstance(model_field, models.ManyToManyField):
        raise ImproperlyConfigured(
            f"导入列 {model_field.name} 是多对多字段，请声明 ManyRef(to_field=…) 指明按哪个字段查找。"
        )
    if getattr(model_field, "choices", None):
        return Choice()
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model
        if related is Region:
            return RegionRef()
        if issubclass(related, DictionaryItem):
            return DictionaryRef()
        raise ImproperlyConfigured(
            f"导入列 {model_field.name} 是外键，请声明 ForeignKeyRef(to_field=…) 指明按哪个字段查找。"
        )
    if isinstance(model_field, models.BooleanField):
        return Boolean()
    if isinstance(model_field, models.DateTimeField):
        return DateTime()
    if isinstance(model_field, models.DateField):
        return Date()
    if isinstance(model_field, models.DecimalField):
        return Decimal()
    if isinstance(model_field, models.IntegerField):
        return Integer()
    if isinstance(model_field, models.TextField):
        return Text(multiline=True)
    if isinstance(model_field, models.CharField):
        return Text()
    raise ImproperlyConfigured(f"导入列 {model_field.name}：无法推断转换方式，请声明 converter。")

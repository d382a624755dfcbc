"""The one Excel import engine: ImportSpec declarations, templates, row-by-row validation, preview and commit.

A model plugs in with a declaration (see registry/imports.py for the first one)::

    register(ImportSpec(
        model=Organization,
        natural_key=("credit_code",),
        columns=[
            Column("统一社会信用代码", "credit_code", CreditCode()),
            Column("名称", "name"),                      # converter inferred from the model field
            Column("所在区划", "region"),                 # FK to Region → region by name or code, in scope
            Column("行业类别", "industry"),               # FK to a DictionaryItem → dictionary by name
            Column("法定代表人手机", "legal_mobile", Mobile()),
        ],
        create=organization_create,                      # the services the forms use
        update=organization_update,
    ))

A row may also fill a second record (``Related``): the organization's survey of the year in the
same row, or the liaison an assignment row names (created once, shared by the rows naming the same
person); ``ManyRef`` takes a list of records in one cell (the organizations a party branch covers).
See organizations/imports.py.

The engine never writes a domain table itself: ``create``/``update`` are the app's services.
Validation reads the sheet (openpyxl read-only) in two passes: the first indexes natural keys
(duplicates inside the file, rows other rows refer to, the people a liaison ledger names) and
keeps the rows of a file up to KEEP_ROWS; the second converts every cell, in chunks, against
preloaded lookups. Commit re-runs the same validation inside one transaction and refuses if it
no longer matches what the preview showed; in that transaction the services open no savepoints
(see _one_transaction_without_savepoints).
"""

import datetime
import decimal
import io
import re
import unicodedata
import zipfile
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from registry.crud import checked_bulk_write
from registry.models import DictionaryItem, Region
from registry.personal import mask_id_number, mask_mobile, mask_numbers
from registry.validators import normalize_code, validate_credit_code, validate_id_number, validate_mobile

INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "下拉选项"
ERROR_COLUMN = "错误原因"
CHUNK_ROWS = 500
# The first pass keeps the rows of a file up to this size, so the second one need not parse the sheet
# again (parsing is a third of a validation); a larger file is read twice to keep memory bounded.
KEEP_ROWS = 20_000
HEADER_SEARCH_ROWS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML file is an OLE2 container holding these streams (MS-OFFCRYPTO).
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# What openpyxl and zipfile raise on a damaged package or sheet; only the calls into them are wrapped.
DAMAGED_FILE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ParseError,
    InvalidFileException,
    ValueError,
    TypeError,
    IndexError,
    OSError,
)

ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_UNCHANGED = "unchanged"
ACTION_ERROR = "error"


class ImportRefused(Exception):
    """The whole file is refused (wrong model, damaged, encrypted, too large, changed since preview)."""


class ImportCancelled(Exception):
    """The user cancelled while the file was being validated."""


class CellError(Exception):
    """One cell cannot become a value; the message is shown to the user as is."""


# ---------------------------------------------------------------------------------------------
# Cell text


_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def clean_text(raw) -> str:
    """A cell as text: integral floats without '.0', dates as ISO dates, runs of blanks as one space."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime.datetime):
        raw = raw.date() if raw.time() == datetime.time() else raw.replace(microsecond=0)
    if isinstance(raw, datetime.date | datetime.time):
        return raw.isoformat()
    return _SPACES.sub(" ", str(raw)).strip()


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not clean_text(raw))


def match_key(text) -> str:
    """How labels and names are compared: NFKC (full-width → half-width), no blanks, upper case."""
    return normalize_code(unicodedata.normalize("NFKC", clean_text(text)))


def report_value(raw):
    """A cell as JSON can keep it, so the error report gives back what the user typed."""
    if raw is None or isinstance(raw, bool | int | str):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    return clean_text(raw)


def _is_number(raw) -> bool:
    return isinstance(raw, int | float | decimal.Decimal) and not isinstance(raw, bool)


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
    personal = False
    same_file = False  # may refer to a record another row of the file creates
    ref_field: str | None = None  # the field of that record a same-file reference names
    strict_options = True  # the template's dropdown refuses other values (a region may also be typed as a code)

    def __init__(self):
        self.model_field = None

    def bind(self, model_field) -> None:
        self.model_field = model_field

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
    personal = True
    validator = validate_id_number

    def display(self, value) -> str:
        return mask_id_number(value) if value else "（空）"


class Mobile(_CheckedCode):
    format = "11位手机号"
    personal = True
    validator = validate_mobile

    def display(self, value) -> str:
        return mask_mobile(value) if value else "（空）"


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


_PHONE_TEXT = re.compile(r"[0-9()（）+\-—–\s转#,，、/]+")


class Phone(Converter):
    """A contact phone: one starting with 1 is checked as a mobile number, anything else kept as a landline."""

    format = "手机号，或固定电话如 0755-23456789"
    personal = True

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
        if not _PHONE_TEXT.fullmatch(text) or sum(ch.isdigit() for ch in text) < 7:
            raise CellError(f"“{clean_text(raw)}”不是有效的电话号码：手机号请填11位数字，固定电话如 0755-23456789。")
        return text

    def index_value(self, raw):
        return clean_text(raw)

    def display(self, value) -> str:
        return mask_mobile(value) if value else "（空）"


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
        raise ImproperlyConfigured(f"导入列 {model_field.name}：暂不支持日期时间字段。")
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


# ---------------------------------------------------------------------------------------------
# Declarations


@dataclass(eq=False)
class Column:
    header: str
    field: str
    converter: Converter | None = None
    required: bool | None = None  # default: the model field may be neither blank nor defaulted
    help: str = ""
    example: Any = ""
    related: "Related | None" = None  # the column fills a field of that related record, not of the row's own
    model_field: Any = field(default=None, init=False, repr=False)
    key: str = field(default="", init=False)  # unique within the spec: the field, or "<related>.<field>"

    @property
    def shown_required(self) -> bool:
        """Required whatever else the row holds (a related record's required column only when it is filled)."""
        return bool(self.required) and (self.related is None or not self.related.optional)


@dataclass(eq=False)
class Related:
    """Columns of the same row that describe a second record, found by its own key and written with the row.

    Two shapes, told apart by where the foreign key ``link`` lives:

    - on the related model, pointing at the row's record (``AnnualSurvey.organization``): the
      organization's survey of the year in the row. Written after the row's record; a row that
      leaves all of its columns blank has none. ``keys`` is one key, e.g. ``(("year",),)``.
    - on the row's model, pointing at the related one (``Assignment.liaison``): the person a
      台账 row names. Written before the row's record and shared by every row that names the
      same person; created when it does not exist. ``keys`` are the ways to find it, in order
      of preference: ``(("mobile",), ("name", "work_unit"))`` — by mobile, else by name and
      work unit. A record found by a later key is not the same one when an earlier key the
      row gives is set differently on it.

    Its blank cells mean "not given": an existing record keeps what it has, a new one gets the
    field's default. ``create``/``update``/``check`` are as for ImportSpec.
    """

    model: type[models.Model]
    link: str
    keys: tuple[tuple[str, ...], ...]
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    check: Callable[..., None] | None = None
    title: str = ""
    shared: bool = field(default=False, init=False)  # the row's record points at it (e.g. a liaison)
    optional: bool = field(default=True, init=False)  # a row may leave it out
    name: str = field(default="", init=False)
    columns: list[Column] = field(default_factory=list, init=False, repr=False)
    columns_by_field: dict[str, Column] = field(default_factory=dict, init=False, repr=False)

    def bind(self, spec_model) -> None:
        own = _relation(spec_model, self.link)
        if own is not None and own.related_model is self.model:
            self.shared = True
            self.optional = own.null
            self.name = self.link
        else:
            theirs = _relation(self.model, self.link)
            if theirs is None or theirs.related_model is not spec_model:
                raise ImproperlyConfigured(
                    f"{self.model._meta.label}：link “{self.link}” 应是两者之间的外键（任一方向）。"
                )
            if len(self.keys) != 1:
                raise ImproperlyConfigured(f"{self.model._meta.label}：附属记录只能有一个键。")
            self.name = self.model._meta.model_name
        self.keys = tuple(tuple(key) for key in self.keys)
        self.title = self.title or str(self.model._meta.verbose_name)

    def finish(self, spec_key: str) -> None:
        for key in self.keys:
            missing = [name for name in key if name not in self.columns_by_field]
            if missing:
                raise ImproperlyConfigured(f"{spec_key}：{self.title}的键字段 {'、'.join(missing)} 没有对应的列。")

    def key_headers(self, key: tuple[str, ...]) -> str:
        return "+".join(self.columns_by_field[name].header for name in key)

    def describe_keys(self) -> str:
        if not self.shared:
            return self.key_headers(self.keys[0])
        return "，否则按".join(self.key_headers(key) for key in self.keys)


def _relation(model, name: str):
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field if isinstance(model_field, models.ForeignKey) else None


@dataclass
class ImportSpec:
    """How one model is imported: its columns, its natural key and the services that write it.

    ``create(*, user, data)`` and ``update(*, user, instance, data)`` are the app's services;
    ``update`` receives only the fields that change. ``check(*, user, data, instance)`` may raise
    ValidationError (keyed by field name) for rules across fields, run at preview.
    ``describe(data, instance)`` names a row in the preview (keep personal data out of it).
    Columns declared with ``related=`` fill a second record of the row (see Related); a shared
    related record's link may be part of the natural key (an assignment is its liaison's).

    ``alternate_keys`` are other ways to find the stored record, tried in order after the natural
    key, as Related.keys are: a representative by ID number, else by name + birth date. A row gives
    the natural key when its first column is filled, an alternate key only when all its columns are
    (a weaker key must not match on half of itself); a row giving none is refused. A record found by
    a later key is another one when an earlier key the row gives is set otherwise on it; a key
    column the row leaves blank does not clear what a record found by another key holds.
    ``derive(data)`` fills values that follow from others in the row (a birth date from the ID
    number) before the row is matched and compared. ``records()`` are the records a row may match,
    scope aside (default: all of the model's; e.g. leave merged duplicates out).
    """

    model: type[models.Model]
    columns: list[Column]
    natural_key: tuple[str, ...]
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    check: Callable[..., None] | None = None
    describe: Callable[[dict, Any], str] | None = None
    alternate_keys: tuple[tuple[str, ...], ...] = ()
    derive: Callable[[dict], None] | None = None
    records: Callable[[], models.QuerySet] | None = None
    title: str = ""
    notes: tuple[str, ...] = ()
    key: str = ""
    columns_by_field: dict[str, Column] = field(default_factory=dict, init=False, repr=False)
    related: list[Related] = field(default_factory=list, init=False, repr=False)
    ref_field: str | None = field(default=None, init=False)  # what same-file references name

    def __post_init__(self):
        opts = self.model._meta
        self.key = self.key or opts.label_lower
        self.title = self.title or str(opts.verbose_name)
        self.natural_key = tuple(self.natural_key)
        self.alternate_keys = tuple(tuple(key) for key in self.alternate_keys)
        by_field = {}
        for column in self.columns:
            related = column.related
            if related is None:
                model = self.model
                column.key = column.field
                by_field[column.field] = column
            else:
                if related not in self.related:
                    related.bind(self.model)
                    self.related.append(related)
                model = related.model
                column.key = f"{related.name}.{column.field}"
                related.columns.append(column)
                related.columns_by_field[column.field] = column
            model_field = model._meta.get_field(column.field)
            column.model_field = model_field
            column.converter = column.converter or infer_converter(model_field)
            column.converter.bind(model_field)
            if column.required is None:
                column.required = not (model_field.blank or model_field.has_default())
        for related in self.related:
            related.finish(self.key)
        self.columns_by_field = by_field
        self.parent_links = {related.link: related for related in self.related if related.shared}
        for position, name in enumerate(self.natural_key):
            if name in self.parent_links:
                continue
            if name not in by_field or (position == 0 and not by_field[name].required and not self.alternate_keys):
                raise ImproperlyConfigured(f"{self.key}：自然键字段 {name} 必须是列，且第一个必须是必填列。")
        if self.alternate_keys:
            if not all(key and all(name in by_field for name in key) for key in self.alternate_keys):
                raise ImproperlyConfigured(f"{self.key}：备选键的字段必须都是本模型的列。")
            if not any(key[0] in by_field and by_field[key[0]].required for key in self.keys):
                raise ImproperlyConfigured(f"{self.key}：至少一个键的第一个字段必须是必填列，每行才能指明一条记录。")
        for column in self.columns:
            if not column.converter.same_file:
                continue
            ref_field = column.converter.ref_field
            if (
                column.related is not None
                or getattr(column.converter, "target_model", None) is not self.model
                or ref_field not in self.natural_key
                or ref_field not in by_field
                or self.ref_field not in (None, ref_field)
            ):
                raise ImproperlyConfigured(
                    f"{self.key}：列 {column.header} 只能按本模型自然键中的一个字段引用本文件中的行。"
                )
            self.ref_field = ref_field
        headers = [match_key(c.header) for c in self.columns]
        if len(set(headers)) != len(headers):
            raise ImproperlyConfigured(f"{self.key}：列名重复。")

    @property
    def keys(self) -> tuple[tuple[str, ...], ...]:
        """The natural key, then the alternate keys: the ways to find a stored record, in order of preference."""
        return (self.natural_key, *self.alternate_keys)

    @property
    def key_fields(self) -> set[str]:
        return {name for key in self.keys for name in key}

    @property
    def personal_headers(self) -> list[str]:
        """The columns whose cells are personal data (their converters mask them)."""
        return [c.header for c in self.columns if c.converter.personal]

    def first_key_column(self, which: int = 0) -> Column:
        """Where a problem with a whole key (the natural key unless ``which`` says another) is reported."""
        return next(self.columns_by_field[name] for name in self.keys[which] if name in self.columns_by_field)

    @property
    def permissions(self) -> tuple[str, ...]:
        models_written = [self.model, *(related.model for related in self.related)]
        return tuple(
            f"{m._meta.app_label}.{action}_{m._meta.model_name}" for m in models_written for action in ("add", "change")
        )

    def can_import(self, user) -> bool:
        return bool(user and user.is_authenticated and user.has_perms(self.permissions))

    def queryset(self, user):
        manager = self.model._default_manager
        return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()

    def key_headers(self, which: int | None = None) -> str:
        """The headers of one key; without ``which``, how rows are matched: 身份证号，否则按姓名、出生日期."""
        if which is None and self.alternate_keys:
            return "，否则按".join(self.key_headers(which) for which in range(len(self.keys)))
        parts = []
        for name in self.keys[which or 0]:
            if name in self.parent_links:
                parts.append(self.parent_links[name].title)
            else:
                parts.append(self.columns_by_field[name].header)
        return "、".join(parts)

    def label(self, data: dict, instance) -> str:
        if self.describe:
            return self.describe(data, instance)
        parts = []
        for name in self.natural_key:
            value = data.get(name, getattr(instance, name, None))
            column = self.columns_by_field.get(name)
            parts.append(column.converter.display(value) if column else str(value))
        text = " / ".join(parts)
        name = data.get("name") or getattr(instance, "name", "")
        return f"{text}（{name}）" if name and "name" not in self.natural_key else text


_specs: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _specs[spec.key] = spec
    return spec


def get_spec(key: str) -> ImportSpec | None:
    return _specs.get(key)


def spec_for_model(model) -> ImportSpec | None:
    return _specs.get(model._meta.label_lower)


def specs_for(user) -> list[ImportSpec]:
    """The specs the user may import, in registration order."""
    return [spec for spec in _specs.values() if spec.can_import(user)]


# ---------------------------------------------------------------------------------------------
# Reading the file


def header_key(value) -> str:
    """A header as compared with the template: no blanks, no required-marks, full-width folded."""
    return match_key(value).strip("*＊")


@dataclass
class Layout:
    sheet: str
    header_row: int
    headers: list[str]  # every header cell of the file, as written (the error report repeats them)
    columns: list[tuple[int, Column]]  # position in the row → the template column it fills
    ignored: list[str]
    missing: list[str]  # optional template columns the file leaves out: those fields are left as they are
    estimated_rows: int | None

    @property
    def columns_by_position(self) -> dict[int, Column]:
        return dict(self.columns)


def refuse_unreadable(content: bytes) -> None:
    """Refuse what is not an .xlsx package before openpyxl sees it, with the reason a person can act on."""
    if content.startswith(OLE2_MAGIC):
        head = content[: 1 << 20]
        if any(marker in head for marker in ENCRYPTION_MARKERS) or any(m in content for m in ENCRYPTION_MARKERS):
            raise ImportRefused(
                "文件已加密（设置了打开密码），系统无法读取。请在 Excel 中打开文件，"
                "依次点击“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码并保存后再上传。"
            )
        raise ImportRefused("这是旧版 Excel 97-2003（.xls）文件。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再上传。")
    if not content.startswith(ZIP_MAGIC):
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx）。请下载导入模板，按模板填写后上传 .xlsx 文件。")


DAMAGED_MESSAGE = (
    "文件已损坏或不是有效的 Excel 工作簿（.xlsx），无法读取。请在 Excel 中打开确认后重新保存为 .xlsx 再上传。"
)


def open_workbook(content: bytes):
    refuse_unreadable(content)
    try:
        # data_only: a formula cell gives the value Excel last calculated, not the formula
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except DAMAGED_FILE_ERRORS as exc:
        raise ImportRefused(DAMAGED_MESSAGE) from exc


def _read_rows(ws, **kwargs) -> Iterator[tuple]:
    """ws.iter_rows, with openpyxl's parsing errors turned into a refusal of the file."""
    rows = ws.iter_rows(values_only=True, **kwargs)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except DAMAGED_FILE_ERRORS as exc:
            raise ImportRefused(DAMAGED_MESSAGE) from exc
        yield row


def find_layout(wb, spec: ImportSpec) -> tuple[Any, Layout]:
    """The sheet and header row holding the spec's required headers; refuse a file of another model."""
    required = {header_key(c.header) for c in _required_columns(spec)}
    by_header = {header_key(c.header): c for c in spec.columns}
    sheets = [ws for ws in wb.worksheets if ws.title not in (INSTRUCTIONS_SHEET, OPTIONS_SHEET)]
    sheets.sort(key=lambda ws: ws.title != spec.title)
    first_headers: list[str] | None = None
    for ws in sheets:
        recorded_rows = ws.max_row
        # the dimension a writer records can be wrong (too small cuts rows and columns off): read what is there
        ws.reset_dimensions()
        for number, values in enumerate(_read_rows(ws, min_row=1, max_row=HEADER_SEARCH_ROWS), start=1):
            keys = [header_key(v) if not is_blank(v) else "" for v in values]
            if first_headers is None and any(keys):
                first_headers = keys
            if not required <= set(keys):
                continue
            while keys and not keys[-1]:
                keys.pop()
            positions: dict[str, list[int]] = defaultdict(list)
            for index, key in enumerate(keys):
                if key:
                    positions[key].append(index)
            for key, where in positions.items():
                if len(where) > 1 and key in by_header:
                    letters = "、".join(f"{get_column_letter(i + 1)}列" for i in where)
                    header = by_header[key].header
                    raise ImportRefused(f"表头“{header}”出现了{len(where)}次（{letters}），请只保留一列。")
            columns = [(index, by_header[key]) for index, key in enumerate(keys) if key in by_header]
            present = {key for key in keys if key}
            _refuse_partial_related(spec, present)
            estimated = recorded_rows - number if recorded_rows else None
            layout = Layout(
                sheet=ws.title,
                header_row=number,
                headers=[clean_text(v) for v in values[: len(keys)]],
                columns=columns,
                ignored=[clean_text(values[i]) for i, key in enumerate(keys) if key and key not in by_header],
                missing=[c.header for c in spec.columns if header_key(c.header) not in present],
                estimated_rows=estimated,
            )
            return ws, layout
    seen = set(first_headers or [])
    missing = [c.header for c in _required_columns(spec) if header_key(c.header) not in seen]
    raise ImportRefused(
        f"文件与「{spec.title}」导入模板不一致：找不到表头 {'、'.join(missing)}。"
        "请确认上传的是这类数据的文件，或下载本页的导入模板按模板填写后再上传。"
    )


def _required_columns(spec: ImportSpec) -> list[Column]:
    """The columns a file must have: required ones, and every key's even where a cell may be blank."""
    return [c for c in spec.columns if c.shown_required or (c.related is None and c.field in spec.key_fields)]


def _refuse_partial_related(spec: ImportSpec, present: set[str]) -> None:
    """A related record's columns come with its required ones, or the rows could not say which record."""
    for related in spec.related:
        given = [c for c in related.columns if header_key(c.header) in present]
        lacking = [c.header for c in related.columns if c.required and header_key(c.header) not in present]
        if given and lacking:
            raise ImportRefused(
                f"文件中有{related.title}的列（{'、'.join(c.header for c in given)}），但缺少“{'、'.join(lacking)}”列。"
                f"请补上该列，或删除{related.title}的各列。"
            )


def inspect_file(spec: ImportSpec, content: bytes) -> Layout:
    """The checks that need no row: size, format, encryption, damage, headers. Fast enough for the request."""
    if len(content) > settings.IMPORT_MAX_FILE_SIZE:
        raise ImportRefused(size_message(len(content)))
    wb = open_workbook(content)
    try:
        _, layout = find_layout(wb, spec)
    finally:
        wb.close()
    return layout


def size_message(size: int) -> str:
    return (
        f"文件大小 {_size_text(size)}，超过单次导入上限 {_size_text(settings.IMPORT_MAX_FILE_SIZE)}。"
        "请拆分成多个文件分批导入。"
    )


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


# ---------------------------------------------------------------------------------------------
# Validation


@dataclass(eq=False)
class RowOutcome:
    row: int
    raw: tuple
    action: str = ""
    problems: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    keys: list = field(default_factory=list)  # (which key, its values as converted, instances as pks) the row gives
    index_key: tuple | None = None  # (which key, its values): the first key the row gives, as the first pass saw it
    matched_by: tuple[str, ...] = ()  # the fields of the key that found ``instance``
    ref_key: tuple | None = None  # the value same-file references name this row by
    instance: Any = None
    changes: list[dict] = field(default_factory=list)
    label: str = ""
    main_changed: bool = False  # the row's own record is written (created, or updated with ``data``)
    related: dict = field(default_factory=dict)  # Related → its non-blank converted values
    related_instances: dict = field(default_factory=dict)  # child Related → its stored record or None
    states: dict = field(default_factory=dict)  # shared Related → _SharedRecord
    related_writes: dict = field(default_factory=dict)  # Related → the data this row writes to it
    bad_groups: set = field(default_factory=set)  # the Related whose cells have problems

    @property
    def has_refs(self) -> bool:
        return any(isinstance(value, RowRef) for value in self.data.values())

    def reasons(self) -> str:
        return "；".join(problem_text(p) for p in self.problems)


@dataclass(eq=False)
class _SharedRecord:
    """One shared related record (e.g. a liaison) as the file names it; the first row naming it defines it."""

    identity: tuple
    definer: int  # the first row naming it: its cells are the record's values
    data: dict
    usable: bool  # the definer's cells of the record converted without problems
    instance: Any = None
    ref: RelatedRef | None = None
    problems: list[tuple[Column | None, str]] = field(default_factory=list)
    owner: int | None = None  # the first good row: it creates or updates the record at commit


def problem_text(problem: dict) -> str:
    if problem.get("column"):
        return f"{problem['column']}列（{problem['header']}）：{problem['message']}"
    return problem["message"]


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value


def _stored_key(model, obj, names) -> tuple:
    """A record's values of ``names`` as a row's converted key compares them (foreign keys as ids)."""
    key = []
    for name in names:
        model_field = model._meta.get_field(name)
        key.append(getattr(obj, model_field.attname))
    return tuple(key)


def _is_plain(value) -> bool:
    return not isinstance(value, RowRef | RelatedRef | models.Model | list) and value not in (None, "")


class Validation:
    """Validates every row of one file for one user; ``outcomes()`` yields them in a safe commit order.

    Rows that refer to rows of the same file come after the rows they refer to.
    ``progress(fraction)`` is called now and then; it may raise ImportCancelled.
    """

    def __init__(self, spec: ImportSpec, user, content: bytes, *, progress: Callable[[float], None] | None = None):
        self.spec = spec
        self.user = user
        self.content = content
        self.progress = progress or (lambda fraction: None)
        self.ctx = ImportContext(spec, user)
        self.total = 0
        self.layout: Layout | None = None
        self.shared = [related for related in spec.related if related.shared]
        self.children = [related for related in spec.related if not related.shared]
        self.shared_records: dict[tuple, _SharedRecord] = {}

    # -- reading

    def _rows(self, ws) -> Iterator[tuple[int, tuple]]:
        width = len(self.layout.headers)
        start = self.layout.header_row + 1
        for number, values in enumerate(_read_rows(ws, min_row=start, max_col=width), start=start):
            if values and any(not is_blank(v) for v in values):
                values = tuple(values) + (None,) * (width - len(values))
                yield number, values[:width]

    def _cell(self, values, column: Column):
        position = self._positions.get(column.key)
        return None if position is None else values[position]

    def _index_key(self, values, identities: dict) -> tuple | None:
        """(which key, its values): the first key the row gives, as the in-file duplicate check compares it."""
        for which, names in enumerate(self.spec.keys):
            key = self._index_key_of(names, values, identities, whole=which > 0)
            if key is not None:
                return (which, key)
        return None

    def _index_key_of(self, names, values, identities: dict, *, whole: bool) -> tuple | None:
        key = []
        for position, name in enumerate(names):
            related = self.spec.parent_links.get(name)
            if related is not None:
                if related not in identities:
                    return None
                key.append(identities[related])
                continue
            column = self.spec.columns_by_field[name]
            raw = self._cell(values, column)
            if is_blank(raw):
                if column.required or position == 0 or whole:
                    return None
                key.append("")  # an optional part of the key, e.g. no parent: a root
                continue
            key.append(column.converter.index_value(raw))
        return tuple(key)

    def _alternative_keys(self, related: Related, values) -> list[tuple[int, tuple]]:
        """The keys of a shared related record the row gives: (which key, its values), in order of preference."""
        found = []
        for which, names in enumerate(related.keys):
            columns = [related.columns_by_field[name] for name in names]
            if is_blank(self._cell(values, columns[0])):
                continue
            parts = []
            for column in columns:
                raw = self._cell(values, column)
                parts.append("" if is_blank(raw) else column.converter.index_value(raw))
            found.append((which, tuple(parts)))
        return found

    def _first_pass(self, ws) -> None:
        """Count rows (refusing too many), index natural keys, same-file references and shared records."""
        limit = settings.IMPORT_MAX_ROWS
        keys: dict[tuple, list[int]] = defaultdict(list)
        refs: dict[tuple, list[int]] = defaultdict(list)
        references: set[tuple] = set()
        ref_columns = [(i, c) for i, c in self.layout.columns if c.converter.same_file]
        ref_column = self.spec.columns_by_field.get(self.spec.ref_field) if self.spec.ref_field else None
        # a shared record named by a later key (name + work unit) where another row gives an earlier one (mobile)
        by_later_key: dict[tuple, list[int]] = defaultdict(list)
        with_earlier_key: dict[tuple, int] = {}
        self.identities: dict[int, dict[Related, tuple]] = {}
        estimated = self.layout.estimated_rows or 0
        count = 0
        self._kept: deque | None = deque()
        for number, values in self._rows(ws):
            count += 1
            if count > limit:
                raise ImportRefused(f"文件的数据超过 {limit} 行，超过单次导入上限。请拆分成多个文件分批导入。")
            if self._kept is not None:
                self._kept.append((number, values))
                if count > KEEP_ROWS:
                    self._kept = None
            identities = {}
            for related in self.shared:
                alternatives = self._alternative_keys(related, values)
                if not alternatives:
                    continue
                identities[related] = alternatives[0]
                which = alternatives[0][0]
                if which:
                    by_later_key[(related, *alternatives[0])].append(number)
                for other in alternatives[1:]:
                    with_earlier_key.setdefault((related, *other), number)
            if identities:
                self.identities[number] = identities
            key = self._index_key(values, identities)
            if key is not None:
                keys[key].append(number)
            if ref_column is not None:
                raw = self._cell(values, ref_column)
                if not is_blank(raw):
                    refs[(ref_column.converter.index_value(raw),)].append(number)
            for i, column in ref_columns:
                if not is_blank(values[i]):
                    references.add((column.converter.index_value(values[i]),))
            if estimated and count % CHUNK_ROWS == 0:
                self.progress(0.1 * min(count / estimated, 1))
        if count == 0:
            raise ImportRefused(
                f"文件中没有数据：请在「{self.layout.sheet}」工作表表头的下一行起填写，每行一条记录"
                "（“填写说明”页中的示例不会被导入）。"
            )
        self.total = count
        self.ctx.file_refs = dict(refs)
        self.duplicates = {key: rows for key, rows in keys.items() if len(rows) > 1}
        self.referenced = references & refs.keys()
        self.ref_duplicates = {key: rows for key, rows in refs.items() if len(rows) > 1 and key in self.referenced}
        self.unlinked = {
            row: (key[0], key[1], with_earlier_key[key])
            for key, rows in by_later_key.items()
            if key in with_earlier_key
            for row in rows
        }

    # -- one row

    def _problem(self, outcome: RowOutcome, column: Column | None, message: str) -> None:
        # the preview is shown to everyone who may see the import record: no ID number or mobile in clear
        message = mask_numbers(message)
        if column is None or column.key not in self._positions:
            outcome.problems.append({"column": "", "header": "", "message": message})
            return
        if column.related is not None:
            outcome.bad_groups.add(column.related)
        letter = get_column_letter(self._positions[column.key] + 1)
        outcome.problems.append({"column": letter, "header": column.header, "message": message})

    def _convert(self, number: int, values: tuple) -> RowOutcome:
        outcome = RowOutcome(row=number, raw=values)
        self.ctx.row = number
        given = {
            related: not related.optional or any(not is_blank(self._cell(values, column)) for column in related.columns)
            for related in self.spec.related
        }
        for index, column in self.layout.columns:
            related = column.related
            raw = values[index]
            if related is not None and not given[related]:
                continue
            if is_blank(raw):
                if column.required:
                    when = f"填写{related.title}时" if related is not None and related.optional else ""
                    self._problem(outcome, column, f"{when}必填，不能为空。")
                elif related is None:
                    outcome.data[column.field] = column.converter.empty_value()
                continue
            try:
                value = column.converter.convert(raw, self.ctx)
                if _is_plain(value):
                    column.model_field.run_validators(value)
            except CellError as exc:
                self._problem(outcome, column, str(exc))
            except ValidationError as exc:
                self._problem(outcome, column, "；".join(exc.messages))
            else:
                if related is None:
                    outcome.data[column.field] = value
                else:
                    outcome.related.setdefault(related, {})[column.field] = value
        if self.spec.derive:
            self.spec.derive(outcome.data)
        if self.spec.ref_field:
            column = self.spec.columns_by_field[self.spec.ref_field]
            raw = self._cell(values, column)
            outcome.ref_key = None if is_blank(raw) else (column.converter.index_value(raw),)
        outcome.index_key = self._index_key(values, self.identities.get(number, {}))
        if number in self.unlinked:
            related, which, other = self.unlinked[number]
            first = related.columns_by_field[related.keys[0][0]]
            self._problem(
                outcome,
                first,
                f"第{other}行有{related.key_headers(related.keys[which])}相同的{related.title}，并填写了"
                f"{related.key_headers(related.keys[0])}；本行未填写。如是同一{related.title}，请填写相同的"
                f"{related.key_headers(related.keys[0])}。",
            )
        return outcome

    def _row_keys(self, data: dict) -> list[tuple[int, tuple]]:
        """The keys the row gives, as converted: the natural key when its first part is filled, an alternate one
        when all of it is."""
        keys = []
        for which, names in enumerate(self.spec.keys):
            if not all(name in data for name in names):
                continue
            key = tuple(_key_value(data[name]) for name in names)
            if key[0] in (None, "") or (which and any(part in (None, "") for part in key)):
                continue
            keys.append((which, key))
        return keys

    @staticmethod
    def _other_record(theirs: dict, mine: dict, which: int) -> bool:
        """Rows (or a row and a record) sharing key ``which`` are different records when an earlier key differs."""
        return any(i in theirs and i in mine and theirs[i] != mine[i] for i in range(which))

    def _check_key(self, outcome: RowOutcome) -> None:
        """Duplicates inside the file: the same key twice, or the same record spelt two ways."""
        number = outcome.row
        if outcome.index_key in self.duplicates:
            which = outcome.index_key[0]
            others = "、".join(f"第{row}行" for row in self.duplicates[outcome.index_key] if row != number)
            self._problem(
                outcome,
                self.spec.first_key_column(which),
                f"与{others}重复（{self.spec.key_headers(which)}相同），请只保留一行。",
            )
            return
        keys = self._row_keys(outcome.data)
        mine = dict(keys)
        for which, key in keys:
            seen = self._seen.get((which, key))
            if seen is None or self._other_record(seen[1], mine, which):
                continue
            earlier = seen[0]
            if which == 0:
                # the same record spelt two ways (e.g. a parent by name and by code)
                message = f"与第{earlier}行指向同一条记录，请只保留一行。"
            else:
                message = (
                    f"与第{earlier}行的{self.spec.key_headers(which)}相同，应是同一条记录：如是，请只保留一行；"
                    f"如不是，请在两行分别填写{self.spec.key_headers(0)}。"
                )
            self._problem(outcome, self.spec.first_key_column(which), message)
            return
        if not keys and not outcome.problems:
            ways = "，或".join(self.spec.key_headers(which) for which in range(len(self.spec.keys)))
            self._problem(outcome, self.spec.first_key_column(), f"请填写{ways}，以确定是哪一条记录。")
            return
        for which, key in keys:
            self._seen.setdefault((which, key), (number, mine))
        outcome.keys = keys

    # -- shared related records (e.g. the liaison of an assignment)

    def _match_shared(self, outcomes: list[RowOutcome]) -> None:
        for related in self.shared:
            new = []
            for outcome in outcomes:
                identity = self.identities.get(outcome.row, {}).get(related)
                if identity is None:
                    continue
                record = self.shared_records.get((related, identity))
                if record is None:
                    record = _SharedRecord(
                        identity=identity,
                        definer=outcome.row,
                        data=outcome.related.get(related, {}),
                        usable=related not in outcome.bad_groups,
                    )
                    self.shared_records[(related, identity)] = record
                    new.append(record)
                else:
                    self._compare_with_definer(outcome, related, record)
                outcome.states[related] = record
            self._find_shared(related, [record for record in new if record.usable])
            for outcome in outcomes:
                record = outcome.states.get(related)
                if record is None:
                    continue
                for column, message in record.problems:
                    self._problem(outcome, column, message)
                if not record.usable and record.definer != outcome.row:
                    first = related.columns_by_field[related.keys[0][0]]
                    self._problem(outcome, first, f"第{record.definer}行的{related.title}信息有错误，请先改正该行。")
                if related not in outcome.bad_groups and not record.problems and record.usable:
                    outcome.data[related.link] = record.instance if record.instance is not None else record.ref

    def _compare_with_definer(self, outcome: RowOutcome, related: Related, record: _SharedRecord) -> None:
        for name, value in outcome.related.get(related, {}).items():
            column = related.columns_by_field[name]
            converter = column.converter
            if name in record.data and converter.same(record.data[name], value):
                continue
            before = converter.display(record.data.get(name))
            self._problem(
                outcome,
                column,
                f"与第{record.definer}行的同一{related.title}填写不一致（第{record.definer}行为“{before}”，"
                f"本行为“{converter.display(value)}”）。同一{related.title}的各行请填写一致，或只在第一行填写。",
            )

    def _find_shared(self, related: Related, records: list[_SharedRecord]) -> None:
        """Find the stored records the new identities name, by each key in turn; one query per key per chunk."""
        if not records:
            return
        model = related.model
        values_of = {}
        for record in records:
            values_of[record] = [self._key_of(related, names, record.data) for names in related.keys]
        found: list[dict[tuple, list]] = []
        for which, names in enumerate(related.keys):
            wanted = {keys[which] for keys in values_of.values() if keys[which] is not None}
            by_key: dict[tuple, list] = defaultdict(list)
            if wanted:
                condition = Q()
                for key in wanted:
                    condition |= Q(**dict(zip(names, key, strict=True)))
                for obj in model._base_manager.filter(condition):
                    by_key[_stored_key(model, obj, names)].append(obj)
            found.append(by_key)
        for record, keys in values_of.items():
            for which, key in enumerate(keys):
                if key is None:
                    continue
                earlier = [(related.keys[i], keys[i]) for i in range(which) if keys[i] is not None]
                candidates = [obj for obj in found[which].get(key, []) if not self._contradicts(model, obj, earlier)]
                if len(candidates) > 1:
                    first = related.columns_by_field[related.keys[which][0]]
                    record.problems.append(
                        (
                            first,
                            f"系统中有{len(candidates)}个{related.key_headers(related.keys[which])}相同的{related.title}，"
                            f"请填写{related.key_headers(related.keys[0])}以区分。",
                        )
                    )
                    break
                if candidates:
                    record.instance = candidates[0]
                    break
        matched = [record.instance.pk for record in records if record.instance is not None]
        manager = model._default_manager
        visible = (
            set(manager.visible_to(self.user).filter(pk__in=matched).values_list("pk", flat=True))
            if hasattr(manager, "visible_to") and matched
            else set(matched)
        )
        for record in records:
            if record.problems:
                continue
            if record.instance is not None and record.instance.pk not in visible:
                first = related.columns_by_field[related.keys[0][0]]
                record.problems.append((first, f"该{related.title}已登记，但不在您的管辖区域内，不能导入或修改。"))
                continue
            if related.check:
                try:
                    related.check(user=self.user, data=record.data, instance=record.instance)
                except ValidationError as exc:
                    record.problems.extend(self._validation_problems(exc, related.columns_by_field))
                    continue
            if record.instance is None:
                record.ref = RelatedRef(related=related, identity=record.identity, row=record.definer, data=record.data)

    def _key_of(self, related: Related, names: tuple[str, ...], data: dict) -> tuple | None:
        if names[0] not in data:
            return None
        parts = []
        for name in names:
            value = data[name] if name in data else related.columns_by_field[name].converter.empty_value()
            parts.append(_key_value(value))
        return tuple(parts)

    @staticmethod
    def _contradicts(model, obj, earlier: list[tuple[tuple[str, ...], tuple]]) -> bool:
        """A record found by a later key is someone else when an earlier key the row gives is set otherwise on it."""
        for names, key in earlier:
            stored = _stored_key(model, obj, names)
            if all(part not in (None, "") for part in stored) and stored != key:
                return True
        return False

    # -- the row's own record and its child records

    def _match_existing(self, outcomes: list[RowOutcome]) -> None:
        """Find the records the rows' keys already name; one query per key per chunk, plus a scope check."""
        keyed = [o for o in outcomes if o.keys and not o.problems]
        if not keyed:
            return
        model = self.spec.model
        fk_names = [
            c.field for c in self.spec.columns if c.related is None and isinstance(c.model_field, models.ForeignKey)
        ]
        fk_names += list(self.spec.parent_links)
        many_names = [
            c.field
            for c in self.spec.columns
            if c.related is None and c.model_field.many_to_many and c.key in self._positions
        ]
        records = self.spec.records() if self.spec.records else model._base_manager.all()
        queryset = records.select_related(*fk_names).prefetch_related(*many_names)
        chosen: dict[RowOutcome, tuple[int, Any]] = {}
        pending = keyed
        for which, names in enumerate(self.spec.keys):
            # each key in turn, for the rows an earlier key did not settle; one naming a record this file creates
            # cannot name a stored one
            asking = {
                outcome: key
                for outcome in pending
                for w, key in outcome.keys
                if w == which and not any(isinstance(part, RowRef | RelatedRef) for part in key)
            }
            if not asking:
                continue
            if len(names) == 1:
                matches = queryset.filter(**{f"{names[0]}__in": {key[0] for key in asking.values()}})
            else:
                condition = Q()
                for key in set(asking.values()):
                    condition |= Q(**dict(zip(names, key, strict=True)))
                matches = queryset.filter(condition)
            found: dict[tuple, list] = defaultdict(list)
            for obj in matches:
                found[_stored_key(model, obj, names)].append(obj)
            for outcome, key in asking.items():
                mine = dict(outcome.keys)
                candidates = [
                    obj for obj in found[key] if not self._other_record(dict(self._stored_keys(obj)), mine, which)
                ]
                if len(candidates) > 1:
                    self._problem(
                        outcome,
                        self.spec.first_key_column(which),
                        f"系统中有{len(candidates)}条{self.spec.key_headers(which)}相同的记录，"
                        f"无法确定是哪一条{f'，请填写{self.spec.key_headers(0)}以区分' if which else ''}。",
                    )
                elif candidates:
                    chosen[outcome] = (which, candidates[0])
            pending = [outcome for outcome in pending if outcome not in chosen and not outcome.problems]
        visible = set(
            self.spec.queryset(self.user)
            .filter(pk__in=[obj.pk for _, obj in chosen.values()])
            .values_list("pk", flat=True)
        )
        for outcome, (which, obj) in chosen.items():
            if obj.pk not in visible:
                shown = "、".join(self._shown(outcome.data, name) for name in self.spec.keys[which])
                self._problem(
                    outcome,
                    self.spec.first_key_column(which),
                    f"{self.spec.key_headers(which)}为“{shown}”的记录已存在，但不在您的管辖区域内，不能导入或修改。",
                )
            else:
                outcome.instance = obj
                outcome.matched_by = self.spec.keys[which]

    def _stored_keys(self, obj) -> list[tuple[int, tuple]]:
        """A stored record's keys as a row's converted keys compare them (blank ones left out)."""
        keys = []
        for which, names in enumerate(self.spec.keys):
            key = _stored_key(self.spec.model, obj, names)
            if all(part not in (None, "") for part in key):
                keys.append((which, key))
        return keys

    def _shown(self, data: dict, name: str) -> str:
        """A key part as the preview may show it: personal data masked, a record by its name."""
        column = self.spec.columns_by_field.get(name)
        value = data.get(name)
        return column.converter.display(value) if column is not None else str(value)

    def _match_children(self, outcomes: list[RowOutcome]) -> None:
        """The stored child records (e.g. this year's survey) of the rows' existing records; one query per chunk."""
        for related in self.children:
            names = related.keys[0]
            rows = [
                o
                for o in outcomes
                if o.instance is not None and not o.problems and all(n in o.related.get(related, {}) for n in names)
            ]
            if not rows:
                continue
            link = related.model._meta.get_field(related.link)
            queryset = related.model._base_manager.filter(**{f"{link.attname}__in": {o.instance.pk for o in rows}})
            for name in names:
                queryset = queryset.filter(**{f"{name}__in": {_key_value(o.related[related][name]) for o in rows}})
            found = {_stored_key(related.model, obj, (related.link, *names)): obj for obj in queryset}
            for outcome in rows:
                key = (outcome.instance.pk, *(_key_value(outcome.related[related][n]) for n in names))
                outcome.related_instances[related] = found.get(key)

    def _validation_problems(self, exc: ValidationError, columns_by_field: dict) -> list[tuple[Column | None, str]]:
        if not hasattr(exc, "error_dict"):
            return [(None, "；".join(exc.messages))]
        problems = []
        for name, errors in exc.message_dict.items():
            column = columns_by_field.get(name)
            if column is not None and column.key not in self._positions:
                column = None
            problems.append((column, "；".join(errors)))
        return problems

    def _add_validation_error(self, outcome: RowOutcome, exc: ValidationError, columns_by_field=None) -> None:
        for column, message in self._validation_problems(exc, columns_by_field or self.spec.columns_by_field):
            self._problem(outcome, column, message)

    def _change(self, outcome: RowOutcome, column: Column, before, after) -> None:
        outcome.changes.append(
            {
                "field": column.header,
                "before": column.converter.display(before),
                "after": column.converter.display(after),
            }
        )

    def _decide(self, outcome: RowOutcome) -> None:
        """create, update (with its changes), unchanged — or error when the spec's rules refuse it."""
        if outcome.problems:
            outcome.action = ACTION_ERROR
            return
        instance = outcome.instance
        changed = dict(outcome.data)
        if instance is not None:
            # a key column the row leaves blank (no ID number) keeps what the record found by another key holds
            for name in self.spec.key_fields - set(outcome.matched_by):
                if name in outcome.data and outcome.data[name] in (None, ""):
                    del outcome.data[name]
            changed = {}
            for _, column in self.layout.columns:
                if column.related is not None or column.field in outcome.matched_by or column.field not in outcome.data:
                    continue
                current = column.converter.current(instance, column.field)
                new = outcome.data[column.field]
                if not column.converter.same(current, new):
                    changed[column.field] = new
                    self._change(outcome, column, current, new)
        writes = self._shared_writes(outcome)
        writes.update(self._child_writes(outcome))
        if outcome.problems:
            outcome.action = ACTION_ERROR
            return
        outcome.main_changed = instance is None or bool(changed)
        if instance is None:
            outcome.action = ACTION_CREATE
        else:
            outcome.action = ACTION_UPDATE if changed or writes else ACTION_UNCHANGED
        if outcome.main_changed and self.spec.check:
            try:
                self.spec.check(user=self.user, data=outcome.data, instance=instance)
            except ValidationError as exc:
                self._add_validation_error(outcome, exc)
                outcome.action = ACTION_ERROR
                return
        for related, data in writes.items():
            if related.shared:
                outcome.states[related].owner = outcome.row
            outcome.related_writes[related] = data
        outcome.label = self.spec.label(outcome.data, instance)
        # an update hands the service only what changes, so history shows exactly that
        outcome.data = changed

    def _shared_writes(self, outcome: RowOutcome) -> dict:
        """What this row would write to its shared records: the first good row naming one creates or updates it."""
        writes = {}
        for related, record in outcome.states.items():
            if record.owner is not None:
                continue
            if record.instance is None:
                writes[related] = dict(record.data)
                continue
            data = {}
            for name, value in record.data.items():
                column = related.columns_by_field[name]
                current = column.converter.current(record.instance, name)
                if not column.converter.same(current, value):
                    data[name] = value
                    self._change(outcome, column, current, value)
            if data:
                writes[related] = data
        return writes

    def _child_writes(self, outcome: RowOutcome) -> dict:
        """What this row writes to its child records (e.g. the survey of the year it gives)."""
        writes = {}
        for related in self.children:
            data = outcome.related.get(related)
            if not data:
                continue
            stored = outcome.related_instances.get(related)
            if stored is None:
                write = dict(data)
                if outcome.instance is not None:
                    for name, value in data.items():
                        self._change(outcome, related.columns_by_field[name], None, value)
            else:
                write = {}
                for name, value in data.items():
                    column = related.columns_by_field[name]
                    current = column.converter.current(stored, name)
                    if not column.converter.same(current, value):
                        write[name] = value
                        self._change(outcome, column, current, value)
            if not write:
                continue
            if related.check:
                try:
                    related.check(user=self.user, data=data, instance=stored)
                except ValidationError as exc:
                    self._add_validation_error(outcome, exc, related.columns_by_field)
                    continue
            writes[related] = write
        return writes

    # -- the whole file

    def outcomes(self) -> Iterator[RowOutcome]:
        wb = open_workbook(self.content)
        try:
            ws, self.layout = find_layout(wb, self.spec)
            self._positions = {column.key: index for index, column in self.layout.columns}
            self._seen: dict[tuple, tuple[int, dict]] = {}  # (which key, key) → the first row giving it, its keys
            self._first_pass(ws)
            self.progress(0.1)
            yield from self._second_pass(ws)
        finally:
            wb.close()
        self.progress(1.0)

    def _second_pass(self, ws) -> Iterator[RowOutcome]:
        deferred: list[RowOutcome] = []
        targets: dict[tuple, RowOutcome] = {}
        done = 0
        rows = self._kept_rows() if self._kept is not None else self._rows(ws)
        while chunk := list(islice(rows, CHUNK_ROWS)):
            for index, column in self.layout.columns:
                column.converter.preload([values[index] for _, values in chunk], self.ctx)
            outcomes = [self._convert(number, values) for number, values in chunk]
            self._match_shared(outcomes)
            for outcome in outcomes:
                self._check_key(outcome)
            self._match_existing(outcomes)
            self._match_children(outcomes)
            for outcome in outcomes:
                if outcome.ref_key in self.referenced:
                    targets[outcome.ref_key] = outcome
                if not outcome.problems and outcome.has_refs:
                    deferred.append(outcome)
                    continue
                self._decide(outcome)
                yield outcome
            done += len(chunk)
            self.progress(0.1 + 0.9 * done / max(self.total, 1))
        yield from self._resolve_references(deferred, targets)

    def _kept_rows(self) -> Iterator[tuple[int, tuple]]:
        """The rows the first pass kept, each let go once handed out."""
        kept, self._kept = self._kept, None
        while kept:
            yield kept.popleft()

    def _resolve_references(self, deferred: list[RowOutcome], targets: dict) -> Iterator[RowOutcome]:
        """Rows naming records other rows create: after those rows, in dependency order; cycles refused.

        Kahn's algorithm rather than recursion: a file may chain thousands of rows.
        """
        by_row = {o.row: o for o in deferred}
        waits_for: dict[int, set[int]] = {}
        dependents: dict[int, list[int]] = defaultdict(list)
        for outcome in deferred:
            rows = set()
            for _, value in self._references(outcome):
                target = targets.get(value.key)
                if target is not None and target.row in by_row and value.key not in self.ref_duplicates:
                    rows.add(target.row)
            waits_for[outcome.row] = rows
            for row in rows:
                dependents[row].append(outcome.row)
        ready = deque(row for row, rows in waits_for.items() if not rows)
        finished: set[int] = set()
        while ready:
            outcome = by_row[ready.popleft()]
            self._link(outcome, targets)
            self._decide(outcome)
            finished.add(outcome.row)
            yield outcome
            for row in dependents[outcome.row]:
                waits_for[row].discard(outcome.row)
                if not waits_for[row]:
                    ready.append(row)
        for outcome in deferred:
            if outcome.row in finished:
                continue
            for column, value in self._references(outcome):
                row = targets[value.key].row
                if row == outcome.row:
                    self._problem(outcome, column, f"“{value.key[0]}”是本行自身，不能引用自己。")
                elif row in by_row and row not in finished:
                    self._problem(
                        outcome, column, f"“{value.key[0]}”在本文件第{row}行，引用关系形成循环，无法确定先后。"
                    )
            if not outcome.problems:
                self._link(outcome, targets)
            self._decide(outcome)
            yield outcome

    def _references(self, outcome: RowOutcome) -> list[tuple[Column, RowRef]]:
        return [
            (self.spec.columns_by_field[name], value)
            for name, value in outcome.data.items()
            if isinstance(value, RowRef)
        ]

    def _link(self, outcome: RowOutcome, targets: dict) -> None:
        """Point each reference at the row it names, or say why it cannot."""
        for column, value in self._references(outcome):
            shown = value.key[0]
            target = targets.get(value.key)
            if value.key in self.ref_duplicates:
                rows = "、".join(f"第{row}行" for row in self.ref_duplicates[value.key])
                self._problem(outcome, column, f"“{shown}”在本文件中出现多次（{rows}），无法确定指哪一行。")
            elif target is None:
                self._problem(outcome, column, f"找不到“{shown}”。")
            elif target.action == ACTION_ERROR:
                self._problem(outcome, column, f"“{shown}”在本文件第{target.row}行，该行有错误，本行无法导入。")
            elif target.action:
                value.row, value.data = target.row, target.data


# ---------------------------------------------------------------------------------------------
# Preview and commit


PREVIEW_LIST_LIMIT = 100_000


def preview(spec: ImportSpec, user, content: bytes, *, progress=None) -> tuple[dict, dict]:
    """Validate the file without writing anything: (counts, result) for the import record."""
    validation = Validation(spec, user, content, progress=progress)
    counts = {ACTION_CREATE: 0, ACTION_UPDATE: 0, ACTION_UNCHANGED: 0, ACTION_ERROR: 0}
    errors, creates, updates = [], [], []
    for outcome in validation.outcomes():
        counts[outcome.action] += 1
        if outcome.action == ACTION_ERROR:
            errors.append(
                {"row": outcome.row, "values": [report_value(v) for v in outcome.raw], "problems": outcome.problems}
            )
        elif outcome.action == ACTION_CREATE:
            creates.append({"row": outcome.row, "label": outcome.label})
        elif outcome.action == ACTION_UPDATE:
            updates.append({"row": outcome.row, "label": outcome.label, "changes": outcome.changes})
    layout = validation.layout
    result = {
        "sheet": layout.sheet,
        "header_row": layout.header_row,
        "headers": layout.headers,
        "ignored": layout.ignored,
        "missing": layout.missing,
        "errors": sorted(errors, key=lambda e: e["row"]),
        "creates": sorted(creates, key=lambda e: e["row"]),
        "updates": sorted(updates, key=lambda e: e["row"]),
    }
    counts["total"] = validation.total
    return counts, result


class CommitFailed(Exception):
    """A service refused a row during commit; everything is rolled back."""


@contextmanager
def _one_transaction_without_savepoints():
    """The commit's transaction, in which the services' own atomic blocks open no savepoints.

    Each service call is wrapped in transaction.atomic (and Django's constraint checks add one
    more per CheckConstraint): inside our transaction those become savepoints, two round trips
    each — most of the cost of a row. A savepoint only helps a caller that catches an error and
    carries on; the commit never does: any error aborts the whole import. Without savepoints an
    error inside a service marks the transaction for rollback (Django's own behaviour for
    ``atomic(savepoint=False)``), and leaving this block rolls everything back. Only this
    connection's setting is changed, and only until the block ends.
    """
    connection = transaction.get_connection()
    with transaction.atomic():
        features = connection.features
        had_own = "uses_savepoints" in vars(features)
        previous = features.uses_savepoints
        features.uses_savepoints = False
        try:
            yield
        finally:
            if had_own:
                features.uses_savepoints = previous
            else:
                del features.uses_savepoints


def commit(spec: ImportSpec, user, content: bytes, *, error_rows: set[int], progress=None) -> dict:
    """Write the file's good rows through the spec's services, in one transaction.

    The file is validated again inside the transaction; if a row's verdict differs from the
    preview the user confirmed (``error_rows``), nothing is written.
    """
    validation = Validation(spec, user, content, progress=progress)
    counts = {ACTION_CREATE: 0, ACTION_UPDATE: 0, ACTION_UNCHANGED: 0, ACTION_ERROR: 0}
    # every row is re-checked against the database inside this transaction, so the forms' per-record
    # unique, constraint and foreign-key queries are left to the database itself, and the scope is
    # checked once per model at the end (two thirds of the write time)
    try:
        with _one_transaction_without_savepoints():
            try:
                with checked_bulk_write(user):
                    _write_rows(spec, user, validation, error_rows, counts)
            except PermissionDenied as exc:
                raise CommitFailed(str(exc) or "没有权限。") from exc
    except IntegrityError as exc:  # a deferred foreign key, checked when the transaction commits
        raise CommitFailed(f"{_integrity_reason(spec, exc)}（引用的记录可能刚被他人删除）请重新上传文件。") from exc
    counts["total"] = validation.total
    return counts


def _write_rows(spec: ImportSpec, user, validation: "Validation", error_rows: set[int], counts: dict) -> None:
    saved: dict[tuple, models.Model] = {}
    for outcome in validation.outcomes():
        if (outcome.action == ACTION_ERROR) != (outcome.row in error_rows):
            change = f"现在有错误：{outcome.reasons()}" if outcome.problems else "的错误已不存在"
            detail = f"第{outcome.row}行{change}"
            raise ImportRefused(f"预览之后数据已发生变化（{detail}）。请重新上传文件，核对预览后再导入。")
        counts[outcome.action] += 1
        if outcome.action not in (ACTION_CREATE, ACTION_UPDATE):
            continue
        try:
            obj = _write_row(spec, user, outcome, saved)
        except ValidationError as exc:
            raise CommitFailed(mask_numbers(f"第{outcome.row}行：{'；'.join(exc.messages)}")) from exc
        except PermissionDenied as exc:
            raise CommitFailed(f"第{outcome.row}行：{exc or '没有权限。'}") from exc
        except IntegrityError as exc:
            raise CommitFailed(f"第{outcome.row}行：{_integrity_reason(spec, exc)}") from exc
        if outcome.ref_key in validation.referenced:
            saved[outcome.ref_key] = obj


def _integrity_reason(spec: ImportSpec, exc: IntegrityError) -> str:
    """The rule the database refused the row by, in the model's own words where it has them."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    for model in (spec.model, *(related.model for related in spec.related)):
        for constraint in model._meta.constraints:
            custom = constraint.violation_error_message != constraint.default_violation_error_message
            if constraint.name == name and custom:
                return constraint.get_violation_error_message()
        for model_field in model._meta.concrete_fields:
            if model_field.unique and name.startswith(f"{model._meta.db_table}_{model_field.column}_"):
                return f"{model_field.verbose_name}已被另一条{model._meta.verbose_name}使用，数据库拒绝保存。"
    return "与已有数据冲突，数据库拒绝保存。"


def _write_row(spec: ImportSpec, user, outcome: RowOutcome, saved: dict) -> models.Model:
    """One row: its shared records first (e.g. a new liaison), then its own record, then its child records."""
    for related, data in outcome.related_writes.items():
        if not related.shared:
            continue
        record = outcome.states[related]
        if record.instance is None:
            saved[(related, record.identity)] = related.create(user=user, data=data)
        else:
            related.update(user=user, instance=record.instance, data=data)
    data = {name: _resolve(spec, value, saved) for name, value in outcome.data.items()}
    if outcome.action == ACTION_CREATE:
        obj = spec.create(user=user, data=data)
    elif outcome.main_changed:
        obj = spec.update(user=user, instance=outcome.instance, data=data)
    else:
        obj = outcome.instance
    for related, data in outcome.related_writes.items():
        if related.shared:
            continue
        stored = outcome.related_instances.get(related)
        if stored is None:
            related.create(user=user, data={**data, related.link: obj})
        else:
            related.update(user=user, instance=stored, data=data)
    return obj


def _resolve(spec: ImportSpec, value, saved: dict):
    if isinstance(value, RelatedRef):
        # the first good row naming it came earlier in this commit and created it
        return saved[(value.related, value.identity)]
    if not isinstance(value, RowRef):
        return value
    if value.key in saved:
        return saved[value.key]
    return spec.model._base_manager.get(**{spec.ref_field: value.key[0]})


# ---------------------------------------------------------------------------------------------
# Workbooks we write: the template and the error report


HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)


def _text_cell(ws, value):
    """A write-only cell that is always text: a value starting with = + - @ must not become a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def build_template(spec: ImportSpec, user) -> bytes:
    """The .xlsx a user fills in: headers, dropdowns, text formats; the instructions and example on a second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.title[:31]
    last_row = settings.IMPORT_MAX_ROWS + 1
    options_ws = None
    for position, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(position)
        cell = ws.cell(row=1, column=position, value=column.header)
        cell.font = REQUIRED_FONT if column.shown_required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        note = f"{_required_text(column)}。" + column.converter.describe()
        if column.help:
            note += "\n" + column.help
        cell.comment = Comment(note, "同心库")
        ws.column_dimensions[letter].width = max(14, min(40, len(column.header) * 2 + 6))
        ws.column_dimensions[letter].number_format = column.converter.number_format
        options = column.converter.options(user)
        if options:
            inline = ",".join(options)
            if len(inline) <= 250 and not any("," in o or '"' in o for o in options):
                formula = f'"{inline}"'
            else:
                if options_ws is None:
                    options_ws = wb.create_sheet(OPTIONS_SHEET)
                    options_ws.sheet_state = "hidden"
                options_ws.cell(row=1, column=position, value=column.header)
                for offset, option in enumerate(options, start=2):
                    options_ws.cell(row=offset, column=position, value=option)
                formula = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(options) + 1}"
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=column.converter.strict_options,
                errorTitle="请从下拉列表中选择",
                error=f"“{column.header}”只能填写下拉列表中的值。",
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET, 1), spec)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _required_text(column: Column) -> str:
    if column.shown_required:
        return "必填"
    if column.required:
        return f"填写{column.related.title}时必填"
    return "选填"


def _related_note(related: Related) -> str:
    headers = "、".join(column.header for column in related.columns)
    if related.shared:
        return (
            f"{headers}各列是{related.title}的信息：按{related.describe_keys()}识别同一{related.title}，"
            f"系统中没有的将新增。同一{related.title}出现在多行时以第一行为准，其余各行应填写一致或留空；"
            "这些列留空表示不修改已登记的信息。"
        )
    return (
        f"{headers}各列是{related.title}：按{related.key_headers(related.keys[0])}新增或更新该条{related.title}；"
        f"整组留空表示本行不涉及{related.title}，个别列留空表示不修改（新增时按0或空）。"
    )


def _write_instructions(ws, spec: ImportSpec) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 50
    ws.column_dimensions["D"].width = 50
    ws.append([f"「{spec.title}」导入模板填写说明"])
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        f"1. 数据填写在「{spec.title}」工作表：第一行是表头，请勿修改；从第二行起每行一条记录。本页内容不会被导入。",
        f"2. 按「{spec.key_headers()}」匹配：系统中已有的记录按本文件更新，没有的新增。",
        "3. 上传后先逐行校验并显示预览（新增、更新、无变化、错误各几行），确认后才写入；"
        "有错误的行不会导入，可下载错误报告修改后重新上传。",
        "4. 空白单元格表示清空该字段（必填列除外）；如不想修改某一选填列，可以整列删除。",
        "5. 代码、证件号、手机号请按文本填写（模板中这些列已设为文本格式），避免 Excel 把长数字变成科学计数法。",
        *(f"{n}. {note}" for n, note in enumerate([*map(_related_note, spec.related), *spec.notes], start=6)),
    ]
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append(["列名", "必填", "格式要求", "可选值与说明"])
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in spec.columns:
        options = column.converter.options(None) if isinstance(column.converter, Choice | Boolean) else None
        explanation = "、".join(options) if options else ""
        if column.help:
            explanation = f"{explanation}；{column.help}" if explanation else column.help
        required = {"必填": "是", "选填": "否"}.get(_required_text(column), _required_text(column))
        ws.append([column.header, required, column.converter.describe(), explanation])
    ws.append([])
    ws.append([f"示例（仅供参考，请勿在本页填写；数据请填在「{spec.title}」工作表）"])
    ws.cell(row=ws.max_row, column=1).font = HEADER_FONT
    ws.append([column.header for column in spec.columns])
    for cell in ws[ws.max_row]:
        cell.fill = HEADER_FILL
    ws.append([column.example for column in spec.columns])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_error_report(result: dict) -> bytes:
    """The rows that were not imported: the file's own columns, then 错误原因."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(result.get("sheet") or "错误行")
    headers = list(result.get("headers", []))
    ws.append([_text_cell(ws, h) for h in [*headers, ERROR_COLUMN]])
    for error in result.get("errors", []):
        values = list(error["values"]) + [None] * (len(headers) - len(error["values"]))
        reasons = f"第{error['row']}行：" + "；".join(problem_text(p) for p in error["problems"])
        ws.append([_text_cell(ws, v) for v in [*values[: len(headers)], reasons]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

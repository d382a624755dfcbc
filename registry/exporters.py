"""Exporters as classes: what an export holds, apart from how and where it is written.

An exporter has an identifier, a Chinese name and options, and yields sheets; each sheet has columns,
rows (any iterable, consumed once) and optionally a native chart drawn from its own rows. The writer
(registry.exporting) turns any exporter into one .xlsx, at once in the request or in the task worker
with progress; the list export and the statistics workbook are both exporters.

Exporters the task worker may run are registered by identifier (``@register``): a background job stores the
identifier and the options, and the worker builds the exporter again from them for the job's owner.
"""

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable

from registry.personal import LOGGED_IDS_CAP, can_see_personal, mask_value


@dataclass(frozen=True)
class SheetColumn:
    label: str  # the Chinese header
    width: int = 14
    personal: bool = False  # holds personal data: the access log names it when written in clear
    number_format: str | None = None  # e.g. "0.0%", "#,##0.00"
    wrap: bool = False  # long text (a briefing paragraph) wraps within the column's width


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart over the sheet's own rows: categories from one column, a series per column."""

    kind: str  # "column", "bar", "line", "pie"
    title: str
    category_column: int  # index into the sheet's columns
    value_columns: tuple[int, ...]  # one series each
    percent: bool = False  # 0–100 % axis for rates


@dataclass
class Sheet:
    title: str  # at most 31 characters in Excel
    columns: list[SheetColumn]
    rows: Iterable[list[Any]]
    total: int | None = None  # rows expected, when known (progress); None when not
    chart: ChartSpec | None = None
    notes: list[str] = field(default_factory=list)  # lines written above the table (period, scope, briefing)
    model: Any = None  # the model whose records the rows are (access log), when they are records
    print_fit: bool = False  # printed on A4 landscape, one page wide (a table with its chart beside it)
    # filled while the rows are consumed: which records were written (access log); see RecordIds
    record_ids: "RecordIds | None" = None


class RecordIds:
    """The records a sheet wrote, as the access log keeps them: the first LOGGED_IDS_CAP and the full count."""

    __slots__ = ("count", "ids")

    def __init__(self):
        self.ids: list = []
        self.count = 0

    def add(self, pk) -> None:
        if self.count < LOGGED_IDS_CAP:
            self.ids.append(pk)
        self.count += 1


class Exporter:
    """Base of every exporter: ``sheets()`` yields what the file holds, in order."""

    identifier: ClassVar[str]
    name: ClassVar[str]  # Chinese, shown on the page and in the file's 导出说明

    def __init__(self, *, user, options: dict | None = None):
        self.user = user
        self.options = options or {}

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def describe(self) -> dict[str, str]:
        """{Chinese label: value} of the chosen options, for the 导出说明 sheet and the job list."""
        return {}

    def check_allowed(self) -> None:
        """Raise PermissionDenied (with a Chinese reason) when the user may no longer make this export.

        The task worker asks it before writing: a job runs with its owner's rights of now, not of the request.
        """

    @property
    def title(self) -> str:
        """What this export holds (导出内容, the file name); by default the exporter's name."""
        return self.name

    def estimate_rows(self, *, cap: int) -> int:
        """Rows the file will hold, counted no further than ``cap`` + 1 (never a full count of a big table)."""
        return 0


EXPORTERS: dict[str, type[Exporter]] = {}


def register(exporter_class: type[Exporter]) -> type[Exporter]:
    """Make an exporter runnable by the task worker under its identifier (a class decorator)."""
    EXPORTERS[exporter_class.identifier] = exporter_class
    return exporter_class


def get_exporter(identifier: str) -> type[Exporter] | None:
    return EXPORTERS.get(identifier)


# ---------------------------------------------------------------------------------------------
# Rows from a column spec (registry.tables.Table): the reading of each column is decided once per export


def _path_reader(path: str) -> Callable:
    """obj.a.b…, None as soon as a link is missing; a method at the end is called (registry.tables._resolve)."""
    if "." not in path:
        getter = operator.attrgetter(path)
    else:
        parts = path.split(".")

        def getter(obj):
            for part in parts:
                if obj is None:
                    return None
                obj = getattr(obj, part)
            return obj

    return getter


def column_reader(column, model, *, clear: bool) -> Callable:
    """A function obj → the column's export value, masked unless ``clear``; the same values as Column.value().

    With the model known, a choice field reads its label from a dict and a plain path is one attrgetter, instead
    of Column.raw()'s walk that looks for get_<field>_display on every cell.
    """
    read = _compiled_accessor(column, model)
    if column.personal and not clear:
        kind = column.personal

        def masked(obj):
            value = read(obj)
            return mask_value(kind, value) if value else value

        return masked
    return read


def _compiled_accessor(column, model) -> Callable:
    accessor = column.accessor or column.key
    if callable(accessor):
        return accessor
    if model is None:
        return column.raw
    *relations, last = accessor.split(".")
    current = model
    for relation in relations:
        try:
            field_ = current._meta.get_field(relation)
        except FieldDoesNotExist:
            return column.raw
        if not field_.is_relation or field_.many_to_many or field_.one_to_many or field_.related_model is None:
            return column.raw
        current = field_.related_model
    try:
        field_ = current._meta.get_field(last)
    except FieldDoesNotExist:
        # a property or an annotation (no class attribute) reads as an attribute; a method keeps the general walk
        on_class = getattr(current, last, None)
        return _path_reader(accessor) if on_class is None or isinstance(on_class, property) else column.raw
    if field_.many_to_many or field_.one_to_many:
        return column.raw
    getter = _path_reader(accessor)
    if field_.choices:
        labels = dict(field_.flatchoices)

        def label(obj):
            value = getter(obj)
            return None if value is None or value == "" else labels.get(value, value)

        return label
    if field_.is_relation:  # a related record shows as its str(), as Column.raw gives it
        return column.raw
    return getter


def _related_plan(model, select_related: dict) -> list[tuple[str, str, Any]] | None:
    """(relation name, its id attribute, the query loading its records) for each forward foreign key that the
    queryset joins (select_related), the nested ones joined into that query in turn; None when it cannot tell."""
    plan = []
    for name, nested in select_related.items():
        try:
            field_ = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not (field_.many_to_one or field_.one_to_one) or field_.auto_created or not field_.concrete:
            return None  # a reverse one-to-one: keep Django's own loading
        query = field_.related_model._base_manager.all()
        paths = _nested_paths(nested)
        if paths:
            query = query.select_related(*paths)
        plan.append((name, field_.attname, query))
    return plan


def _nested_paths(tree: dict, prefix: str = "") -> list[str]:
    paths = []
    for name, nested in tree.items():
        path = f"{prefix}{name}"
        paths.extend(_nested_paths(nested, f"{path}__") if nested else [path])
    return paths


def model_rows(queryset, *, chunk_size: int) -> Iterator:
    """The queryset's records as model instances, built from value tuples without Model.__init__, the records
    it joins (select_related) loaded once per distinct id and shared: the same attributes, relations,
    properties and methods as ``queryset.iterator()`` gives, for a fraction of the per-row Python.

    For reading only (an export): the instances are not meant to be saved. A queryset this cannot reproduce
    (only()/defer(), extra(), values(), a union, select_related() of everything, a model with its own
    __init__) is iterated as it is.
    """
    query = queryset.query
    select_related = query.select_related
    plain = (
        queryset._iterable_class is ModelIterable
        and not query.deferred_loading[0]
        and query.deferred_loading[1]
        and not query.extra_select
        and not query.combinator
        and select_related is not True
        and queryset.model.__init__ is Model.__init__  # a model whose __init__ does more is built by Django
    )
    plan = _related_plan(queryset.model, select_related or {}) if plain else None
    if plan is None:
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    model = queryset.model
    names = [f.attname for f in model._meta.concrete_fields] + list(query.annotation_select)
    positions = {name: index for index, name in enumerate(names)}
    related = [(name, positions[attname], query, {}) for name, attname, query in plan]
    database = queryset.db
    new = model.__new__
    rows = queryset.values_list(*names).iterator(chunk_size=chunk_size)
    prefetch = queryset._prefetch_related_lookups
    for chunk in itertools.batched(rows, chunk_size, strict=False):
        for _name, position, loader, cache in related:
            missing = {row[position] for row in chunk} - cache.keys() - {None}
            if missing:
                cache.update(loader.in_bulk(missing))
        objects = []
        for row in chunk:
            obj = new(model)
            obj.__dict__.update(zip(names, row, strict=True))
            state = ModelState()
            state.adding, state.db = False, database
            obj._state = state
            if related:
                cached = state.fields_cache
                for name, position, _loader, cache in related:
                    key = row[position]
                    cached[name] = None if key is None else cache[key]
            objects.append(obj)
        if prefetch:  # as QuerySet.iterator(chunk_size) does: the chunk's prefetches in one query each
            prefetch_related_objects(objects, *prefetch)
        yield from objects


class TableExporter(Exporter):
    """One sheet of records (or rows of figures) with a list's column spec: the list export and small tables."""

    identifier = "table"
    name = "导出"

    def __init__(
        self, *, user, objects=(), table=None, title: str = "", filters: dict | None = None, model=None, records=True
    ):
        super().__init__(user=user, options={})
        self.objects = objects
        self.table = table
        self._title = title
        self.filters = filters or {}
        self.model = model  # the access log names it
        self.records = records  # False: the rows are figures about ``model``, not its records (no ids to log)

    @property
    def title(self) -> str:
        return self._title or self.name

    def describe(self) -> dict[str, str]:
        return dict(self.filters)

    def sheets(self) -> Iterator[Sheet]:
        columns = self.table.export_columns
        clear = can_see_personal(self.user)
        readers = [column_reader(c, self.model if self.records else None, clear=clear) for c in columns]
        ids = RecordIds() if self.records else None
        yield Sheet(
            title=self.title,
            columns=[SheetColumn(label=c.label, width=c.width, personal=bool(c.personal)) for c in columns],
            rows=self._rows(readers, ids),
            total=self.row_total(),
            model=self.model,
            record_ids=ids,
        )

    def row_total(self) -> int | None:
        return len(self.objects) if isinstance(self.objects, list | tuple) else None

    def _rows(self, readers, ids: RecordIds | None):
        # one tuple per record; the pk only for records (rows of figures have none to log)
        add = ids.add if ids is not None else None
        for obj in self.objects:
            if add is not None:
                add(obj.pk)
            yield [read(obj) for read in readers]

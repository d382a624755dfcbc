"""Declarations: the ImportSpec a model registers, its columns and the related records a row may fill."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from registry.importing.cells import match_key
from registry.importing.converters import Converter, infer_converter

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

    ``existing_only`` (shared records only): the columns only name a record that is already stored
    and in the user's scope — the activity a participant list belongs to. It is never created nor
    changed (no ``create``/``update``, no permission to add or change it needed); a row naming an
    unknown one is refused.
    """

    model: type[models.Model]
    link: str
    keys: tuple[tuple[str, ...], ...]
    create: Callable[..., models.Model] | None = None
    update: Callable[..., models.Model] | None = None
    check: Callable[..., None] | None = None
    title: str = ""
    existing_only: bool = False
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
        if self.existing_only and not self.shared:
            raise ImproperlyConfigured(
                f"{self.model._meta.label}：只有本行指向的记录（外键在本模型上）可以只引用已有记录。"
            )
        if not self.existing_only and (self.create is None or self.update is None):
            raise ImproperlyConfigured(f"{self.model._meta.label}：附属记录须声明 create 和 update。")
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


def _overrides(model, method: str) -> bool:
    return any(method in vars(klass) for klass in model.__mro__[:-1] if klass is not models.Model)


def _saves_otherwise(model) -> bool:
    """The model overrides save() without putting what it computes in ``fill_derived()`` for bulk writes."""
    return _overrides(model, "save") and not hasattr(model, "fill_derived")


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

    ``file_check(*, user, data, instance, tally)`` is for rules across the rows of one file (participants
    counted against their activity's 人次): called after ``check`` for each row that would be written, in
    commit order, with ``tally``, a dict kept for the whole validation; it raises ValidationError as
    ``check`` does, and records in ``tally`` what a row it accepts adds. ``all_or_nothing``: a file with
    any bad row cannot be committed at all (figures that only make sense together, such as a month's
    activities and their participants), instead of importing its good rows.

    ``after_commit(ids)`` runs in the commit's transaction after all its writes, with the ids of the
    records written (created, updated, or whose child records were): derived tables (coverage) follow
    the import in one set-based call instead of per row. ``bulk=True`` lets the commit write the rows
    with bulk inserts and updates instead of calling ``create``/``update`` per row (see ``writes_in_bulk``):
    declare it only when those services do nothing but registry.crud's scoped_create/scoped_update
    (the model's rules, the permission, the scope), which the bulk path keeps.
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
    file_check: Callable[..., None] | None = None
    all_or_nothing: bool = False
    after_commit: Callable[[list], None] | None = None
    bulk: bool = False
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
    def writes_in_bulk(self) -> bool:
        """Whether the commit writes the preview's plan with bulk inserts and updates (registry.importing.plan).

        Only when the spec declares ``bulk`` and no row depends on another's write: no
        many-to-many column, no record shared between rows (a liaison) or named by other rows of the file,
        no save() computing columns other than through the model's ``fill_derived()`` (bulk writes
        skip save()), and a model's own clean() run by the spec's ``check`` in the preview (bulk writes
        skip full_clean). The other specs write row by row through their services.
        """
        checked = [(self.model, self.check), *((related.model, related.check) for related in self.related)]
        return (
            self.bulk
            and self.ref_field is None
            and not any(related.shared for related in self.related)
            and not any(c.model_field.many_to_many for c in self.columns)
            and not any(_saves_otherwise(model) for model, _ in checked)
            # the bulk path calls no full_clean: the model's own clean() must have run in the preview's check
            and not any(_overrides(model, "clean") and check is None for model, check in checked)
        )

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
        models_written = [self.model, *(related.model for related in self.related if not related.existing_only)]
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

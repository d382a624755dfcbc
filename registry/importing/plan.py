"""The write plan: what the preview decided to write, kept on the import record and written in bulk at commit.

The preview validates every row against the database (converters, keys, the model's rules through the
spec's ``check``, the user's scope). For a spec whose rows are written independently of one another
(``ImportSpec.writes_in_bulk``) it also records, per row to write, the converted values (foreign keys
as ids) and the version of each stored record it read. The commit then does not read or validate the
file again: in one transaction it

1. locks the records the preview read and refuses if any was changed or deleted since (its version
   moved), and refuses if a record the preview would create now exists (someone created it meanwhile):
   nothing is written, and the job shows a fresh preview of the data as it is now;
2. inserts the new records with bulk_create and updates the changed fields with bulk_update, in
   batches — the same values the services would save, with the columns save() derives filled by the
   model's ``fill_derived()``; the history triggers keep an event per row with the import's context;
3. checks once that every written record is inside the user's scope, and calls the spec's
   ``after_commit(ids)`` (derived tables such as coverage).

The plan is JSON (compressed): dates, times and decimals as text, read back by their model fields.
"""

import datetime
import decimal
import json
import zlib
from collections import defaultdict
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from registry.importing.cells import PreviewOutdated
from registry.importing.spec import ImportSpec
from registry.scoping import ACTION_LABELS, has_model_permission

PLAN_FORMAT = 1
BATCH = 2000  # rows per INSERT/UPDATE statement and per locking query
_DECODED = {"DateField", "DateTimeField", "TimeField", "DecimalField", "DurationField", "UUIDField"}


def _encode(value):
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"写入计划不能保存 {type(value).__name__} 类型的值")


def _as_stored(model, data: dict) -> dict:
    """A row's converted values as the plan keeps them: by column name (attname), related records as ids."""
    stored = {}
    for name, value in data.items():
        model_field = model._meta.get_field(name)
        if isinstance(value, models.Model):
            value = value.pk
        stored[model_field.attname] = value
    return stored


def _batches(items, size=BATCH):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _Decoder:
    """Reads a stored row back into values of the model's fields (only dates, decimals… need it)."""

    def __init__(self, model):
        self.model = model
        self.fields = {f.attname: f.to_python for f in model._meta.concrete_fields if f.get_internal_type() in _DECODED}

    def __call__(self, data: dict) -> dict:
        fields = self.fields
        return {
            name: fields[name](value) if name in fields and value is not None else value for name, value in data.items()
        }


class WritePlan:
    """Rows to write, each ``[row, pk, version, data, keys, children]``.

    ``pk``/``version``: the stored record the row updates (None: a new one); ``data``: the values to
    write (an update's changed fields only; None when only its child records change); ``keys``: a new
    record's keys as ``[[which key, [values]]]``, checked still free at commit; ``children``:
    ``[[index of the child Related, pk, version, data]]`` (pk None: a new child record).
    """

    def __init__(self, spec: ImportSpec, rows: list | None = None, counts: dict | None = None):
        self.spec = spec
        self.rows = rows if rows is not None else []
        self.counts = counts or {}
        self.children = [related for related in spec.related if not related.shared]

    # -- at preview

    def add(self, outcome) -> None:
        model = self.spec.model
        instance = outcome.instance
        data = _as_stored(model, outcome.data) if outcome.main_changed else None
        keys = [[which, list(key)] for which, key in outcome.keys] if instance is None else []
        children = []
        for index, related in enumerate(self.children):
            if related not in outcome.related_writes:
                continue
            stored = outcome.related_instances.get(related)
            children.append(
                [
                    index,
                    None if stored is None else stored.pk,
                    None if stored is None else getattr(stored, "version", None),
                    _as_stored(related.model, outcome.related_writes[related]),
                ]
            )
        version = None if instance is None else getattr(instance, "version", None)
        self.rows.append([outcome.row, None if instance is None else instance.pk, version, data, keys, children])

    def dumps(self) -> bytes:
        text = json.dumps(
            {"format": PLAN_FORMAT, "spec": self.spec.key, "counts": self.counts, "rows": self.rows},
            default=_encode,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return zlib.compress(text.encode(), 1)

    @classmethod
    def loads(cls, spec: ImportSpec, blob: bytes | None) -> "WritePlan | None":
        """The plan kept at preview, or None when there is none for this spec (then the file is validated again)."""
        if not blob:
            return None
        try:
            stored = json.loads(zlib.decompress(bytes(blob)))
        except (zlib.error, ValueError):
            return None
        if stored.get("format") != PLAN_FORMAT or stored.get("spec") != spec.key:
            return None
        return cls(spec, stored["rows"], stored["counts"])

    # -- at commit, inside the transaction

    def write(self, user, *, progress=None) -> list:
        """Write every row; the ids of the spec's records written (created, updated, or their child records).

        Batch by batch of the plan's rows (their records, then their child records), so that memory holds
        one batch of model instances whatever the size of the file.
        """
        progress = progress or (lambda fraction: None)
        spec, model = self.spec, self.spec.model
        self._check_permissions(user)
        self._check_still_as_previewed()
        progress(0.1)
        decode = _Decoder(model)
        now = timezone.now()
        written, done = [], 0
        for batch in _batches(self.rows):
            new, changed = [], []  # (plan row, unsaved record), (pk, changed values)
            for entry in batch:
                _row, pk, _version, data, _keys, _children = entry
                if pk is None:
                    new.append((entry, model(**decode(data))))
                elif data is not None:
                    changed.append((pk, decode(data)))
            self._create(model, [obj for _, obj in new])
            self._update(model, changed, now)
            ids = {entry[0]: entry[1] for entry in batch}
            ids.update({entry[0]: obj.pk for entry, obj in new})
            self._write_children(batch, ids, now)
            written.extend(ids.values())
            done += len(batch)
            progress(0.1 + 0.8 * done / len(self.rows))
        _check_scope(user, model, written)
        if spec.after_commit:
            spec.after_commit(written)
        progress(1.0)
        return written

    def _check_permissions(self, user) -> None:
        """The permissions the services would check: to add and to change each model the plan writes."""
        actions = set()
        for entry in self.rows:
            if entry[1] is None:
                actions.add((self.spec.model, "add"))
            elif entry[3] is not None:
                actions.add((self.spec.model, "change"))
            for child in entry[5]:
                actions.add((self.children[child[0]].model, "add" if child[1] is None else "change"))
        for model, action in actions:
            if not has_model_permission(user, model, action):
                raise PermissionDenied(f"您没有{ACTION_LABELS[action]}“{model._meta.verbose_name}”的权限，操作已取消。")

    def _check_still_as_previewed(self) -> None:
        """Refuse (PreviewOutdated) if a record the preview read has changed, or one it would create exists."""
        spec = self.spec
        read = {entry[1]: (entry[2], entry[0]) for entry in self.rows if entry[1] is not None}
        _lock_unchanged(spec.model, read, spec.title)
        for index, related in enumerate(self.children):
            read = {
                child[1]: (child[2], entry[0])
                for entry in self.rows
                for child in entry[5]
                if child[0] == index and child[1] is not None
            }
            _lock_unchanged(related.model, read, related.title)
        self._check_keys_free()
        self._check_children_free()

    def _check_keys_free(self) -> None:
        spec, model = self.spec, self.spec.model
        records = spec.records() if spec.records else model._base_manager.all()
        for which, names in enumerate(spec.keys):
            fields = [model._meta.get_field(name) for name in names]
            wanted: dict[tuple, int] = {}
            for entry in self.rows:
                for w, key in entry[4]:
                    if w == which:
                        wanted[
                            tuple(f.to_python(v) if v is not None else v for f, v in zip(fields, key, strict=True))
                        ] = entry[0]
            attnames = [f.attname for f in fields]
            for batch in _batches(wanted):
                if len(names) == 1:
                    condition = Q(**{f"{attnames[0]}__in": [key[0] for key in batch]})
                else:
                    condition = Q()
                    for key in batch:
                        condition |= Q(**dict(zip(attnames, key, strict=True)))
                found = records.filter(condition).values_list(*attnames)
                for key in found[:1]:
                    row = wanted.get(tuple(key), "?")
                    raise PreviewOutdated(
                        f"预览之后数据已变化，请重新预览（第{row}行的{spec.title}在预览后已由他人新增，"
                        f"{spec.key_headers(which)}相同）。"
                    )

    def _check_children_free(self) -> None:
        """A child record the preview would add to a stored record (its survey of the year) must still be missing."""
        for index, related in enumerate(self.children):
            link = related.model._meta.get_field(related.link).attname
            names = related.keys[0]
            attnames = [related.model._meta.get_field(name).attname for name in names]
            wanted = {}
            for entry in self.rows:
                if entry[1] is None:
                    continue
                for child in entry[5]:
                    if child[0] == index and child[1] is None:
                        wanted[(entry[1], *(child[3].get(a) for a in attnames))] = entry[0]
            for batch in _batches(wanted):
                found = related.model._base_manager.filter(**{f"{link}__in": {key[0] for key in batch}})
                for key in found.values_list(link, *attnames):
                    if key in wanted:
                        raise PreviewOutdated(
                            f"预览之后数据已变化，请重新预览（第{wanted[key]}行的{related.title}在预览后已由他人新增）。"
                        )

    @staticmethod
    def _create(model, objs: list) -> None:
        if hasattr(model, "fill_derived"):
            for obj in objs:
                obj.fill_derived()
        model._base_manager.bulk_create(objs, batch_size=BATCH)

    @staticmethod
    def _update(model, changed: list, now) -> None:
        """``changed``: (pk, the changed fields' values). Those fields only, grouped by which fields change;
        updated_at set as save() would."""
        if not changed:
            return
        derived = getattr(model, "fill_derived", None)
        stored = {}
        if derived:
            # the derived columns follow the stored values the row keeps: read them to derive from
            for batch in _batches([pk for pk, _ in changed]):
                stored.update(model._base_manager.in_bulk(batch))
        has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        groups: dict[tuple, list] = defaultdict(list)
        for pk, data in changed:
            obj = stored.get(pk) or model(pk=pk)
            before = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields} if derived else {}
            for name, value in data.items():
                setattr(obj, name, value)
            names = set(data)
            if derived:
                obj.fill_derived()
                names |= {name for name, value in before.items() if getattr(obj, name) != value}
            if has_updated_at:
                obj.updated_at = now
                names.add("updated_at")
            groups[tuple(sorted(names))].append(obj)
        for names, objs in groups.items():
            fields = [model._meta.get_field(name).name for name in _attnames_to_names(model, names)]
            model._base_manager.bulk_update(objs, fields, batch_size=BATCH)

    def _write_children(self, batch: list, ids: dict, now) -> None:
        """The child records of a batch of rows; ``ids``: row → the id of its record, new ones included."""
        for index, related in enumerate(self.children):
            model = related.model
            decode = _Decoder(model)
            link = model._meta.get_field(related.link).attname
            new, changed = [], []
            for entry in batch:
                for child in entry[5]:
                    if child[0] != index:
                        continue
                    if child[1] is None:
                        new.append(model(**decode(child[3]), **{link: ids[entry[0]]}))
                    else:
                        changed.append((child[1], decode(child[3])))
            self._create(model, new)
            self._update(model, changed, now)


def _attnames_to_names(model, attnames) -> list[str]:
    by_attname = {f.attname: f.name for f in model._meta.concrete_fields}
    return [by_attname[name] for name in attnames]


def _lock_unchanged(model, read: dict, title: str) -> None:
    """Lock the stored records the preview read (id → (version, row)); refuse if one changed or is gone."""
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    for batch in _batches(sorted(read)):
        rows = model._base_manager.select_for_update().filter(pk__in=batch).order_by("pk")
        stored = dict(rows.values_list("pk", "version" if versioned else "pk"))
        for pk in batch:
            version, row = read[pk]
            if pk not in stored:
                raise PreviewOutdated(f"预览之后数据已变化，请重新预览（第{row}行对应的{title}已被他人删除）。")
            if versioned and stored[pk] != version:
                raise PreviewOutdated(f"预览之后数据已变化，请重新预览（第{row}行对应的{title}已被他人修改）。")


def _check_scope(user, model, ids: list) -> None:
    """Every written record inside the user's scope: rows outside it were refused at preview, so this only fails
    when the scope changed since; one count per batch."""
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        return
    outside = 0
    for batch in _batches(ids):
        outside += len(batch) - manager.visible_to(user).filter(pk__in=batch).count()
    if outside:
        raise PermissionDenied(f"有 {outside} 条{model._meta.verbose_name}保存后将超出您的管辖区域，操作已取消。")

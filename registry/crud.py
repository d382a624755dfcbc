"""Create, update and delete of scoped records: the steps every app service shares.

Each runs in one transaction, validates with the model's own rules (full_clean) and
re-checks after saving that the record is still inside the user's scope — a save that
would move it out is refused and rolled back.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from registry.conflicts import VERSION_FIELD, EditConflict, is_versioned
from registry.scoping import ACTION_LABELS, ensure_permitted, ensure_still_visible, has_model_permission


class _BulkWrite:
    """What a checked bulk write has saved, for one scope check per model at its end."""

    def __init__(self, user):
        self.user = user
        self.saved: dict[type, set] = {}
        self.actions: set[tuple[type, str]] = set()


_bulk = ContextVar("bulk_write", default=None)


@contextmanager
def checked_bulk_write(user):
    """Inside: the shared create/update steps leave to the database what the caller has just checked.

    Only for a bulk write whose rows were checked against the database in the same transaction (the
    Excel import re-validates every row — natural keys, references, the user's scope — before it
    writes). full_clean then skips its unique, constraint and foreign-key look-ups (a query or more
    per record each): the database still enforces them, and a violation raises IntegrityError and
    rolls the whole write back. The check that each saved record is still inside the user's scope is
    made once per model at the end, before the transaction commits.
    """
    state = _BulkWrite(user)
    token = _bulk.set(state)
    try:
        yield
    finally:
        _bulk.reset(token)
    for model, action in state.actions:
        if not has_model_permission(user, model, action):
            raise PermissionDenied(f"您没有{ACTION_LABELS[action]}“{model._meta.verbose_name}”的权限，操作已取消。")
    for model, pks in state.saved.items():
        visible = model.objects.visible_to(user).filter(pk__in=pks).count()
        if visible != len(pks):
            raise PermissionDenied(
                f"有 {len(pks) - visible} 条{model._meta.verbose_name}保存后将超出您的管辖区域，操作已取消。"
            )


def _full_clean(instance) -> None:
    if _bulk.get() is None:
        instance.full_clean()
        return
    foreign_keys = [f.name for f in instance._meta.concrete_fields if f.is_relation and getattr(instance, f.attname)]
    instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)


def _permitted(user, instance, action: str) -> None:
    bulk = _bulk.get()
    if bulk is None or bulk.user != user:
        ensure_permitted(user, instance, action)
        return
    # the permission once per model at the end; an update's row still checked against the scope first
    bulk.actions.add((type(instance), action))
    if action != "add":
        ensure_still_visible(user, instance)


def _still_visible(user, instance) -> None:
    if not hasattr(type(instance)._default_manager, "visible_to"):
        return  # a district-wide list (承办单位, 主题): not scoped to a region, nothing to leave
    bulk = _bulk.get()
    if bulk is None or bulk.user != user:
        ensure_still_visible(user, instance)
    else:
        bulk.saved.setdefault(type(instance), set()).add(instance.pk)


def _set_many(instance, many: dict) -> None:
    for name, values in many.items():
        getattr(instance, name).set(values)


def _split(model, data: dict) -> tuple[dict, dict]:
    many_names = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in many_names}
    many = {k: v for k, v in data.items() if k in many_names}
    return plain, many


@transaction.atomic
def scoped_create(*, user, model, data: dict):
    plain, many = _split(model, data)
    instance = model(**plain)
    _permitted(user, instance, "add")
    _full_clean(instance)
    instance.save()
    _set_many(instance, many)
    _still_visible(user, instance)
    return instance


_FROM_DATA = object()


def _locked_version(instance) -> int | None:
    """The stored version, with the row locked until the transaction ends: two saves cannot both pass."""
    rows = type(instance)._base_manager.select_for_update().filter(pk=instance.pk)
    return rows.values_list(VERSION_FIELD, flat=True).first()


def _many_changed(instance, many: dict) -> bool:
    for name, values in many.items():
        stored = set(getattr(instance, name).values_list("pk", flat=True))
        if stored != {getattr(value, "pk", value) for value in values}:
            return True
    return False


@transaction.atomic
def scoped_update(*, user, instance, data: dict, expected_version=_FROM_DATA):
    """Apply ``data``; returns the instance. Unchanged values are not re-saved.

    ``expected_version`` is the version the editor started from (pages and the API send it back as
    ``data["version"]``, which is the default source): a different stored version raises
    EditConflict and changes nothing. ``None`` — or no version in ``data`` — means no check, for
    bulk and system writes (the Excel import, status transitions) that read the record in the
    same transaction. Every saved change raises the version by one.
    """
    _permitted(user, instance, "change")
    data = dict(data)
    posted = data.pop(VERSION_FIELD, None)
    expected = posted if expected_version is _FROM_DATA else expected_version
    versioned = is_versioned(type(instance))
    if versioned and expected is not None:
        stored = _locked_version(instance)
        if stored != expected:
            raise EditConflict(instance, expected=expected, stored=stored)
    plain, many = _split(type(instance), data)
    changed = [name for name, value in plain.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, plain[name])
    if changed:
        _full_clean(instance)
    bump = versioned and bool(changed or (many and _many_changed(instance, many)))
    if bump:
        # counted by the database (the new value comes back with RETURNING): an unchecked
        # write never lowers the version an editor's check compares with
        instance.version = F(VERSION_FIELD) + 1
    if changed or bump:
        instance.save()
    _set_many(instance, many)
    _still_visible(user, instance)
    return instance


def protected_delete_message(instance, error) -> str:
    """Why a record still referenced cannot be deleted: the same words on the page and in the API."""
    names = "、".join(sorted({str(o._meta.verbose_name) for o in error.protected_objects}))
    return f"无法删除“{instance}”：仍有关联的{names}，请先处理这些记录。"


@transaction.atomic
def scoped_delete(*, user, instance) -> None:
    ensure_permitted(user, instance, "delete")
    instance.delete()

"""Create, update and delete of scoped records: the steps every app service shares.

Each runs in one transaction, validates with the model's own rules (full_clean) and
re-checks after saving that the record is still inside the user's scope — a save that
would move it out is refused and rolled back.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from registry.scoping import ensure_still_visible

_constraints_checked = ContextVar("constraints_checked", default=False)


@contextmanager
def constraints_already_checked():
    """Inside: full_clean skips its unique and constraint look-ups (a query or more per record each).

    Only for a bulk write whose rows were just checked against the database in the same transaction
    (the Excel import re-validates every row's natural key before it writes). The database still
    enforces every constraint: a violation raises IntegrityError and the whole write rolls back.
    """
    token = _constraints_checked.set(True)
    try:
        yield
    finally:
        _constraints_checked.reset(token)


def _full_clean(instance) -> None:
    lookups = not _constraints_checked.get()
    instance.full_clean(validate_unique=lookups, validate_constraints=lookups)


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
    _full_clean(instance)
    instance.save()
    _set_many(instance, many)
    ensure_still_visible(user, instance)
    return instance


@transaction.atomic
def scoped_update(*, user, instance, data: dict):
    """Apply ``data``; returns the instance. Unchanged values are not re-saved."""
    ensure_still_visible(user, instance)
    plain, many = _split(type(instance), data)
    changed = [name for name, value in plain.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, plain[name])
    if changed:
        _full_clean(instance)
        instance.save()
    _set_many(instance, many)
    ensure_still_visible(user, instance)
    return instance


@transaction.atomic
def scoped_delete(*, user, instance) -> None:
    ensure_still_visible(user, instance)
    instance.delete()

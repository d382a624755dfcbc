"""Edit conflicts: an update that started from an older version of a record than the one stored.

Every editable record carries a ``version`` (registry.models.TimeStampedModel) that each update
raises by one. Pages and the API send back the version the editor started from and
registry.crud.scoped_update refuses a different stored one with EditConflict. This module says who
changed the record meanwhile and what, from the change history the database triggers keep.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from registry.personal import mask_value, personal_fields

VERSION_FIELD = "version"


def is_versioned(model) -> bool:
    return any(f.name == VERSION_FIELD for f in model._meta.concrete_fields)


def _events(instance):
    """The record's history events (pghistory's related name), or None for an untracked model."""
    return getattr(instance, "events", None)


def last_change(instance) -> tuple[str, datetime.datetime | None]:
    """(who, when) of the latest change of the stored record; who is “系统” for a write without a user."""
    from registry.models import User

    events = _events(instance)
    event = events.select_related("pgh_context").order_by("-pgh_id").first() if events is not None else None
    if event is None:
        return "他人", None
    context = event.pgh_context.metadata if event.pgh_context_id else {}
    user = User.objects.filter(pk=context.get("user")).first() if context.get("user") else None
    who = user.display_name if user else context.get("source") or "系统"
    # the application's clock (the stored 更新时间), as every other time the pages show
    stamped = type(instance)._base_manager.filter(pk=instance.pk).values_list("updated_at", flat=True).first()
    return who, stamped or event.pgh_created_at


def conflict_message(who: str, when) -> str:
    if when is None:
        return "您编辑期间，此记录已被他人修改。"
    return f"您编辑期间，{who}于 {timezone.localtime(when):%m-%d %H:%M} 修改了此记录。"


class EditConflict(ValidationError):
    """The stored version differs from the one the editor started from; nothing was saved."""

    def __init__(self, instance, *, expected: int, stored: int | None):
        self.expected = expected
        self.stored = stored
        self.changed_by, self.changed_at = last_change(instance)
        super().__init__(conflict_message(self.changed_by, self.changed_at), code="edit_conflict")


def snapshot_at(instance, version: int):
    """The record as it was at ``version`` (from its history), or None when the history has no such state."""
    events = _events(instance)
    if events is None or version is None:
        return None
    event = events.filter(version=version).order_by("-pgh_id").first()
    if event is None:
        return None
    model = type(instance)
    values = {}
    for field in model._meta.concrete_fields:
        source = event if hasattr(event, field.attname) else instance  # fields the history excludes
        values[field.attname] = getattr(source, field.attname)
    opened = model(**values)
    opened._state.adding = False
    opened._state.db = instance._state.db
    return opened


def display(model, name: str, value, *, clear: bool) -> str:
    """A field's value as a person reads it: choice labels, 是/否, names of related records, masked personal data."""
    if value is None or value == "":
        return "（空）"
    kind = personal_fields(model).get(name)
    if kind and not clear:
        return mask_value(kind, value)
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return "、".join(str(item) for item in value) or "（空）"
    return str(value)


def _related(obj, field):
    """The related record a snapshot points at (it may since have been deleted: then its id)."""
    try:
        return getattr(obj, field.name)
    except field.related_model.DoesNotExist:
        return getattr(obj, field.attname)


def changed_meanwhile(*, opened, current, names, yours: dict, clear: bool) -> list[dict]:
    """Rows of the fields others changed between ``opened`` and ``current``, with what the editor submitted.

    ``names`` are the form's fields (only the model's own columns have a history to compare);
    ``yours`` the editor's values by field name.
    """
    model = type(current)
    rows = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except Exception:  # a form-only field: nothing stored to compare
            continue
        if not field.concrete or field.many_to_many or name == VERSION_FIELD:
            continue
        if getattr(opened, field.attname) == getattr(current, field.attname):
            continue
        before, now = (
            (_related(opened, field), _related(current, field))
            if field.is_relation
            else (getattr(opened, name), getattr(current, name))
        )
        mine = yours.get(name, before)
        mine_id = getattr(mine, "pk", mine)
        rows.append(
            {
                "name": name,
                "label": str(field.verbose_name),
                "opened": display(model, name, before, clear=clear),
                "now": display(model, name, now, clear=clear),
                # the editor changed it too: saving again keeps the editor's value, not the other's
                "both": (both := mine_id != getattr(opened, field.attname)),
                "yours": display(model, name, mine, clear=clear) if both else "未修改（保留现在的值）",
            }
        )
    return rows

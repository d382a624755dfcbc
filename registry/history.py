"""Change history (变更记录) of registry records, kept by django-pghistory database triggers.

Triggers catch every write — save(), create(), bulk and queryset.update() — and the
HistoryContextMiddleware attaches who did it, from which page and address.
"""

from django.db import models
from django.db.models import Case, When

from registry.personal import mask_value, personal_fields
from registry.tracking import track_history  # noqa: F401  (the apps' models import it from here)

TRACKED_LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _display_value(model, name: str, value):
    if value is None or value == "":
        return "（空）"
    try:
        field = model._meta.get_field(name)
    except Exception:
        return value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    return value


OUTSIDE_SCOPE = "#{}（不在您的管辖区域）"


def _related_names(model, events, user=None) -> dict[str, dict]:
    """{foreign-key field name: {id: the related record's name}} for every id the events mention.

    One query per related model, however many events; a related record deleted since shows
    as ``#id（已删除）``. For a ``user``, a scoped record outside their area shows as
    ``#id（不在您的管辖区域）``: a history page must not name what the record's own page would 404.
    """
    wanted: dict[str, set] = {}
    for event in events:
        for name, pair in (event.pgh_diff or {}).items():
            try:
                field = model._meta.get_field(name)
            except Exception:
                continue
            if field.many_to_one or field.one_to_one:
                wanted.setdefault(name, set()).update(v for v in pair if v not in (None, ""))
    names: dict[str, dict] = {}
    for name, ids in wanted.items():
        related = model._meta.get_field(name).related_model
        rows = related._base_manager.filter(pk__in=ids)
        scoped = user is not None and hasattr(related.objects, "visible_to")
        if scoped:
            # existence and scope in the same query: a deleted record and a hidden one read differently
            visible = related.objects.visible_to(user).values("pk")
            rows = rows.annotate(in_scope=Case(When(pk__in=visible, then=True), default=False))
        found = {
            str(o.pk): str(o) if not scoped or o.in_scope else OUTSIDE_SCOPE.format(o.pk) for o in rows
        }
        names[name] = {str(i): found.get(str(i), f"#{i}（已删除）") for i in ids}
    return names


def _related_display(names: dict, value):
    return "（空）" if value in (None, "") else names.get(str(value), f"#{value}（已删除）")


def history_for(obj, *, user=None, limit: int = 200) -> list[dict]:
    """The events of one record, newest first, as rows ready for the 变更记录 table.

    Pages pass the viewing ``user``: related records outside their scope are named by id only.

    The old and new values of the model's declared personal fields are masked for everyone:
    a history page is a page, and a clear value leaves only through a logged 显示.
    """
    from pghistory.models import MiddlewareEvents

    from registry.models import User

    personal = personal_fields(type(obj))
    model = type(obj)
    events = list(MiddlewareEvents.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    related_names = _related_names(model, events, user)
    rows = []
    for event in events:
        context = event.pgh_context or {}
        changes = []
        for name, pair in sorted((event.pgh_diff or {}).items()):
            if name in ("id", "updated_at", "created_at", "search_text", "version"):
                continue
            before, after = pair
            if name in personal:
                before = mask_value(personal[name], before) or "（空）"
                after = mask_value(personal[name], after) or "（空）"
            elif name in related_names:
                before = _related_display(related_names[name], before)
                after = _related_display(related_names[name], after)
            else:
                before = _display_value(model, name, before)
                after = _display_value(model, name, after)
            changes.append({"field": _field_label(model, name), "before": before, "after": after})
        user = users.get(context.get("user"))
        rows.append(
            {
                "when": event.pgh_created_at,
                "label": TRACKED_LABELS.get(event.pgh_label, event.pgh_label),
                "user": user,
                "user_display": (user.display_name if user else context.get("source") or "系统"),
                "url": context.get("url", ""),
                "ip": context.get("ip", ""),
                "changes": changes,
            }
        )
    return rows

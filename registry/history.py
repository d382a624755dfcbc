"""Change history (变更记录) of registry records, kept by django-pghistory database triggers.

Triggers catch every write — save(), create(), bulk and queryset.update() — and the
HistoryContextMiddleware attaches who did it, from which page and address.
"""

from django.db import models
from django.db.models import Case, When
from django.urls import reverse

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


def related_names(related, ids, user=None) -> dict[str, str]:
    """{str(id): the record's name} for ``ids`` of the ``related`` model, in one query.

    A record deleted since reads ``#id（已删除）``; for a ``user``, a scoped record outside their
    area reads ``#id（不在您的管辖区域）``: a history page must not name what the record's own page would 404.
    """
    rows = related._base_manager.filter(pk__in=ids)
    scoped = user is not None and hasattr(related.objects, "visible_to")
    if scoped:
        # existence and scope in the same query: a deleted record and a hidden one read differently
        visible = related.objects.visible_to(user).values("pk")
        rows = rows.annotate(in_scope=Case(When(pk__in=visible, then=True), default=False))
    found = {str(o.pk): str(o) if not scoped or o.in_scope else OUTSIDE_SCOPE.format(o.pk) for o in rows}
    return {str(i): found.get(str(i), f"#{i}（已删除）") for i in ids}


def _related_names(model, events, user=None) -> dict[str, dict]:
    """{foreign-key field name: {id: the related record's name}} for every id the events mention.

    One query per related model, however many events.
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
    return {
        name: related_names(model._meta.get_field(name).related_model, ids, user) for name, ids in wanted.items()
    }


def _related_display(names: dict, value):
    return "（空）" if value in (None, "") else names.get(str(value), f"#{value}（已删除）")


def merge_context(*, kept, merged) -> dict:
    """The pghistory context of a merge: every event it writes says which record went into which.

    One context covers the whole merge, so the events of both records (and of what moved) carry the
    same metadata; each record's page renders it from its own side (see ``_merge_note``).
    """
    return {"merge": {"kept": kept.pk, "kept_name": str(kept), "merged": merged.pk, "merged_name": str(merged)}}


def _merge_note(merge: dict | None, obj_id) -> str:
    if not merge:
        return ""
    if str(obj_id) == str(merge.get("kept")):
        return f"合并重复记录：并入“{merge.get('merged_name', '')}”（编号{merge.get('merged')}）的记录"
    if str(obj_id) == str(merge.get("merged")):
        return f"合并重复记录：本记录并入“{merge.get('kept_name', '')}”（编号{merge.get('kept')}），仅供查阅"
    return f"合并重复记录：从编号{merge.get('merged')}迁移到编号{merge.get('kept')}"


def history_for(obj, *, user=None, limit: int = 200) -> list[dict]:
    """The events of one record, newest first, as rows ready for the 变更记录 table.

    Pages pass the viewing ``user``: related records outside their scope are named by id only.
    """
    from pghistory.models import MiddlewareEvents

    events = list(MiddlewareEvents.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    return event_rows(events, user=user)


def event_rows(events, *, user=None) -> list[dict]:
    """pghistory aggregate events (of one or several tracked models) as rows for the 变更记录 table.

    A bounded number of queries however many events: the accounts, the import records, and one per
    (model, foreign key) the diffs mention. Each row keeps its event's model, record id and data, so
    that a combined timeline can say which record it was.

    The old and new values of the model's declared personal fields are masked for everyone:
    a history page is a page, and a clear value leaves only through a logged 显示.
    """
    from django.apps import apps

    from registry.models import ImportRecord, User

    models_of = {label: apps.get_model(label) for label in {e.pgh_obj_model for e in events}}
    names = {
        label: _related_names(model, [e for e in events if e.pgh_obj_model == label], user)
        for label, model in models_of.items()
    }
    contexts = [e.pgh_context or {} for e in events]
    user_ids = {c["user"] for c in contexts if c.get("user")}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    import_ids = {c["import_id"] for c in contexts if c.get("import_id")}
    imports = {}
    if import_ids:
        # an import record follows its uploader's scope: one the viewer may not open is named by number only
        records = ImportRecord.objects.filter(pk__in=import_ids)
        if user is not None:
            records = records.visible_to(user)
        imports = {r.pk: r for r in records.only("pk", "file_name")}
    rows = []
    for event, context in zip(events, contexts, strict=True):
        model = models_of[event.pgh_obj_model]
        personal = personal_fields(model)
        related = names[event.pgh_obj_model]
        changes = []
        for name, pair in sorted((event.pgh_diff or {}).items()):
            if name in ("id", "updated_at", "created_at", "search_text", "version"):
                continue
            before, after = pair
            if name in personal:
                before = mask_value(personal[name], before) or "（空）"
                after = mask_value(personal[name], after) or "（空）"
            elif name in related:
                before = _related_display(related[name], before)
                after = _related_display(related[name], after)
            else:
                before = _display_value(model, name, before)
                after = _display_value(model, name, after)
            changes.append({"field": _field_label(model, name), "before": before, "after": after})
        actor = users.get(context.get("user"))
        merge_note = _merge_note(context.get("merge"), event.pgh_obj_id) if event.pgh_label == "update" else ""
        import_id = context.get("import_id")
        record = imports.get(import_id)
        rows.append(
            {
                "when": event.pgh_created_at,
                "label": "合并" if merge_note else TRACKED_LABELS.get(event.pgh_label, event.pgh_label),
                "merge_note": merge_note,
                "user": actor,
                "user_display": (actor.display_name if actor else context.get("source") or "系统"),
                "url": context.get("url", ""),
                "ip": context.get("ip", ""),
                "changes": changes,
                "import_id": import_id,
                "import_name": record.file_name if record else "",
                "import_url": reverse("registry:import_record", args=[import_id]) if record else "",
                "model": model,
                "obj_id": event.pgh_obj_id,
                "data": event.pgh_data or {},
            }
        )
    return rows

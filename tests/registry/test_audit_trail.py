"""The access log and the change history are append-only in the database: no UPDATE, no DELETE, not even in SQL."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from registry.choices import AccessAction
from registry.models import AccessLog
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _log(user, **extra):
    return AccessLog.objects.create(
        user=user, username=user.username, action=AccessAction.REVEAL, target_repr="张三", **extra
    )


def _refused(operation):
    with pytest.raises(DatabaseError, match="pgtrigger: Cannot"), transaction.atomic():
        operation()


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_access_log_rows_cannot_be_edited_or_deleted(tree, street_a_user):
    log = _log(street_a_user, reason="核对身份")
    _refused(lambda: AccessLog.objects.filter(pk=log.pk).update(reason="改过的事由"))
    log.reason = "改过的事由"
    _refused(log.save)
    _refused(lambda: AccessLog.objects.filter(pk=log.pk).delete())
    _refused(lambda: _sql("UPDATE registry_accesslog SET reason = %s WHERE id = %s", ["改", log.pk]))
    _refused(lambda: _sql("UPDATE registry_accesslog SET user_id = NULL, reason = %s WHERE id = %s", ["改", log.pk]))
    _refused(lambda: _sql("DELETE FROM registry_accesslog WHERE id = %s", [log.pk]))
    assert AccessLog.objects.get(pk=log.pk).reason == "核对身份"
    assert AccessLog.objects.count() == 1


def test_access_log_still_takes_new_rows_and_outlives_the_account(tree):
    user = UserFactory(username="leaver", region=tree["street_a"])
    log = _log(user, reason="核对身份")
    _log(user, reason="再次核对")
    user.delete()  # the account link goes to NULL; the row, its username and reason stay
    log.refresh_from_db()
    assert (log.user_id, log.username, log.reason) == (None, "leaver", "核对身份")
    assert AccessLog.objects.count() == 2


def test_history_events_cannot_be_edited_or_deleted(tree):
    organization = OrganizationFactory(region=tree["street_a"], name="民治慈善会")
    organization.name = "民治慈善总会"
    organization.save()
    Event = apps.get_model("organizations", "OrganizationEvent")
    events = Event.objects.filter(pgh_obj_id=organization.pk)
    assert events.count() == 2
    event = events.first()
    table = Event._meta.db_table
    _refused(lambda: events.update(name="篡改"))
    _refused(lambda: events.delete())
    _refused(lambda: _sql(f"UPDATE {table} SET name = %s WHERE pgh_id = %s", ["篡改", event.pk]))
    _refused(lambda: _sql(f"DELETE FROM {table} WHERE pgh_id = %s", [event.pk]))
    assert sorted(events.values_list("name", flat=True)) == ["民治慈善会", "民治慈善总会"]


def test_deleting_a_record_keeps_its_history(tree):
    organization = OrganizationFactory(region=tree["street_a"])
    pk = organization.pk
    organization.delete()
    Event = apps.get_model("organizations", "OrganizationEvent")
    assert list(Event.objects.filter(pgh_obj_id=pk).order_by("pgh_id").values_list("pgh_label", flat=True)) == [
        "insert",
        "delete",
    ]


def test_every_history_table_is_protected():
    from pghistory.models import Event

    event_models = [m for m in apps.get_models() if issubclass(m, Event) and not m._meta.abstract]
    assert len(event_models) >= 15
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE 'pgtrigger_append_only_%%'"
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert {m._meta.db_table for m in event_models} <= protected

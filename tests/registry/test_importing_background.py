"""Large files go to the task worker: validation and commit do not hold the request, the page shows progress."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry import importing
from registry.models import ImportRecord, ImportStatus, Region
from tests.registry.test_importing import commit, grant_region_import, latest, upload, xlsx

ROWS = [[f"440309002{n:03d}", f"民治{n}社区", "社区", "民治街道"] for n in range(3, 8)]
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def client_a(client, street_a_user):
    client.force_login(grant_region_import(street_a_user))
    return client


def run_worker():
    """What scripts/run keeps running: the django-tasks-db worker, here until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def status(client, record):
    return client.get(reverse("registry:import_record_status", args=[record.pk]))


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_INLINE_MAX_ROWS=2)
def test_a_large_file_is_validated_and_committed_by_the_worker(client_a, tree, monkeypatch):
    response = upload(client_a, xlsx(ROWS))
    record = latest()
    assert response["Location"] == reverse("registry:import_record", args=[record.pk])
    # the request only queued the work
    assert record.status == ImportStatus.VALIDATING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "registry.importing.jobs.validate_import"
    assert record.task_id == str(queued.id)
    page = client_a.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "正在逐行校验" in page
    assert "HX-Refresh" not in status(client_a, record)

    run_worker()
    record.refresh_from_db()
    assert (record.status, record.create_count, record.progress) == (ImportStatus.PENDING, 5, 100)
    assert status(client_a, record)["HX-Refresh"] == "true"
    assert not Region.objects.filter(code__in=[row[0] for row in ROWS]).exists()

    # while the single commit transaction runs, its progress is visible to other connections
    spec = importing.get_spec("registry.region")
    real_create = spec.create
    seen_progress = []

    def create_and_look(*, user, data):
        seen_progress.append(ImportRecord.objects.values_list("progress", flat=True).get(pk=record.pk))
        return real_create(user=user, data=data)

    monkeypatch.setattr(spec, "create", create_and_look)
    commit(client_a, record)
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTING
    assert "正在写入数据" in client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    run_worker()
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE, record.message
    assert (record.create_count, record.progress) == (5, 100)
    assert Region.objects.filter(code__in=[row[0] for row in ROWS]).count() == 5
    assert seen_progress and seen_progress[0] >= 10
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db
@override_settings(IMPORT_INLINE_MAX_ROWS=2, TASKS=IMMEDIATE)
def test_the_background_path_with_the_immediate_backend(client_a, tree):
    upload(client_a, xlsx([*ROWS, ["", "无代码", "社区", "民治街道"]]))
    record = latest()
    assert record.task_id
    assert (record.status, record.create_count, record.error_count) == (ImportStatus.PENDING, 5, 1)
    commit(client_a, record)
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    assert Region.objects.filter(code__in=[row[0] for row in ROWS]).count() == 5


@pytest.mark.django_db
@override_settings(IMPORT_INLINE_MAX_ROWS=2)
def test_cancelling_while_queued_stops_the_validation(client_a, tree):
    from registry.tasks import validate_import

    upload(client_a, xlsx(ROWS))
    record = latest()
    client_a.post(reverse("registry:import_cancel", args=[record.pk]))
    validate_import.call(record.pk)  # the worker picks it up afterwards
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert record.result == {}


@pytest.mark.django_db
def test_small_files_are_done_within_the_request(client_a, tree):
    upload(client_a, xlsx(ROWS[:2]))
    record = latest()
    assert record.status == ImportStatus.PENDING and not record.task_id
    assert not DBTaskResult.objects.exists()
    page = client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    assert "hx-trigger" not in page


@pytest.mark.django_db
@override_settings(IMPORT_INLINE_MAX_ROWS=2)
def test_a_queued_job_shows_its_place_in_the_queue(client_a, tree):
    upload(client_a, xlsx(ROWS))
    first = latest()
    upload(client_a, xlsx(ROWS[:3]))
    second = latest()
    # waiting long does not make a queued job look dead: it is still waiting its turn
    for record in (first, second):
        ImportRecord.objects.filter(pk=record.pk).update(updated_at=record.updated_at - datetime.timedelta(hours=1))
    assert "排在第 1 位" in status(client_a, first).content.decode()
    page = status(client_a, second).content.decode()
    assert "排在第 2 位（前面还有 1 个后台任务）" in page and "可能没有运行" not in page
    second.refresh_from_db()
    assert second.status == ImportStatus.VALIDATING


def commit_killed_at_41_percent(client):
    """A worker took the commit and was killed at 41%: the database rolled its transaction back."""
    upload(client, xlsx(ROWS))
    record = latest()
    run_worker()
    record.refresh_from_db()
    commit(client, record)
    record.refresh_from_db()
    started = timezone.now()
    DBTaskResult.objects.filter(pk=record.task_id).update(status="RUNNING", started_at=started, worker_ids=["gone"])
    ImportRecord.objects.filter(pk=record.pk).update(progress=41, updated_at=started)
    return record, started


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_INLINE_MAX_ROWS=2)
def test_a_job_whose_worker_died_is_marked_failed_and_can_be_retried(client_a, tree):
    record, started = commit_killed_at_41_percent(client_a)

    with time_machine.travel(started + datetime.timedelta(minutes=9)):
        assert "41%" in status(client_a, record).content.decode()  # within the heartbeat limit: still running
    with time_machine.travel(started + datetime.timedelta(minutes=11)):
        page = client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert "已全部撤销，数据未作任何修改" in record.message and "已全部撤销，数据未作任何修改" in page
    assert 'data-testid="import-retry"' in page
    assert DBTaskResult.objects.get(pk=record.task_id).status == "FAILED"
    assert not Region.objects.filter(code__in=[row[0] for row in ROWS]).exists()

    client_a.post(reverse("registry:import_retry", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTING
    run_worker()
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE, record.message
    assert Region.objects.filter(code__in=[row[0] for row in ROWS]).count() == 5


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_INLINE_MAX_ROWS=2)
@pytest.mark.parametrize("where", ["list", "command"])
def test_a_dead_job_is_ended_without_anyone_opening_its_page(client_a, tree, where):
    record, started = commit_killed_at_41_percent(client_a)
    with time_machine.travel(started + datetime.timedelta(minutes=11)):
        if where == "list":
            assert client_a.get(reverse("registry:import_list")).status_code == 200
        else:
            call_command("prune_import_records", stdout=io.StringIO())
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and "已全部撤销，数据未作任何修改" in record.message
    assert DBTaskResult.objects.get(pk=record.task_id).status == "FAILED"

"""Large exports run in the task worker: the request answers at once, the owner alone downloads, for a time.

Small lists stay immediate; above EXPORT_BACKGROUND_ROWS the export is a job with a progress page; the file
holds exactly the filtered, scoped rows, masked unless permitted, formula- and control-character-safe; the
access log row is written when the file is downloaded; another user (of the same street or another) gets a
404; an expired file a Chinese page; a failure a Chinese message, never a progress bar that hangs.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from organizations.models import Organization
from organizations.tables import ORGANIZATION_TABLE
from registry import export_jobs
from registry.models import AccessLog, ExportFileChunk, ExportJob, ExportStatus
from tests.factories import IndustryFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = "organizations:organization_export"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.EXPORT_BACKGROUND_ROWS = 3


@pytest.fixture
def orgs(tree):
    law = IndustryFactory(name="法律服务")
    made = [
        OrganizationFactory(
            name=f"民治法律服务中心{index}",
            region=tree["community_a1"],
            industry=law,
            contact_phone=f"1381234{index:04d}",
        )
        for index in range(5)
    ]
    OrganizationFactory(
        name='=HYPERLINK("http://evil")恶意名称', region=tree["community_a2"], industry=law, address="旧\x01地址"
    )
    OrganizationFactory(name="观澜某组织", region=tree["community_b1"], industry=law)
    return made


def start(client, params=None):
    response = client.get(reverse(EXPORT), params or {})
    assert response.status_code == 302, response.content[:300]
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("registry:export_job", args=[job.pk])
    return job


def run(job):
    export_jobs.export_run(job=ExportJob.objects.select_related("user").get(pk=job.pk))
    job.refresh_from_db()
    return job


def download(client, job):
    response = client.get(reverse("registry:export_download", args=[job.pk]))
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content)
    assert len(content) == job.file_size
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)], workbook


def test_a_list_under_the_threshold_is_written_within_the_request(client, orgs, street_a_user, settings):
    settings.EXPORT_BACKGROUND_ROWS = 100
    client.force_login(street_a_user)
    response = client.get(reverse(EXPORT))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()
    assert AccessLog.objects.filter(action="export").count() == 1


def test_a_large_list_becomes_a_job_the_worker_writes_with_progress(client, orgs, district_admin):
    client.force_login(district_admin)
    job = start(client, {"q": "民治", "sort": "-name"})
    assert (job.status, job.exporter, job.user) == (ExportStatus.QUEUED, "list", district_admin)
    assert job.options == {"view": EXPORT, "query": "q=%E6%B0%91%E6%B2%BB&sort=-name"}
    assert job.description == {"搜索": "民治"}
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "registry.export_jobs.run_export" and job.task_id == str(queued.id)

    page = client.get(reverse("registry:export_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队等待生成" in page
    status = client.get(reverse("registry:export_job_status", args=[job.pk]))
    assert "HX-Refresh" not in status

    job = run(job)
    assert (job.status, job.row_count, job.progress_done, job.progress_total) == (ExportStatus.DONE, 5, 5, 5)
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=24)
    assert client.get(reverse("registry:export_job_status", args=[job.pk]))["HX-Refresh"] == "true"
    page = client.get(reverse("registry:export_job", args=[job.pk])).content.decode()
    assert reverse("registry:export_download", args=[job.pk]) in page and "仅您本人可以下载" in page
    # nothing has left the server yet: no access log row until the download
    assert not AccessLog.objects.filter(action="export").exists()

    rows, workbook = download(client, job)
    header = rows[0]
    assert header == [c.label for c in ORGANIZATION_TABLE.export_columns]
    assert [r[header.index("名称")] for r in rows[1:]] == [f"民治法律服务中心{i}" for i in (4, 3, 2, 1, 0)]
    assert rows[1][header.index("联系电话")] == "13812340004"  # the district admin sees numbers in clear
    # a date, not text, in Shanghai time
    updated = timezone.localtime(orgs[4].updated_at).replace(tzinfo=None)
    assert abs(rows[1][header.index("更新时间")] - updated) < datetime.timedelta(seconds=1)
    about = dict(workbook["导出说明"].iter_rows(values_only=True))
    assert (about["行数"], about["筛选条件"]) == (5, "搜索：民治")
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.fields, log.target_model) == (district_admin, "联系电话", "organizations.Organization")
    assert log.detail["count"] == 5 and sorted(log.detail["ids"]) == sorted(o.pk for o in orgs)
    assert log.detail["personal_in_clear"] is True and log.detail["rows"] == 5
    assert log.ip_address  # the downloading request's address
    download(client, job)
    assert AccessLog.objects.filter(action="export").count() == 2  # each time the file leaves


def test_a_street_user_gets_their_street_masked_and_the_cells_made_safe(client, orgs, street_a_user):
    client.force_login(street_a_user)
    job = run(start(client))
    rows, workbook = download(client, job)
    header = rows[0]
    names = [r[header.index("名称")] for r in rows[1:]]
    assert len(names) == 6 and "观澜某组织" not in names  # scoped: never another street's
    # never a formula: a leading apostrophe; the control character is dropped so the file opens
    evil = rows[1 + names.index('\'=HYPERLINK("http://evil")恶意名称')]
    assert evil[header.index("住所")] == "旧地址"
    assert rows[1 + names.index("民治法律服务中心3")][header.index("联系电话")] == "138****0003"
    assert dict(workbook["导出说明"].iter_rows(values_only=True))["个人信息"] == "已脱敏"
    log = AccessLog.objects.get(action="export")
    assert log.detail["personal_in_clear"] is False


def test_the_file_is_its_owners_alone(client, orgs, street_a_user, street_b_user, tree):
    client.force_login(street_a_user)
    job = run(start(client))
    colleague = UserFactory(username="same_street", region=tree["street_a"], role="街道工作人员")
    for other in (colleague, street_b_user):
        client.force_login(other)
        for name in ("export_job", "export_job_status", "export_download"):
            response = client.get(reverse(f"registry:{name}", args=[job.pk]))
            assert response.status_code == 404, (other, name)
        listing = client.get(reverse("registry:export_list")).content.decode()
        assert reverse("registry:export_job", args=[job.pk]) not in listing
    assert not AccessLog.objects.filter(action="export").exists()
    client.force_login(street_a_user)
    listing = client.get(reverse("registry:export_list")).content.decode()
    assert reverse("registry:export_download", args=[job.pk]) in listing


def test_an_expired_file_is_a_chinese_page_and_the_upkeep_deletes_it(client, orgs, street_a_user):
    client.force_login(street_a_user)
    job = run(start(client))
    assert ExportFileChunk.objects.filter(job=job).exists()
    # 24 hours later (moved on the job, not the clock: the session would expire too)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(reverse("registry:export_download", args=[job.pk]))
    assert response.status_code == 410 and "已删除" in response.content.decode()
    call_command("prune_exports", verbosity=0)
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not ExportFileChunk.objects.filter(job=job).exists()
    assert client.get(reverse("registry:export_download", args=[job.pk])).status_code == 410
    assert "已过保留期限" in client.get(reverse("registry:export_job", args=[job.pk])).content.decode()
    assert not AccessLog.objects.filter(action="export").exists()


def test_a_failure_ends_the_job_with_a_chinese_message(client, orgs, street_a_user, monkeypatch):
    client.force_login(street_a_user)
    job = start(client)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "write_xlsx", broken)
    with pytest.raises(RuntimeError):  # the worker logs it; the job says it failed
        run(job)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.message == export_jobs.FAILED_MESSAGE
    page = client.get(reverse("registry:export_job", args=[job.pk])).content.decode()
    assert "导出失败" in page and "hx-trigger" not in page
    assert client.get(reverse("registry:export_download", args=[job.pk])).status_code == 302


def test_the_job_runs_with_the_owners_rights_of_now(client, orgs, street_a_user):
    client.force_login(street_a_user)
    withdrawn, deactivated = start(client), start(client)
    street_a_user.groups.clear()
    assert run(withdrawn).status == ExportStatus.FAILED
    assert "权限" in withdrawn.message
    street_a_user.is_active = False
    street_a_user.save()
    assert run(deactivated).message == export_jobs.INACTIVE_MESSAGE


def test_a_job_whose_worker_died_is_shown_failed(client, orgs, street_a_user):
    client.force_login(street_a_user)
    job = start(client)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    page = client.get(reverse("registry:export_job", args=[job.pk])).content.decode()
    assert "后台处理已中断" in page
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED


def test_starting_a_job_costs_the_same_queries_at_any_size(client, tree, street_a_user):
    client.force_login(street_a_user)
    client.get(reverse("registry:dashboard"))  # the session is read once for all
    counts = []
    for size in (6, 18):
        while Organization.objects.count() < size:
            OrganizationFactory(region=tree["community_a1"])
        with CaptureQueriesContext(connection) as captured:
            start(client)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    # session, user, permissions, filter choices, the capped count, the job, the task row, and whether the
    # stored coverage the list's flags come from holds for today (one indexed read)
    assert counts[0] <= 16, [q["sql"][:150] for q in captured]

"""The writer (registry.exporting.write_xlsx) on any Exporter, and the list's fast rows (model_rows)."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from organizations.selectors import organization_list
from organizations.tables import ORGANIZATION_TABLE
from registry.exporters import ChartSpec, Exporter, Sheet, SheetColumn, column_reader, model_rows
from registry.exporting import write_xlsx
from registry.models import AccessLog, ExportJob, ExportStatus
from tests.factories import IndustryFactory, OrganizationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


class FiguresExporter(Exporter):
    identifier = "test_figures"
    name = "测试统计"

    def sheets(self):
        columns = [SheetColumn("街道", width=12), SheetColumn("覆盖率", number_format="0.0%"), SheetColumn("家数")]
        rows = [["民治街道", 0.5, 10], ["观澜街道", 0.25, Decimal("4")]]
        yield Sheet(
            title="覆盖率:按街道/2026",
            columns=columns,
            rows=iter(rows),
            total=2,
            chart=ChartSpec(kind="column", title="组织覆盖率", category_column=0, value_columns=(1,), percent=True),
            notes=["2026年 · 龙华区"],
        )
        yield Sheet(title="空表", columns=[SheetColumn("日期")], rows=[[datetime.date(2026, 2, 28)]])

    def describe(self):
        return {"年度": "2026"}


def test_a_multi_sheet_exporter_with_a_native_chart(district_admin):
    target = io.BytesIO()
    ticks = []
    outcome = write_xlsx(FiguresExporter(user=district_admin), target, progress=ticks.append)
    assert outcome.rows == 3 and outcome.sheets == [("覆盖率按街道2026", 2), ("空表", 1)]
    assert sum(ticks) == 3
    names = zipfile.ZipFile(io.BytesIO(target.getvalue())).namelist()
    assert "xl/charts/chart1.xml" in names  # a native chart, drawn by Excel from the cells
    chart = zipfile.ZipFile(io.BytesIO(target.getvalue())).read("xl/charts/chart1.xml").decode()
    assert "$A$4:$A$5" in chart and "$B$4:$B$5" in chart  # over the sheet's own rows, below the note
    workbook = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    assert workbook.sheetnames == ["覆盖率按街道2026", "空表", "导出说明"]
    sheet = workbook["覆盖率按街道2026"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["2026年 · 龙华区", None, None],
        [None, None, None],
        ["街道", "覆盖率", "家数"],
        ["民治街道", 0.5, 10],
        ["观澜街道", 0.25, 4],
    ]
    assert sheet["B4"].number_format == "0.0%"
    assert workbook["空表"]["A2"].value == datetime.datetime(2026, 2, 28)
    about = dict(workbook["导出说明"].iter_rows(values_only=True))
    assert (about["筛选条件"], about["行数"]) == ("年度：2026", 3)
    assert outcome.access_entries[0]["model"] == ""  # figures: logged, naming no records


def test_the_fast_rows_read_exactly_what_the_instances_read(tree, district_admin):
    law = IndustryFactory(name="法律服务")
    for index in range(4):
        organization = OrganizationFactory(
            name=f"民治{index}", region=tree["community_a1"] if index % 2 else tree["street_a"], industry=law
        )
        if index % 2:
            SurveyFactory(organization=organization, staff_count=10 + index)
    OrganizationFactory(name="无行业", region=tree["community_b1"], industry=None)
    queryset = organization_list(user=district_admin).order_by("pk")
    columns = ORGANIZATION_TABLE.export_columns
    for clear in (True, False):
        readers = [column_reader(c, Organization, clear=clear) for c in columns]
        fast = [[read(obj) for read in readers] for obj in model_rows(queryset, chunk_size=2)]
        slow = [[c.value(obj, clear_personal=clear) for c in columns] for obj in queryset]
        assert fast == slow
    assert len(fast) == 5 and "未摸底" in fast[0]


def test_the_worker_writes_a_queued_export(transactional_db, tree, street_a_user, settings):
    """The whole path: the request queues, manage.py db_worker runs the task, the owner downloads."""
    settings.EXPORT_BACKGROUND_ROWS = 1
    for index in range(3):
        OrganizationFactory(name=f"民治组织{index}", region=tree["community_a1"])
    client = Client()
    client.force_login(street_a_user)
    started = timezone.now()
    response = client.get(reverse("organizations:organization_export"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("registry:export_job", args=[job.pk])
    assert timezone.now() - started < datetime.timedelta(seconds=5)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.row_count) == (ExportStatus.DONE, 3)
    response = client.get(reverse("registry:export_download", args=[job.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0].max_row == 4
    assert AccessLog.objects.get(action="export").detail["count"] == 3

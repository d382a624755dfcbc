"""The 统计报表 page and its workbook: period and scope read or refused in Chinese, a chart on every topic sheet,
the briefing with its year-earlier comparison, and a query count that does not grow with the data."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.briefing import change
from reports.periods import Period
from tests.factories import (
    ActivityFactory,
    AssignmentFactory,
    IndustryFactory,
    LiaisonFactory,
    OpinionFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    ProposalFactory,
    RepresentativeFactory,
    last_year,
    local_datetime,
)
from tests.reports.helpers import workbook_bytes

pytestmark = pytest.mark.django_db


def make_records(tree, size: int):
    """``size`` of everything in each street: organizations (half covered), people, activities in March of last
    year and the year before, proposals and opinions."""
    industry = IndustryFactory(name="社会服务")
    year = last_year()
    for street, community in (("street_a", "community_a1"), ("street_b", "community_b1")):
        organizations = [
            OrganizationFactory(
                region=tree[community],
                industry=industry if i % 2 else None,
                rating="3A" if i % 3 else "",
                rating_year=year - 1 if i % 3 else None,
            )
            for i in range(size)
        ]
        party = PartyOrganizationFactory(region=tree[street])
        party.organizations.add(*organizations[: size // 2])
        liaison = LiaisonFactory(region=tree[street])
        AssignmentFactory(liaison=liaison, organization=organizations[-1], role="party_liaison")
        for i in range(size):
            RepresentativeFactory(region=tree[community], status="admitted" if i % 4 else "candidate")
            ActivityFactory(
                region=tree[community],
                organizations=organizations[i : i + 1],
                start_at=local_datetime(year, 3, 10 + i % 10, 9),
                headcount=100,
                donation_amount=Decimal("2500.50"),
            )
            ActivityFactory(region=tree[community], start_at=local_datetime(year - 1, 3, 5, 9), headcount=80)
            ProposalFactory(region=tree[community], submitted_on=datetime.date(year, 3, 20))
            OpinionFactory(region=tree[community], submitted_on=datetime.date(year, 3, 21))


@pytest.fixture
def records(tree):
    make_records(tree, 4)
    return tree


def download(client, query: str) -> bytes:
    return workbook_bytes(client, query)


def charts_per_sheet(content: bytes) -> dict[str, int]:
    """{sheet name: charts drawn on it}, read from the xlsx parts: workbook → sheet → drawing → chart."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', archive.read("xl/workbook.xml").decode())
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', archive.read("xl/_rels/workbook.xml.rels").decode()))
    result = {}
    for name, rid in names:
        sheet = rels[rid].split("/")[-1]
        rels_path = f"xl/worksheets/_rels/{sheet}.rels"
        count = 0
        if rels_path in archive.namelist():
            for drawing in re.findall(r'Target="\.\./drawings/([^"]+)"', archive.read(rels_path).decode()):
                drawing_rels = archive.read(f"xl/drawings/_rels/{drawing}.rels").decode()
                charts = re.findall(r'Target="\.\./charts/(chart\d+\.xml)"', drawing_rels)
                assert all(f"xl/charts/{chart}" in archive.namelist() for chart in charts)
                count += len(charts)
        result[name] = count
    return result


def test_the_district_workbook_has_a_cover_and_a_chart_on_every_topic_sheet(client, records, analyst):
    client.force_login(analyst)
    year = last_year()
    content = download(client, f"period=month&month={year}-03")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "封面"
    expected = {
        *(f"两个覆盖（按{by}）" for by in ("区域", "行业")),
        *(f"社会组织（按{by}）" for by in ("组织类型", "行业类别", "评估等级", "登记状态")),
        *(f"代表人士（按{by}）" for by in ("群体", "政治面貌", "学历", "年龄段", "性别", "民族", "入库状态")),
        *("活动（按月）", "活动（按类型）", "建言（按状态）", "社情民意（按类别）", "社情民意（按状态）"),
    }
    assert book.sheetnames[-1] == "导出说明"  # the writer's own last sheet, as on every export
    assert set(book.sheetnames[1:-1]) == expected
    charts = charts_per_sheet(content)
    assert charts["封面"] == 0 and charts["导出说明"] == 0 and all(charts[name] == 1 for name in expected), charts
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert cover["统计期间"].startswith(f"{year}年3月") and cover["统计范围"] == "龙华区"
    assert analyst.username in cover["导出人"]
    # 8 activities with 100 人次 and 2500.50 元 each; the year before, 8 with 80 人次
    assert cover["简报"] == (
        f"{year}年3月，全区8家社会组织开展志愿服务8场、800人次，服务时长480小时，受益800人次，捐赠2.00万元。"
        f"与上年同期（{year - 1}年3月）相比，活动场次与上年同期持平，参与人次同比增长25.0%，服务时长与上年同期持平。"
    )
    coverage = [
        row for row in book["两个覆盖（按区域）"].iter_rows(values_only=True) if row[0] in ("民治街道", "观澜街道")
    ]
    assert [row[:6] for row in coverage] == [("民治街道", 4, 2, 0.5, 3, 0.75), ("观澜街道", 4, 2, 0.5, 3, 0.75)]
    months = [row for row in book["活动（按月）"].iter_rows(values_only=True) if row[0] == f"{year}年3月"]
    assert months[0][:4] == (f"{year}年3月", 8, 8, 800)


def test_a_street_sees_its_own_street_and_may_choose_a_community(client, records, street_a_user):
    client.force_login(street_a_user)
    year = last_year()
    page = client.get(f"/reports/?period=year&year={year}")
    assert page.status_code == 200
    assert "民治街道8家社会组织" not in page.content.decode()  # 4 organizations of the street held its activities
    assert "民治街道4家社会组织开展志愿服务4场、400人次" in page.content.decode()
    community = records["community_a1"].pk
    book = openpyxl.load_workbook(io.BytesIO(download(client, f"period=year&year={year}&region={community}")))
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert cover["统计范围"].endswith("民治1社区")
    # another street's region is no record of this user's: 404, not a message that it exists
    assert client.get(f"/reports/?period=year&year={year}&region={records['street_b'].pk}").status_code == 404
    assert client.get(f"/reports/workbook/?period=year&year={year}&region={records['street_b'].pk}").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=month&month=2022-13", "月份请按“2022-03”的格式填写。"),
        ("period=year&year=abc", "年度请填写四位数字"),
        ("period=quarter&year=2022", "请选择季度。"),
        ("period=range&date_from=2022-05-01&date_to=2022-03-01", "结束日期不能早于开始日期。"),
        ("period=year&year=1900", "年度须在2000年至"),
        ("period=weekly", "选择一个有效的选项"),
    ],
)
def test_unreadable_periods_are_named_in_chinese(client, records, analyst, query, message):
    client.force_login(analyst)
    page = client.get(f"/reports/?{query}")
    assert page.status_code == 200 and message in page.content.decode()
    assert client.get(f"/reports/workbook/?{query}").status_code == 400
    assert client.get(f"/reports/?{query}&region=abc").status_code == 404


def test_only_those_who_may_export_see_the_page(client, records, viewer):
    client.force_login(viewer)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/workbook/").status_code == 403
    assert "统计报表" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("period", "label", "earlier", "months"),
    [
        (Period.year(2022), "2022年", "2021年", 12),
        (Period.quarter(2022, 1), "2022年第一季度", "2021年第一季度", 3),
        (Period.month(2024, 2), "2024年2月", "2023年2月", 1),
        (Period("range", datetime.date(2024, 2, 29), datetime.date(2024, 4, 3)), "2024年2月29日至2024年4月3日",
         "2023年2月28日至2023年4月3日", 3),
    ],
)  # fmt: skip
def test_periods_read_as_reports_write_them(period, label, earlier, months):
    assert period.label == label and period.year_earlier().label == earlier and len(period.months()) == months
    slices = period.month_slices()
    assert slices[0].start == period.start and slices[-1].end == period.end


def test_change_is_said_as_the_briefings_say_it():
    assert change(Decimal("26300"), Decimal("20000")) == "同比增长31.5%"
    assert change(90, 100) == "同比下降10.0%"
    assert change(5, 5) == "与上年同期持平"


def test_the_page_and_workbook_queries_do_not_grow_with_the_records(client, tree, analyst):
    """The same number of queries for 2 and for 8 of everything per street (and under a fixed ceiling)."""
    client.force_login(analyst)
    query = f"period=year&year={last_year()}"
    counts = []
    for size in (2, 6):
        make_records(tree, size)
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/reports/?{query}").status_code == 200
        with CaptureQueriesContext(connection) as workbook:
            download(client, query)
        counts.append((len(page), len(workbook)))
    assert counts[0] == counts[1], counts
    # the workbook's count covers the whole round: the request starting the job, the worker, the download
    assert counts[0][0] <= 60 and counts[0][1] <= 80, counts


def test_a_workbook_job_runs_with_its_owners_rights_of_now(client, records, analyst):
    """The worker asks the workbook whether its owner may still pull statistics, as it asks every exporter."""
    from registry import export_jobs
    from registry.models import ExportJob, ExportStatus

    client.force_login(analyst)
    assert client.get(f"/reports/workbook/?period=year&year={last_year()}").status_code == 302
    job = ExportJob.objects.latest("pk")
    analyst.groups.clear()
    analyst.user_permissions.clear()
    export_jobs.export_run(job=ExportJob.objects.select_related("user").get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.message == "未导出：您已没有导出统计报表的权限。"

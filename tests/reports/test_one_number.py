"""One number, everywhere: on the demo, every figure of the 工作台, the 两个覆盖 page, the 入库概况, the 统计报表
page and the workbook is the count of the list it links to (same filters) and the row count of that list's export,
for the district admin and for a street. The demo is built once for the whole walk (~40 s)."""

import html
import io
import re
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.urls import resolve, reverse

from registry.exporting import write_xlsx
from registry.models import User
from reports.exporters import StatisticsWorkbook
from reports.periods import Period
from reports.statistics import LABEL
from tests.reports.helpers import workbook_bytes

pytestmark = pytest.mark.django_db

FIGURE_LINK = re.compile(r'<a href="([^"]+)" data-figure="(\d+)"')
MARCH_2022 = "period=month&month=2022-03"


def export_rows(client, href: str) -> int:
    """Rows of the list's own 导出Excel with the same query (its first sheet, less the header)."""
    parts = urlsplit(href)
    match = resolve(parts.path)
    export = reverse(f"{match.namespace}:{match.url_name.removesuffix('_list')}_export")
    response = client.get(f"{export}?{parts.query}")
    assert response.status_code == 200, href
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return sum(1 for _ in book.worksheets[0].iter_rows(min_row=2, values_only=True))


class Walk:
    """Each (list address → count) checked once: its list's count and its export's rows."""

    def __init__(self, client):
        self.client = client
        self.lists: dict[str, tuple[int, int]] = {}
        self.wrong: list = []
        self.figures = 0

    def check(self, where: str, href: str, figure: int) -> None:
        self.figures += 1
        if href not in self.lists:
            response = self.client.get(href)
            assert response.status_code == 200, href
            assert not response.context["filterset"].error_messages, (
                href,
                response.context["filterset"].error_messages,
            )
            self.lists[href] = (response.context["page"].count, export_rows(self.client, href))
        count, rows = self.lists[href]
        if not figure == count == rows:
            self.wrong.append((where, href, figure, count, rows))

    def page(self, url: str, *, at_least: int) -> None:
        response = self.client.get(url)
        assert response.status_code == 200, url
        links = FIGURE_LINK.findall(response.content.decode())
        assert len(links) >= at_least, (url, len(links))
        for href, figure in links:
            self.check(url, html.unescape(href), int(figure))


@pytest.mark.parametrize(("username", "at_least"), [("quadmin", 120), ("minzhi", 80)])
def test_every_figure_is_its_lists_count_and_its_exports_rows(client, demo, username, at_least):
    user = User.objects.get(username=username)
    client.force_login(user)
    walk = Walk(client)
    walk.page("/", at_least=5)
    walk.page("/organizations/coverage/", at_least=10)
    walk.page("/talents/overview/", at_least=10)
    walk.page(f"/reports/?{MARCH_2022}", at_least=at_least)
    # the workbook: each figure of each sheet is the page's (same topics), whose links were walked above
    workbook = StatisticsWorkbook(user=user, period=Period.year(2022))
    spool = io.BytesIO()
    write_xlsx(workbook, spool)
    book = openpyxl.load_workbook(spool)
    for topic in workbook.topics():
        sheet = book[topic.title]
        rows = list(sheet.iter_rows(values_only=True))
        header = next(index for index, row in enumerate(rows) if row[0] == topic.columns[0].label)
        table = rows[header + 1 :]
        assert len(table) == len(topic.rows), topic.title
        for written, row in zip(table, topic.rows, strict=True):
            assert written[0] == row[LABEL]
            for index, column in enumerate(topic.columns[1:], start=1):
                expected = row.get(column.key)
                wanted = None if expected is None else pytest.approx(float(expected), rel=1e-12)
                assert written[index] == wanted, (topic.title, row)
                if column.kind == "count" and row["urls"].get(column.key):
                    walk.check(topic.title, row["urls"][column.key], expected)
    assert walk.wrong == []
    assert walk.figures >= 2 * at_least
    print(f"{username}: {walk.figures} figures over {len(walk.lists)} lists")


def test_the_march_2022_briefing_reads_the_articles_figures_from_records(client, demo):
    client.force_login(User.objects.get(username="fenxi"))
    page = client.get(f"/reports/?{MARCH_2022}").content.decode()
    sentence = re.search(r'data-testid="reports-briefing">([^<]+)<', page).group(1)
    assert sentence.startswith("2022年3月，全区198家社会组织开展志愿服务")
    assert "2.63万人次" in sentence and "捐赠158.31万元" in sentence
    assert "上年同期（2021年3月）" in sentence
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(client, MARCH_2022)))
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True) if row[0]}
    assert cover["简报"] == html.unescape(sentence)


def test_the_dashboard_and_the_workbook_give_the_same_coverage(client, demo):
    """The 工作台's 两个覆盖 panel and the workbook's sheet are one selector: the same totals."""
    user = User.objects.get(username="quadmin")
    client.force_login(user)
    page = client.get("/").content.decode()
    rates = re.findall(
        r'<div class="stat-value">([\d.]+%)</div>\s*<div class="stat-label">(组织覆盖率|工作覆盖率)', page
    )
    topics = {topic.key: topic for topic in StatisticsWorkbook(user=user, period=Period.year(2022)).topics()}
    rows = topics["coverage_by_region"].rows
    total = sum(row["total"] for row in rows)
    org = sum(row["org_covered"] for row in rows)
    work = sum(row["work_covered"] for row in rows)
    assert {label: value for value, label in rates} == {
        "组织覆盖率": f"{100 * org / total:.1f}%",
        "工作覆盖率": f"{100 * work / total:.1f}%",
    }

"""The statistics workbook as an exporter: a cover sheet, then one sheet per topic, each a table and a native chart."""

from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from organizations.selectors import scope_root
from registry.exporters import Exporter, Sheet, SheetColumn, register
from registry.models import Region

from .briefing import briefing
from .periods import Period
from .permissions import may_pull_statistics
from .statistics import Topic, statistics

NUMBER_FORMATS = {"count": "#,##0", "number": "#,##0.##", "money": "#,##0.00", "rate": "0.0%"}


def place_name(region) -> str:
    return region.full_name if region is not None else "全部区域"


def topic_sheet(topic: Topic) -> Sheet:
    columns = [
        SheetColumn(column.label, width=column.width, number_format=NUMBER_FORMATS.get(column.kind))
        for column in topic.columns
    ]
    rows = [[row.get(column.key) for column in topic.columns] for row in topic.rows]
    return Sheet(
        title=topic.title[:31],
        columns=columns,
        rows=rows,
        total=len(rows),
        chart=topic.chart,
        notes=topic.notes,
        print_fit=True,
    )


@register
class StatisticsWorkbook(Exporter):
    """options: ``period`` (Period.query(): the page's own query) and ``region`` (a region id inside the user's
    scope; none for the whole scope). A region outside the scope reads as the whole scope is never assumed: the
    view refuses it (404) before an exporter is made."""

    identifier = "statistics"
    name = "统计报表"

    def __init__(self, *, user, options: dict | None = None, period: Period | None = None, region=None):
        super().__init__(user=user, options=options)
        self.period = period or period_from_options(self.options)
        if region is None and self.options.get("region"):
            region = Region.objects.visible_to(user).get(pk=self.options["region"])
        self.region = region if region is not None else scope_root(user=user)
        # what the task worker needs to make the same workbook for the same user (registry.export_jobs)
        self.options = {"period": self.period.query(), "region": region.pk if region is not None else ""}

    @property
    def title(self) -> str:
        return f"{place_name(self.region)}统计报表（{self.period.label}）"

    def check_allowed(self) -> None:
        if not may_pull_statistics(self.user):
            raise PermissionDenied("您已没有导出统计报表的权限。")

    def describe(self) -> dict[str, str]:
        return {"统计期间": self.period.label, "统计范围": place_name(self.region)}

    def cover(self) -> Sheet:
        summary = briefing(user=self.user, period=self.period, region=self.region)
        rows = [
            ["统计期间", f"{self.period.label}（{self.period.start:%Y-%m-%d} 至 {self.period.end:%Y-%m-%d}）"],
            ["统计范围", place_name(self.region)],
            ["导出人", f"{self.user.display_name}（{self.user.get_username()}）"],
            ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        ]
        if summary is not None:
            rows.append(["简报", summary.paragraph])
        rows.append(
            ["说明", "社会组织、代表人士与两个覆盖为导出日的现状；活动、建言与社情民意按统计期间。每张表附图表。"]
        )
        return Sheet(
            title="封面",
            columns=[SheetColumn("项目", width=12), SheetColumn("内容", width=90, wrap=True)],
            print_fit=True,
            rows=rows,
            total=len(rows),
            notes=[f"{place_name(self.region)}统战工作统计报表（{self.period.label}）"],
        )

    def topics(self) -> list[Topic]:
        return statistics(user=self.user, period=self.period, region=self.region)

    def sheets(self) -> Iterator[Sheet]:
        yield self.cover()
        for topic in self.topics():
            yield topic_sheet(topic)


def period_from_options(options: dict) -> Period:
    from .forms import StatisticsForm

    form = StatisticsForm(options.get("period") or {}, user=None)
    if not form.is_valid():
        raise ValueError("；".join(error for errors in form.errors.values() for error in errors))
    return form.period_value()

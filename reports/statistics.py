"""The statistics of a period and a scope, topic by topic: one table each, every figure from a domain selector.

The page shows these topics (each count linking to the list it counts), the workbook writes them one sheet each
with a native chart, and the 工作台 draws from the same selectors — so a number reads the same everywhere.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from activities import figures as activity_figures
from activities.choices import ActivityKind
from activities.selectors import activity_figures as figures_of
from activities.selectors import activity_figures_by_kind, activity_figures_by_month
from organizations import coverage
from organizations.selectors import BREAKDOWNS, organization_breakdown
from proposals.selectors import item_breakdown
from registry.exporters import ChartSpec
from talents.selectors import POOL_BREAKDOWNS, pool_breakdown

from .periods import Period


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # "label", "count" (records of a list: the figure), "number", "money", "rate" (0–1)
    width: int = 12


@dataclass
class Topic:
    """One table: its rows are dicts by column key; ``urls`` gives, per row, the list behind each count."""

    key: str
    title: str  # the sheet's name (≤ 31 characters)
    columns: list[Column]
    rows: list[dict]
    chart: ChartSpec
    notes: list[str] = field(default_factory=list)
    section: str = ""

    def cells(self, row: dict) -> list[dict]:
        """The row as the page shows it: text, and the list a count links to (data-figure)."""
        urls = row.get("urls", {})
        result = []
        for column in self.columns:
            value = row.get(column.key)
            result.append(
                {
                    "text": display(value, column.kind),
                    "url": urls.get(column.key),
                    "figure": value if column.kind == "count" and urls.get(column.key) else None,
                    "numeric": column.kind != "label",
                }
            )
        return result


def display(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{100 * value:.1f}%"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind in ("count", "number"):
        return f"{value:,}" if isinstance(value, int) else f"{Decimal(value).normalize():,f}"
    return str(value)


LABEL = "label"


def _counts_topic(key, title, label, rows, *, section, notes=(), kind="column") -> Topic:
    columns = [Column(LABEL, label, "label", 24), Column("count", "数量")]
    table = [{LABEL: row["label"], "count": row["count"], "urls": {"count": row.get("url")}} for row in rows]
    chart = ChartSpec(kind=kind, title=title, category_column=0, value_columns=(1,))
    return Topic(key, title, columns, table, chart, list(notes), section)


COVERAGE_COLUMNS = [
    Column("total", "社会组织（家）"),
    Column("org_covered", "组织覆盖（家）"),
    Column("org_rate", "组织覆盖率", "rate"),
    Column("work_covered", "工作覆盖（家）"),
    Column("work_rate", "工作覆盖率", "rate"),
]
SNAPSHOT_NOTE = "截至导出日的现状（不随统计期间变化）。"


def _coverage_topic(key, title, label, rows) -> Topic:
    table = [
        {
            LABEL: row.label,
            "total": row.total,
            "org_covered": row.org_covered,
            "org_rate": row.org_covered / row.total if row.total else None,
            "work_covered": row.work_covered,
            "work_rate": row.work_covered / row.total if row.total else None,
            "urls": {"total": row.total_url, "org_covered": row.org_covered_url, "work_covered": row.work_covered_url},
        }
        for row in rows
    ]
    chart = ChartSpec(kind="bar", title=f"{title}：覆盖率", category_column=0, value_columns=(3, 5), percent=True)
    columns = [Column(LABEL, label, "label", 24), *COVERAGE_COLUMNS]
    return Topic(key, title, columns, table, chart, [SNAPSHOT_NOTE], "两个覆盖")


ACTIVITY_COLUMNS = [
    Column("activities", "活动（场）"),
    Column("organizations", "社会组织（家）", "number"),
    Column("headcount", "参与人次", "number"),
    Column("service_hours", "服务时长（小时）", "number", 14),
    Column("beneficiaries", "受益人次", "number"),
    Column("donation_amount", "捐赠金额（元）", "money", 16),
]
ACTIVITY_NOTE = "只计已开展的活动，按上海时间的开始时间归入期间；社会组织按组织单位去重。"


def _activity_row(label: str, figures, url: str) -> dict:
    row = {LABEL: label, "urls": {"activities": url}}
    row.update({column.key: getattr(figures, column.key) for column in ACTIVITY_COLUMNS})
    return row


def activity_data(region) -> dict:
    return {"region": str(region.pk)} if region is not None else {}


def _activity_topics(*, user, period: Period, region) -> list[Topic]:
    place = activity_data(region)
    by_month = []
    if period.kind == "year":  # the whole year in four queries, as the 月度统计 page reads it
        year = period.start.year
        data = {**place, "kind": ""}
        for month, figures in activity_figures_by_month(user=user, filterset_data=data, year=year):
            month_data = {**data, **Period.month(year, month).activity_filters()}
            by_month.append(_activity_row(f"{year}年{month}月", figures, activity_figures.list_url(_lists(month_data))))
    else:
        for part in period.month_slices():
            data = {**place, "kind": "", **part.activity_filters()}
            _, figures = figures_of(user=user, filterset_data=data)
            label = f"{part.start.year}年{part.start.month}月"
            by_month.append(_activity_row(label, figures, activity_figures.list_url(_lists(data))))
    by_kind = []
    data = {**place, **period.activity_filters()}
    for kind, figures in activity_figures_by_kind(user=user, filterset_data=data):
        url = activity_figures.list_url(_lists({**data, "kind": kind}))
        by_kind.append(_activity_row(ActivityKind(kind).label, figures, url))
    columns = [Column(LABEL, "月份", "label", 14), *ACTIVITY_COLUMNS]
    kind_columns = [Column(LABEL, "活动类型", "label", 22), *ACTIVITY_COLUMNS]
    notes = [ACTIVITY_NOTE]
    return [
        Topic(
            "activities_by_month",
            "活动（按月）",
            columns,
            by_month,
            ChartSpec(kind="column", title="各月参与人次", category_column=0, value_columns=(3,)),
            notes,
            "活动",
        ),
        Topic(
            "activities_by_kind",
            "活动（按类型）",
            kind_columns,
            by_kind,
            ChartSpec(kind="bar", title="各类活动参与人次", category_column=0, value_columns=(3,)),
            notes,
            "活动",
        ),
    ]


def _lists(data: dict) -> dict[str, list[str]]:
    return {key: [value] for key, value in data.items()}


def _breakdown_topics(key, noun, labels: dict, breakdown, *, everyone: str, counted: str, pies) -> list[Topic]:
    """A counts topic per attribute: ``breakdown(by=…)`` rows, the ``status`` one over every record."""
    return [
        _counts_topic(
            f"{key}_by_{by}",
            f"{noun}（按{label}）",
            label,
            breakdown(by=by),
            section=noun,
            notes=[everyone if by == "status" else counted, SNAPSHOT_NOTE],
            kind="pie" if by in pies else "column",
        )
        for by, label in labels.items()
    ]


ITEM_TOPICS = [
    ("proposals_by_state", "建言（按状态）", "proposal", "state", "状态"),
    ("opinions_by_category", "社情民意（按类别）", "opinion", "category", "类别"),
    ("opinions_by_state", "社情民意（按状态）", "opinion", "state", "状态"),
]


def statistics(*, user, period: Period, region) -> list[Topic]:
    """Every topic of the workbook for ``period`` in ``region`` (None: the user's whole scope), as ``user`` sees it."""
    root = region
    topics = []
    if user.has_perm("organizations.view_organization"):
        if root is not None:
            topics.append(
                _coverage_topic(
                    "coverage_by_region",
                    "两个覆盖（按区域）",
                    "区域",
                    coverage.coverage_by_region(user=user, region=root),
                )
            )
        topics.append(
            _coverage_topic(
                "coverage_by_industry",
                "两个覆盖（按行业）",
                "行业",
                coverage.coverage_by_industry(user=user, region=root),
            )
        )
        topics.extend(
            _breakdown_topics(
                "organizations", "社会组织", BREAKDOWNS, partial(organization_breakdown, user=user, region=root),
                everyone="全部登记状态。", counted="正常登记的社会组织。", pies=("kind", "status"),
            )
        )  # fmt: skip
    if user.has_perm("talents.view_representative"):
        labels = {by: label for by, (label, _) in POOL_BREAKDOWNS.items()}
        topics.extend(
            _breakdown_topics(
                "representatives", "代表人士", labels, partial(pool_breakdown, user=user, region=root),
                everyone="全部未合并的记录。", counted="在库人员（入库及重点联系对象）。", pies=("gender", "status"),
            )
        )  # fmt: skip
    if user.has_perm("activities.view_activity"):
        topics.extend(_activity_topics(user=user, period=period, region=root))
    for key, title, kind, by, label in ITEM_TOPICS:
        if not user.has_perm(f"proposals.view_{kind}"):
            continue
        rows = item_breakdown(user=user, kind=kind, by=by, region=root, date_from=period.start, date_to=period.end)
        note = f"统计期间内提交的{title[: title.index('（')]}（按提交日期）。"
        topics.append(_counts_topic(key, title, label, rows, section="建言与社情民意", notes=[note]))
    return topics

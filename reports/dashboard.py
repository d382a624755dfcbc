"""The 工作台's trends (the last 12 months) and the 统计报表 menu entry, from the same selectors as the workbook."""

from django.urls import reverse
from django.utils import timezone

from activities.choices import ActivityKind
from activities.selectors import activity_sums_by_month
from organizations.selectors import (
    COVERAGE_TREND_NOTE,
    coverage_rates_by_month,
    month_ends,
    registrations_by_month,
    scope_root,
)
from registry.charts import bar_chart, line_chart
from registry.navigation import MenuItem, register_dashboard_panel, register_menu
from talents.selectors import POOL_TREND_NOTE, pool_size_by_month

from .permissions import STATISTICS_PERMISSION

TREND_MONTHS = 12


def last_months(count: int = TREND_MONTHS, today=None) -> list[tuple[int, int]]:
    """(year, month) of the last ``count`` months, the current one last (its figures are as of today)."""
    today = today or timezone.localdate()
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _region(user):
    """The whole scope of a restricted user; everything (None) for an unrestricted one."""
    root = scope_root(user=user)
    return root if root is not None and root.parent_id is not None else None


def _labels(months) -> list[str]:
    """“12月”, the year said where it starts (the first month and each January): “25年12月”, “26年1月”, “2月”…"""
    return [
        f"{year % 100:02d}年{month}月" if index == 0 or month == 1 else f"{month}月"
        for index, (year, month) in enumerate(months)
    ]


def _trend_panel(key: str, title: str, link: str, link_label: str, chart: dict, note: str) -> dict:
    return {
        "key": key,
        "group": "trends",
        "title": title,
        "link": reverse(link),
        "link_label": link_label,
        "chart_id": f"chart-{key.replace('_', '-')}",
        "chart": chart,
        "note": note,
    }


def _labelled(rows: list[dict], months) -> list[dict]:
    return [{**row, "label": label} for row, label in zip(rows, _labels(months), strict=True)]


def coverage_trend_panel(user) -> dict | None:
    if not user.has_perm("organizations.view_organization"):
        return None
    months = last_months()
    rows = _labelled(coverage_rates_by_month(user=user, region=_region(user), months=months), months)
    chart = line_chart(rows, series=(("组织覆盖率", "org_rate"), ("工作覆盖率", "work_rate")))
    chart.update(percent=True, max=100, labels=False)
    return _trend_panel(
        "coverage_trend", "两个覆盖率（各月末）", "organizations:coverage", "两个覆盖", chart, COVERAGE_TREND_NOTE
    )


def registrations_panel(user) -> dict | None:
    if not user.has_perm("organizations.view_organization"):
        return None
    months = last_months()
    rows = _labelled(registrations_by_month(user=user, region=_region(user), months=months), months)
    chart = bar_chart(rows, series=(("新登记", "count"),))
    note = "按登记日期计，含此后注销、撤销的组织。"
    return _trend_panel(
        "registrations_trend", "社会组织登记（每月新登记家数）", "organizations:organization_list", "名录", chart, note
    )


def pool_trend_panel(user) -> dict | None:
    if not user.has_perm("talents.view_representative"):
        return None
    months = last_months()
    sizes = pool_size_by_month(user=user, region=_region(user), month_ends=month_ends(months))
    chart = line_chart(_labelled([{"count": size} for size in sizes], months), series=(("在库人数", "count"),))
    chart.update(labels=False)
    return _trend_panel(
        "pool_trend", "代表人士在库人数（各月末）", "talents:overview", "入库概况", chart, POOL_TREND_NOTE
    )


def activity_trend_panel(user) -> dict | None:
    if not user.has_perm("activities.view_activity"):
        return None
    months = last_months()
    figures = activity_sums_by_month(user=user, filterset_data={"kind": ActivityKind.VOLUNTEER.value}, months=months)
    chart = bar_chart(
        _labelled([{"headcount": row.headcount} for row in figures], months), series=(("参与人次", "headcount"),)
    )
    note = "只计已开展的志愿服务，按上海时间的开始月份；各月场次、人次见“月度统计”。"
    return _trend_panel("activity_trend", "志愿服务（每月参与人次）", "activities:figures", "月度统计", chart, note)


def register() -> None:
    register_menu(
        "reports",
        "统计报表",
        80,
        MenuItem("统计报表（导出工作簿）", "reports:statistics", STATISTICS_PERMISSION, order=10),
    )
    register_dashboard_panel(50, coverage_trend_panel)
    register_dashboard_panel(51, registrations_panel)
    register_dashboard_panel(52, pool_trend_panel)
    register_dashboard_panel(53, activity_trend_panel)

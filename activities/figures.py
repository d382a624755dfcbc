"""月度统计: the monthly activity figures and their briefing sentence, for the page, the API and the workbook.

Every figure is an aggregate of the activity list's own rows (the same ActivityFilter, status 已开展), and every
count links to that list, so a number in a briefing can always be opened, checked and exported.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from registry.choices import RegionLevel
from registry.exporters import TableExporter
from registry.exporting import exporter_response
from registry.navigation import MenuItem, register_menu
from registry.permissions import may_export
from registry.tables import Column, Table

from . import selectors
from .choices import ActivityKind, ActivityStatus
from .models import Activity

DEFAULT_KIND = ActivityKind.VOLUNTEER  # the figure the articles report is 志愿服务; kind= (empty) is 全部类型
TEN_THOUSAND = Decimal("10000")


def last_full_month(today: datetime.date | None = None) -> str:
    """YYYY-MM of the month before the current Shanghai one: the month a report is written about."""
    today = today or timezone.localdate()
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{first:%Y-%m}"


def figure_filter_data(query) -> dict[str, list[str]]:
    """The filters the figures are asked for, with the page's defaults: the last full month, 志愿服务.

    A period (month, year or dates) or a kind the user sent, even an empty kind (全部类型), is kept as sent.
    """
    data = {key: query.getlist(key) if hasattr(query, "getlist") else [query[key]] for key in query}
    if not any(value for key in selectors.PERIOD_FILTERS for value in data.get(key, [])):
        data["month"] = [last_full_month()]
    data.setdefault("kind", [DEFAULT_KIND.value])
    return data


def _single(data: dict) -> dict:
    return {key: values[-1] if values else "" for key, values in data.items()}


def list_url(data: dict, **changes) -> str:
    """The activity list with exactly these filters and 已开展: the rows a figure was counted from."""
    query = {**_single(data), **{key: str(value) for key, value in changes.items()}, "status": ActivityStatus.HELD}
    return f"{reverse('activities:activity_list')}?{urlencode({k: v for k, v in query.items() if v})}"


def export_url(data: dict) -> str:
    return list_url(data).replace(reverse("activities:activity_list"), reverse("activities:activity_export"), 1)


# ---- numbers as the articles write them ----
def _plain(value) -> str:
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def in_wan(value, unit: str) -> str:
    """2.63万人次, 158.31万元 from ten thousand up; below it the exact number (856人次, 3500元)."""
    value = Decimal(value)
    if value >= TEN_THOUSAND:
        return f"{(value / TEN_THOUSAND).quantize(Decimal('0.01'), ROUND_HALF_UP)}万{unit}"
    return f"{_plain(value)}{unit}"


def period_label(cleaned: dict) -> str:
    if cleaned.get("month"):
        year, month = cleaned["month"]
        return f"{year}年{month}月"
    if cleaned.get("year"):
        return f"{cleaned['year']}年"
    start, end = cleaned.get("date_from"), cleaned.get("date_to")

    def day(value):
        return f"{value.year}年{value.month}月{value.day}日"

    if start and end:
        return f"{day(start)}至{day(end)}"
    if start:
        return f"{day(start)}以来"
    return f"截至{day(end)}" if end else "全部时间"


def place_label(region) -> str:
    if region is None or region.level in (RegionLevel.CITY, RegionLevel.DISTRICT):
        return "全区"
    return region.label


def briefing_sentence(*, figures, period: str, place: str, kind_label: str) -> str:
    """“2022年3月，观澜街道12家社会组织开展志愿服务35场、2.63万人次，服务时长……” (parts that are zero left out)."""
    # an activity held by the street itself, with no organization of the street among its organizers
    who = f"{place}{figures.organizations}家社会组织" if figures.organizations else place
    parts = [f"{period}，{who}开展{kind_label}{figures.activities}场、{in_wan(figures.headcount, '人次')}"]
    if figures.service_hours:
        parts.append(f"服务时长{in_wan(figures.service_hours, '小时')}")
    if figures.beneficiaries:
        parts.append(f"受益{in_wan(figures.beneficiaries, '人次')}")
    if figures.donation_amount:
        parts.append(f"捐赠{in_wan(figures.donation_amount, '元')}")
    if figures.goods_value:
        parts.append(f"物资折价{in_wan(figures.goods_value, '元')}")
    return "，".join(parts) + "。"


@dataclass
class FigureRow:
    """One row of a figures table: its label, figures and the list its count links to."""

    label: str
    figures: selectors.ActivityFigures
    url: str = ""


# the 12-month table's columns, for the page and the workbook (one spec)
FIGURE_COLUMNS = [
    Column("label", "月份", width=12),
    Column("activities", "活动（场）", accessor=lambda r: r.figures.activities, numeric=True, width=10),
    Column("organizations", "社会组织（家）", accessor=lambda r: r.figures.organizations, numeric=True, width=12),
    Column("headcount", "参与人次", accessor=lambda r: r.figures.headcount, numeric=True, width=10),
    Column("service_hours", "服务时长（小时）", accessor=lambda r: r.figures.service_hours, numeric=True, width=14),
    Column("beneficiaries", "受益人次", accessor=lambda r: r.figures.beneficiaries, numeric=True, width=10),
    Column("donation_amount", "捐赠金额（元）", accessor=lambda r: r.figures.donation_amount, numeric=True, width=16),
    Column("goods_value", "物资折价（元）", accessor=lambda r: r.figures.goods_value, numeric=True, width=16),
]
MONTHS_TABLE = Table(columns=FIGURE_COLUMNS, default_order=())


def _exact(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,f}" if value != value.to_integral_value() else f"{value:,.0f}"
    return f"{value:,}"


def figure_tiles(figures, url: str) -> list[dict]:
    """The big numbers: as the articles write them (万) and exact; each opens the list it was counted from.

    Only the activity count is that list's row count (data-figure); the sums are its columns' totals.
    """
    tiles = [
        {"label": "活动", "big": _exact(figures.activities), "unit": "场", "exact": "", "figure": figures.activities},
        {"label": "社会组织", "big": _exact(figures.organizations), "unit": "家", "exact": "", "figure": None},
    ]
    for name, label, unit in (
        ("headcount", "参与", "人次"),
        ("service_hours", "服务时长", "小时"),
        ("beneficiaries", "受益", "人次"),
        ("donation_amount", "捐赠", "元"),
        ("goods_value", "物资折价", "元"),
    ):
        value = getattr(figures, name)
        tiles.append(
            {"label": label, "big": in_wan(value, unit), "unit": "", "exact": f"{_exact(value)}{unit}", "figure": None}
        )
    for tile in tiles:
        tile["url"] = url
    return tiles


def table_rows(rows: list[FigureRow]) -> list[dict]:
    """A figures table for the page: the count links to its list, the other columns as the workbook has them."""
    return [
        {
            "label": row.label,
            "url": row.url,
            "count": row.figures.activities,
            "cells": [_exact(column.raw(row)) for column in FIGURE_COLUMNS[2:]],
        }
        for row in rows
    ]


def _year_of(cleaned: dict) -> int:
    if cleaned.get("month"):
        return cleaned["month"][0]
    if cleaned.get("year"):
        return int(cleaned["year"])
    day = cleaned.get("date_from") or cleaned.get("date_to") or timezone.localdate()
    return day.year


def figures_report(*, user, query, with_tables: bool = True) -> dict:
    """Everything the page, the API and the workbook show for ``query``: figures, sentence, tables, links."""
    data = figure_filter_data(query)
    filterset, figures = selectors.activity_figures(user=user, filterset_data=data)
    report = {"data": data, "filterset": filterset, "figures": figures, "errors": filterset.error_messages}
    if figures is None:
        return report
    cleaned = filterset.form.cleaned_data
    region = selectors.figure_organization_region(user=user, filterset=filterset)
    kind_label = ActivityKind(cleaned["kind"]).label if cleaned.get("kind") else "各类活动"
    if cleaned.get("theme"):
        kind_label = f"“{cleaned['theme'].name}”{kind_label}"
    period = period_label(cleaned)
    year = _year_of(cleaned)
    report.update(
        period=period,
        place=place_label(region),
        region=region,
        kind_label=kind_label,
        year=year,
        sentence=briefing_sentence(figures=figures, period=period, place=place_label(region), kind_label=kind_label),
        list_url=list_url(data),
        export_url=export_url(data),
    )
    if not with_tables:
        return report
    others = {key: values for key, values in data.items() if key not in selectors.PERIOD_FILTERS}
    months = selectors.activity_figures_by_month(user=user, filterset_data=data, year=year)
    _, year_total = selectors.activity_figures(user=user, filterset_data={**others, "year": [str(year)]})
    report["months"] = [
        FigureRow(f"{year}年{month}月", row, list_url(others, month=f"{year}-{month:02d}")) for month, row in months
    ]
    report["year_total"] = FigureRow(f"{year}年合计", year_total, list_url(others, year=year))
    regions = selectors.figure_breakdown_regions(user=user, region=region)
    report["by_region"] = [
        FigureRow(place.label, row, list_url(data, region=place.pk))
        for place, row in selectors.activity_figures_by_region(user=user, filterset_data=data, regions=regions)
    ]
    return report


def _require_view(user):
    if not user.has_perm("activities.view_activity"):
        raise PermissionDenied("您没有查看“活动”的权限。")


def figures_view(request):
    _require_view(request.user)
    report = figures_report(user=request.user, query=request.GET)
    filterset = report["filterset"]
    data = _single(report["data"])
    context = {
        **report,
        "title": "月度统计",
        "month_value": data.get("month", ""),
        "kind_value": data.get("kind", ""),
        "kinds": ActivityKind.choices,
        "region_field": filterset.form["region"],
        "theme_field": filterset.form["theme"],
        # filters the picker does not show (year, dates, organization…) ride along unchanged
        "kept": [(k, v) for k, v in data.items() if k not in ("month", "kind", "region", "theme", "status") and v],
        "can_export": may_export(request.user),
        "tiles": figure_tiles(report["figures"], report["list_url"]) if report["figures"] else [],
        "month_rows": table_rows(report.get("months", [])),
        "year_row": table_rows([report["year_total"]])[0] if "year_total" in report else None,
        "region_rows": table_rows(report.get("by_region", [])),
        "headers": [column.label for column in FIGURE_COLUMNS],
        "workbook_url": f"{reverse('activities:figures_workbook')}?{urlencode(data)}",
    }
    return render(request, "activities/figures.html", context)


def figures_workbook_view(request):
    """The 12-month table as Excel, written by the one writer (registry.exporting)."""
    _require_view(request.user)
    if not may_export(request.user):
        raise PermissionDenied("您没有导出数据的权限。")
    report = figures_report(user=request.user, query=request.GET)
    if report["figures"] is None:
        # back to the page, which shows the same message beside the filters it names
        messages.error(request, "未导出：筛选条件有误。" + "；".join(report["errors"]))
        return redirect(f"{reverse('activities:figures')}?{request.GET.urlencode()}")
    title = f"{report['year']}年{report['place']}{report['kind_label']}月度统计"
    filters = report["filterset"].active_filters
    filters.pop("月份", None)
    filters["年度"] = str(report["year"])
    rows = [*report["months"], report["year_total"]]
    # aggregates hold no personal data; the export is logged all the same, as every export is
    exporter = TableExporter(
        user=request.user, objects=rows, table=MONTHS_TABLE, title=title, filters=filters, model=Activity, records=False
    )
    return exporter_response(request=request, exporter=exporter)


def register() -> None:
    register_menu(
        "activities", "活动与建言", 40, MenuItem("月度统计", "activities:figures", "activities.view_activity", order=15)
    )

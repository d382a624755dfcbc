"""The one builder of chart specs: rows from a selector in, the JSON static/js/charts.js turns into ECharts out.

Pages, dashboard panels and (later) the statistics workbook draw from the same selector rows; only
this module knows the spec's shape, so a chart cannot drift from the table beside it.
"""

from collections.abc import Iterable, Sequence
from typing import Any

# a series: (its legend name, the row key or attribute holding its number)
Series = tuple[str, str]


def _value(row: Any, key: str):
    return row[key] if isinstance(row, dict) else getattr(row, key)


def _spec(kind: str, rows: Sequence, *, label: str, series: Sequence[Series], horizontal: bool = False) -> dict:
    if horizontal:
        rows = rows[::-1]  # a horizontal axis draws its first category at the bottom: keep the tables' order
    spec = {
        "type": kind,
        "categories": [_value(row, label) for row in rows],
        "series": [{"name": name, "data": [_value(row, key) for row in rows]} for name, key in series],
    }
    if horizontal:
        spec["horizontal"] = True
    return spec


def bar_chart(
    rows: Iterable,
    *,
    label: str = "label",
    series: Sequence[Series] = (("人数", "count"),),
    horizontal: bool = False,
    percent: bool = False,
) -> dict:
    """Bars per row, one bar per series; ``percent`` draws 0–100 % axes (rates)."""
    spec = _spec("bar", list(rows), label=label, series=series, horizontal=horizontal)
    if percent:
        spec.update({"percent": True, "max": 100})
    return spec


def line_chart(rows: Iterable, *, label: str = "label", series: Sequence[Series] = (("人数", "count"),)) -> dict:
    """A line per series over the rows in their order (years, months)."""
    return _spec("line", list(rows), label=label, series=series)


def pie_chart(rows: Iterable, *, label: str = "label", value: str = "count", name: str = "人数") -> dict:
    """Slices per row; empty rows are left out (a zero slice only crowds the labels)."""
    return _spec("pie", [row for row in rows if _value(row, value)], label=label, series=[(name, value)])

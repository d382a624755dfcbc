"""The one chart builder: every page and panel draws its charts from selector rows through registry.charts."""

import json

import pytest
from django.urls import reverse

from registry.charts import bar_chart, line_chart, pie_chart

pytestmark = pytest.mark.django_db


def test_the_builder_makes_bar_pie_and_line_specs_from_rows():
    rows = [{"label": "甲", "count": 3, "rate": 50.0}, {"label": "乙", "count": 0, "rate": 0.0}]
    assert bar_chart(rows) == {"type": "bar", "categories": ["甲", "乙"], "series": [{"name": "人数", "data": [3, 0]}]}
    horizontal = bar_chart(rows, series=(("覆盖率", "rate"),), horizontal=True, percent=True)
    assert horizontal["categories"] == ["乙", "甲"]  # drawn bottom-up: the first row ends on top, as in the table
    assert (horizontal["horizontal"], horizontal["percent"], horizontal["max"]) == (True, True, 100)
    assert pie_chart(rows)["categories"] == ["甲"]  # an empty slice is left out
    assert line_chart(rows)["type"] == "line"


def chart_specs(body: str) -> dict[str, dict]:
    """The chart JSON the page hands to static/js/charts.js, by element id."""
    import re

    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', body, re.S)
    return {key: json.loads(text) for key, text in found}


def test_the_pages_charts_come_from_the_builder(client, tree, district_admin):
    from tests.factories import OrganizationFactory

    OrganizationFactory(region=tree["community_a1"])
    client.force_login(district_admin)
    coverage = chart_specs(client.get(reverse("organizations:coverage")).content.decode())
    overview = chart_specs(client.get(reverse("talents:overview")).content.decode())
    dashboard = chart_specs(client.get(reverse("registry:dashboard")).content.decode())
    specs = [*coverage.values(), *overview.values(), *dashboard.values()]
    assert len(coverage) >= 2 and len(overview) >= 5 and dashboard
    for spec in specs:
        assert spec["type"] in ("bar", "pie", "line") and len(spec["series"][0]["data"]) == len(spec["categories"])
    industry = next(spec for spec in coverage.values() if spec.get("horizontal"))
    assert industry["percent"] and industry["max"] == 100

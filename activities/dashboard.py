"""The activities app's 工作台 panel: last full month's figure, the first number a 统战部 report asks for."""

from django.urls import reverse

from registry.navigation import register_dashboard_panel

from . import figures


def month_figures_panel(user) -> dict | None:
    """The 月度统计 page's default question (last full month, 志愿服务, the user's scope), its figures linking to the
    activity list they were counted from, so the number on the 工作台 is the number in the briefing."""
    if not user.has_perm("activities.view_activity"):
        return None
    report = figures.figures_report(user=user, query={}, with_tables=False)
    counted = report["figures"]
    if counted is None:  # the defaults always read; kept so a later default cannot break the page
        return None
    url = report["list_url"]
    return {
        "key": "month_figures",
        "group": "figures",
        "title": f"{report['period']}{report['kind_label']}（{report['place']}）",
        "link": reverse("activities:figures"),
        "link_label": "月度统计",
        "stats": [
            {
                "key": "activities",
                "label": "活动（场）",
                "value": counted.activities,
                "figure": counted.activities,
                "url": url,
            },
            {"key": "organizations", "label": "社会组织（家）", "value": counted.organizations},
            {"key": "headcount", "label": "参与", "value": figures.in_wan(counted.headcount, "人次")},
            {"key": "service_hours", "label": "服务时长", "value": figures.in_wan(counted.service_hours, "小时")},
        ],
        "text": report["sentence"],
    }


def register() -> None:
    # first of the figures: the pool's and the coverage panels follow it (organizations 20, talents 30)
    register_dashboard_panel(16, month_figures_panel)

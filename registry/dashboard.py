"""The registry's own 工作台 panels and menu entries."""

from django.urls import reverse

from registry.charts import bar_chart
from registry.choices import RegionLevel
from registry.navigation import MenuItem, register_dashboard_panel, register_menu, todos_for
from registry.selectors import region_counts_by_level, street_community_counts


def scope_panel(user) -> dict | None:
    # an account outside the region tree (a 承办单位's contact) has no scope to show, nor the page it links to
    if not user.has_perm("registry.view_region"):
        return None
    counts = region_counts_by_level(user=user)
    streets = street_community_counts(user=user)
    panel = {
        "key": "scope",
        "title": f"管辖范围：{user.scope_label}",
        "link": reverse("registry:region_list"),
        "link_label": "行政区划",
        "stats": [
            {"label": "街道/镇", "value": counts[RegionLevel.STREET]},
            {"label": "社区/村", "value": counts[RegionLevel.COMMUNITY]},
            {"label": "网格", "value": counts[RegionLevel.GRID]},
        ],
    }
    if len(streets) > 1:
        panel["chart_id"] = "chart-scope-streets"
        panel["chart"] = bar_chart(streets, label="name", series=(("社区数", "communities"),))
    return panel


def todo_panel(user) -> dict:
    """待办提醒: what the rules find to fix in the user's scope, each linking to the records."""
    return {
        "key": "todo",
        "title": "待办提醒",
        "todo_items": todos_for(user),
        "empty": "当前辖区没有需要处理的提醒。",
    }


def register() -> None:
    register_menu("system", "系统", 90, MenuItem("行政区划", "registry:region_list", "registry.view_region"))
    register_menu(
        "system", "系统", 90, MenuItem("个人信息访问日志", "registry:accesslog_list", "registry.view_accesslog")
    )
    register_dashboard_panel(10, scope_panel)
    register_dashboard_panel(15, todo_panel)

"""The registry's own 工作台 panel (待办提醒) and menu entries.

The page used to open with a count of streets, communities and grids: nothing a user acts on or reports, and the
header already names the user's scope, so that panel is gone; the regions stay one click away under 系统.
"""

from registry.navigation import MenuItem, register_dashboard_panel, register_menu, todos_for


def todo_panel(user) -> dict:
    """待办提醒: what the rules find to fix in the user's scope, each linking to the records. First on the page."""
    items = todos_for(user)
    return {
        "key": "todo",
        "group": "todo",
        "title": "待办提醒",
        "width": 12,
        "emphasis": True,
        "badge": sum(item["count"] for item in items) or None,
        "todo_items": items,
        "empty": "当前辖区没有需要处理的提醒。",
    }


def register() -> None:
    register_menu("system", "系统", 90, MenuItem("行政区划", "registry:region_list", "registry.view_region"))
    register_menu(
        "system", "系统", 90, MenuItem("个人信息访问日志", "registry:accesslog_list", "registry.view_accesslog")
    )
    register_dashboard_panel(10, todo_panel)

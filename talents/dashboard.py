"""The representative pool's other menu entries and 工作台 panel."""

from django.urls import reverse

from registry.navigation import MenuItem, register_dashboard_panel, register_menu, register_todo

from . import selectors
from .choices import PoolStatus


def pool_panel(user) -> dict | None:
    if not user.has_perm("talents.view_representative"):
        return None
    counts = selectors.pool_status_counts(user=user)
    list_url = reverse("talents:representative_list")
    # the pool's size as reports give it (入库 and 重点联系对象, selectors.IN_POOL) leads; 退出 is no reported figure
    in_pool = sum(counts.get(status, 0) for status in selectors.IN_POOL)
    return {
        "key": "talents",
        "group": "figures",
        "title": "代表人士库",
        "link": reverse("talents:overview"),
        "link_label": "入库概况",
        "stats": [
            {
                "key": "in_pool",
                "label": "在库人数",
                "value": in_pool,
                "figure": in_pool,
                "url": f"{list_url}?in_pool=true",
            },
            *(
                {
                    "label": status.label,
                    "value": counts.get(status, 0),
                    "figure": counts.get(status, 0),
                    "url": f"{list_url}?status={status.value}",
                }
                for status in (PoolStatus.ADMITTED, PoolStatus.KEY_CONTACT, PoolStatus.CANDIDATE)
            ),
        ],
        "text": "各街道分布、群体与政治面貌构成、本年培训期数（目标每年不少于3期）见“入库概况”。",
    }


def pool_todos(user) -> list[dict]:
    """Likely duplicate records waiting for a merge or a “not the same person”."""
    if not user.has_perm("talents.view_representative"):
        return []
    pairs = selectors.duplicate_pairs(user=user)
    return [{"label": "代表人士疑似重复（待合并或确认）", "count": len(pairs), "url": reverse("talents:duplicates")}]


def register() -> None:
    # the models' lists join this section from talents/catalog.py
    register_menu(
        "talents",
        "代表人士",
        30,
        MenuItem("入库概况", "talents:overview", "talents.view_representative", order=15),
        MenuItem("疑似重复", "talents:duplicates", "talents.view_representative", order=60),
    )
    register_dashboard_panel(30, pool_panel)
    register_todo(30, pool_todos)

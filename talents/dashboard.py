"""The representative pool's menu entries, 工作台 panel and global-search registration."""

from django.urls import reverse

from registry.navigation import MenuItem, register_dashboard_panel, register_menu, register_todo
from registry.search import register_searchable

from . import selectors
from .choices import PoolStatus
from .filters import RepresentativeFilter
from .models import Representative
from .tables import REPRESENTATIVE_TABLE


def pool_panel(user) -> dict | None:
    if not user.has_perm("talents.view_representative"):
        return None
    counts = selectors.pool_status_counts(user=user)
    list_url = reverse("talents:representative_list")
    return {
        "key": "talents",
        "title": "代表人士库",
        "link": reverse("talents:overview"),
        "link_label": "入库概况",
        "stats": [
            {"label": status.label, "value": counts.get(status.value, 0), "url": f"{list_url}?status={status.value}"}
            for status in (PoolStatus.ADMITTED, PoolStatus.KEY_CONTACT, PoolStatus.CANDIDATE, PoolStatus.WITHDRAWN)
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
    register_menu(
        "talents",
        "代表人士",
        30,
        MenuItem("代表人士库", "talents:representative_list", "talents.view_representative"),
        MenuItem("入库概况", "talents:overview", "talents.view_representative"),
        MenuItem("综合评价", "talents:evaluation_list", "talents.view_evaluation"),
        MenuItem("培训", "talents:training_list", "talents.view_training"),
        MenuItem("推荐使用", "talents:nomination_list", "talents.view_nomination"),
        MenuItem("服务小组", "talents:servicegroup_list", "talents.view_servicegroup"),
        MenuItem("疑似重复", "talents:duplicates", "talents.view_representative"),
    )
    register_dashboard_panel(30, pool_panel)
    register_todo(30, pool_todos)
    register_searchable(
        key="representatives",
        label="代表人士",
        model=Representative,
        order=20,
        filterset_class=RepresentativeFilter,
        selector=selectors.representative_list,
        table=REPRESENTATIVE_TABLE,
    )

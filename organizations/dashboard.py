"""The organizations app's other menu entries and 工作台 panel (两个覆盖 at a glance)."""

from django.urls import reverse

from registry.navigation import MenuItem, register_dashboard_panel, register_menu, register_todo

from . import coverage, selectors


def coverage_panel(user) -> dict | None:
    if not user.has_perm("organizations.view_organization"):
        return None
    root = selectors.scope_root(user=user)
    if root is None:
        return None
    rows = coverage.coverage_by_region(user=user, region=root)
    total = sum(r.total for r in rows)
    org_covered = sum(r.org_covered for r in rows)
    work_covered = sum(r.work_covered for r in rows)
    org_list = reverse("organizations:organization_list")
    return {
        "key": "coverage",
        "group": "figures",
        "title": "社会组织与“两个覆盖”",
        "link": reverse("organizations:coverage"),
        "link_label": "覆盖情况",
        "stats": [
            {"label": "社会组织（正常登记）", "value": total, "figure": total, "url": f"{org_list}?status=normal"},
            {"label": "组织覆盖率", "value": f"{100 * org_covered / total:.1f}%" if total else "—"},
            {"label": "工作覆盖率", "value": f"{100 * work_covered / total:.1f}%" if total else "—"},
            {
                "label": "党的工作未覆盖",
                "value": total - work_covered,
                "figure": total - work_covered,
                "url": f"{org_list}?status=normal&work_covered=false",
            },
        ],
        "chart_id": "chart-coverage",
        "chart": coverage.rates_chart(rows),
    }


def coverage_todos(user) -> list[dict]:
    """The 两个覆盖 rules broken in the user's scope; each opens the coverage page's list of that rule."""
    if not user.has_perm("organizations.view_organization"):
        return []
    root = selectors.scope_root(user=user)
    if root is None:
        return []
    page = reverse("organizations:coverage")
    return [
        {"label": row["title"], "count": row["count"], "url": f"{page}?rule={row['rule']}"}
        for row in coverage.breach_counts(user=user, region=root)
    ]


def register() -> None:
    # the models' lists join this section from organizations/catalog.py
    register_menu(
        "organizations",
        "社会组织",
        20,
        MenuItem(
            "党组织体系（1+6+12+N）",
            "organizations:partyorganization_tree",
            "organizations.view_partyorganization",
            order=35,
        ),
        MenuItem("两个覆盖", "organizations:coverage", "organizations.view_organization", order=70),
    )
    register_dashboard_panel(20, coverage_panel)
    register_todo(20, coverage_todos)

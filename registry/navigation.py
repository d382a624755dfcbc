"""The main menu and the dashboard panels, which the apps fill in from their AppConfig.ready."""

from dataclasses import dataclass, field


@dataclass
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 50  # place in its section: catalog entries and other pages interleave by it


@dataclass
class MenuSection:
    key: str
    label: str
    order: int
    items: list[MenuItem] = field(default_factory=list)


_sections: dict[str, MenuSection] = {}
_dashboard_panels: list[tuple[int, object]] = []
_todo_providers: list[tuple[int, object]] = []


def register_menu(section_key: str, section_label: str, order: int, *items: MenuItem) -> None:
    section = _sections.setdefault(section_key, MenuSection(section_key, section_label, order))
    for item in items:
        if all(existing.url_name != item.url_name for existing in section.items):
            section.items.append(item)


def menu_for(user) -> list[dict]:
    result = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        ordered = sorted(section.items, key=lambda i: i.order)
        items = [i for i in ordered if i.permission is None or user.has_perm(i.permission)]
        if items:
            result.append({"key": section.key, "label": section.label, "items": items})
    return result


def _add_once(registry: list, order: int, provider) -> None:
    if all(existing is not provider for _, existing in registry):
        registry.append((order, provider))


def _in_order(registry: list) -> list:
    return [provider for _, provider in sorted(registry, key=lambda pair: pair[0])]


# The 工作台 reads top-down as the user works: what to act on, then the figures the department reports (each
# opening the list it was counted from), then the rest. A panel names its group ("group" in its dict).
DASHBOARD_GROUPS = (("todo", "待办提醒"), ("figures", "本月要报的数字"), ("trends", "近12个月趋势"), ("more", "更多"))
_GROUP_ORDER = {key: index for index, (key, _) in enumerate(DASHBOARD_GROUPS)}


def register_dashboard_panel(order: int, panel) -> None:
    """``panel(user)`` returns a dict for templates/includes/dashboard_panel.html, or None.

    The dict's ``group`` is one of DASHBOARD_GROUPS' keys ("more" when absent); ``order`` places it in its group.
    """
    _add_once(_dashboard_panels, order, panel)


def dashboard_panels(user) -> list[dict]:
    """The user's panels, group by group (a stable sort keeps each group's registered order)."""
    panels = [data for panel in _in_order(_dashboard_panels) if (data := panel(user))]
    return sorted(panels, key=lambda data: _GROUP_ORDER[data.get("group", "more")])


def dashboard_groups(panels: list[dict]) -> list[dict]:
    """[{"key", "title", "panels"}] for the groups that have a panel, in the page's order."""
    return [
        {"key": key, "title": title, "panels": members}
        for key, title in DASHBOARD_GROUPS
        if (members := [data for data in panels if data.get("group", "more") == key])
    ]


def register_todo(order: int, provider) -> None:
    """``provider(user)`` returns the things to fix in the user's scope: [{"label", "count", "url"}]."""
    _add_once(_todo_providers, order, provider)


def todos_for(user) -> list[dict]:
    """Every app's open items for the 工作台's 待办提醒, those with nothing open left out."""
    return [item for provider in _in_order(_todo_providers) for item in provider(user) if item["count"]]


_detail_sections: list[tuple[str, int, object]] = []


def register_detail_section(model_label: str, order: int, provider) -> None:
    """A later app adds a block to an earlier app's detail page (an organization's activities).

    ``model_label`` is "app_label.ModelName"; ``provider(obj, user)`` returns a section dict
    (registry.views.generic.section) or None. The page's own sections come first.
    """
    if all(existing is not provider for _, _, existing in _detail_sections):
        _detail_sections.append((model_label.lower(), order, provider))


def detail_sections_for(obj, user) -> list[dict]:
    label = obj._meta.label_lower
    providers = sorted(((order, p) for lbl, order, p in _detail_sections if lbl == label), key=lambda pair: pair[0])
    return [data for _, provider in providers if (data := provider(obj, user))]

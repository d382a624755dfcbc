"""The main menu and the dashboard panels, which the apps fill in from their AppConfig.ready."""

from dataclasses import dataclass, field


@dataclass
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None


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
        items = [i for i in section.items if i.permission is None or user.has_perm(i.permission)]
        if items:
            result.append({"key": section.key, "label": section.label, "items": items})
    return result


def register_dashboard_panel(order: int, panel) -> None:
    """``panel(user)`` returns a dict for templates/includes/dashboard_panel.html, or None."""
    if all(existing is not panel for _, existing in _dashboard_panels):
        _dashboard_panels.append((order, panel))


def dashboard_panels(user) -> list[dict]:
    panels = []
    for _, panel in sorted(_dashboard_panels, key=lambda pair: pair[0]):
        data = panel(user)
        if data:
            panels.append(data)
    return panels


def register_todo(order: int, provider) -> None:
    """``provider(user)`` returns the things to fix in the user's scope: [{"label", "count", "url"}]."""
    if all(existing is not provider for _, existing in _todo_providers):
        _todo_providers.append((order, provider))


def todos_for(user) -> list[dict]:
    """Every app's open items for the 工作台's 待办提醒, those with nothing open left out."""
    items = []
    for _, provider in sorted(_todo_providers, key=lambda pair: pair[0]):
        items.extend(item for item in provider(user) if item["count"])
    return items

"""One entry per model: the pages, URLs, API routes, menu item, global search and role grants come from it.

Each domain app declares its models in its own ``catalog.py`` (imported from its AppConfig.ready), so the
registry never names an app. A view or viewset with real behaviour (a detail page's related sections, a
selector that differs per action) stays a subclass in the app and is named in the entry; everything that
only set attributes is generated here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import path

ACTIONS = frozenset({"list", "detail", "create", "update", "delete", "export", "api"})

# url name suffix, route under the entry's prefix, and the action it needs
_PAGE_ROUTES = (
    ("list", "", "list"),
    ("export", "export/", "export"),
    ("create", "new/", "create"),
    ("detail", "<int:pk>/", "detail"),
    ("update", "<int:pk>/edit/", "update"),
    ("delete", "<int:pk>/delete/", "delete"),
)


@dataclass(frozen=True)
class Menu:
    """The entry's list page in the main menu: the app's section (see register_section) and the place in it."""

    label: str
    order: int = 50


@dataclass(frozen=True)
class Search:
    """The entry's list in the navbar's global search (its FilterSet's ?q=)."""

    label: str
    order: int = 50


@dataclass(eq=False)
class Entry:
    model: type
    prefix: str  # under the app's URL prefix: "" or "surveys/"
    actions: frozenset = ACTIONS
    title: str = ""  # the list's and export's title; the model's verbose_name_plural when empty
    selector: Callable | None = None  # selector(user=) → the rows; restrict(model, user, "view") when None
    filterset: type | None = None
    table: object | None = None  # registry.tables.Table: list columns, export columns, ?sort= keys
    detail_fields: list | tuple = ()
    form: type | None = None
    create_service: Callable | None = None
    update_service: Callable | None = None
    delete_service: Callable | None = None  # the generic scoped delete when None
    # where a saved (or deleted) record sends the user when not to its own detail page (or the list)
    success_url: Callable | None = None
    delete_success_url: Callable | None = None
    list_template: str | None = None
    detail_template: str | None = None
    reveal: bool = False  # a logged 显示 for the model's personal fields on its detail page
    # subclasses with behaviour, generated from the generic views when None
    list_view: type | None = None
    export_view: type | None = None
    detail_view: type | None = None
    form_view: type | None = None
    delete_view: type | None = None
    # the API: route under the app's API prefix, serializer, and a ScopedViewSet subclass with behaviour
    api_prefix: str | None = None
    serializer: type | None = None
    api_viewset: type | None = None
    api_options: dict = field(default_factory=dict)  # further viewset attributes (e.g. a selector for the API)
    menu: Menu | None = None
    search: Search | None = None
    # role name → actions (view/add/change/delete) when they differ from registry.roles.ROLE_GRANTS
    role_actions: dict | None = None

    def __post_init__(self):
        unknown = set(self.actions) - ACTIONS
        if unknown:
            raise ValueError(f"{self.model.__name__}: unknown actions {sorted(unknown)}")
        self.actions = frozenset(self.actions)
        self._views: dict = {}

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    def url_name(self, suffix: str) -> str:
        return f"{self.app_label}:{self.model_name}_{suffix}"

    @property
    def import_spec(self):
        """The model's Excel import (registry.importing, keyed by the model's label): the list page links to it."""
        from registry.importing import spec_for_model

        return spec_for_model(self.model)

    def has(self, action: str) -> bool:
        return action in self.actions

    def _common(self, kind: str) -> dict:
        attrs = {"model": self.model}
        # forms and deletes find their record among all the user may change (restrict), not the list's rows
        if self.selector is not None and kind in ("list", "detail"):
            attrs["selector"] = staticmethod(self.selector)
        return attrs

    def view(self, kind: str):
        """The page view class for ``kind`` (list, export, detail, form, delete, reveal), built once."""
        if kind not in self._views:
            self._views[kind] = self._build_view(kind)
        return self._views[kind]

    def _build_view(self, kind: str):
        from registry.views import generic
        from registry.views.reveal import RevealMixin

        name = self.model.__name__
        attrs = self._common(kind)
        if kind == "list":
            base = self.list_view or generic.ObjectListView
            attrs.update(filterset_class=self.filterset, table=self.table, title=self.title)
            if self.list_template:
                attrs["template_name"] = self.list_template
        elif kind == "export":
            # an export_view is a mixin with behaviour (e.g. prefetching what only the workbook shows)
            bases = (self.view("list"), generic.ObjectExportView)
            if self.export_view is not None:
                bases = (self.export_view, *bases)
            return type(f"{name}ExportView", bases, {"__module__": self.model.__module__})
        elif kind == "detail":
            base = self.detail_view or generic.ObjectDetailView
            attrs["fields"] = self.detail_fields
            if self.detail_template:
                attrs["template_name"] = self.detail_template
            if self.reveal:
                attrs["reveal_url_name"] = self.url_name("reveal")
        elif kind == "reveal":
            bases = (RevealMixin, self.view("detail"))
            return type(f"{name}RevealView", bases, {"__module__": self.model.__module__})
        elif kind == "form":
            base = self.form_view or generic.ObjectFormView
            attrs.update(form_class=self.form)
            for service in ("create_service", "update_service"):
                if getattr(self, service) is not None:
                    attrs[service] = staticmethod(getattr(self, service))
            if self.success_url is not None:
                success = self.success_url
                attrs["success_url"] = lambda view, obj: success(obj)
        elif kind == "delete":
            base = self.delete_view or generic.ObjectDeleteView
            if self.delete_service is not None:
                attrs["delete_service"] = staticmethod(self.delete_service)
            if self.delete_success_url is not None:
                success = self.delete_success_url
                attrs["success_url"] = lambda view, obj: success(obj)
        else:
            raise ValueError(kind)
        # a subclass named in the entry may set its own selector: it wins over the entry's
        if base is not getattr(generic, base.__name__, None) and "selector" in vars(base):
            attrs.pop("selector", None)
        attrs["__module__"] = self.model.__module__
        return type(f"{name}{kind.capitalize()}View", (base,), attrs)

    def viewset(self):
        """The API viewset: entry.api_viewset (or ScopedViewSet) with the serializer, selector, filters, services."""
        if "api" not in self._views:
            from registry.api import ScopedViewSet

            base = self.api_viewset or ScopedViewSet
            attrs = {
                "queryset": self.model._default_manager.none(),
                "serializer_class": self.serializer,
                "__module__": self.model.__module__,
            }
            if self.filterset is not None:
                attrs["filterset_class"] = self.filterset
            if self.table is not None:
                attrs["table"] = self.table
            # a subclass named in the entry may set its own selector (or queryset): it wins over the entry's
            if self.selector is not None and "selector" not in vars(self.api_viewset or object):
                attrs["selector"] = staticmethod(self.selector)
            for service in ("create_service", "update_service", "delete_service"):
                if getattr(self, service) is not None:
                    attrs[service] = staticmethod(getattr(self, service))
            attrs.update(self.api_options)
            self._views["api"] = type(f"{self.model.__name__}ViewSet", (base,), attrs)
        return self._views["api"]


_entries: list[Entry] = []


def register(entry: Entry) -> Entry:
    """Add a model to the catalog (once): its menu item, search and role grants take effect now."""
    from registry.navigation import MenuItem, register_menu
    from registry.roles import register_domain_app, register_model_grants
    from registry.search import register_searchable

    if any(existing.model is entry.model for existing in _entries):
        return next(existing for existing in _entries if existing.model is entry.model)
    _entries.append(entry)
    register_domain_app(entry.app_label)
    if entry.role_actions is not None:
        register_model_grants(entry.app_label, entry.model_name, entry.role_actions)
    if entry.menu is not None and entry.has("list"):
        section = _sections.get(entry.app_label)
        if section is None:
            raise LookupError(f"{entry.app_label}: register_section before its entries")
        permission = f"{entry.app_label}.view_{entry.model_name}"
        item = MenuItem(entry.menu.label, entry.url_name("list"), permission, order=entry.menu.order)
        register_menu(*section, item)
    if entry.search is not None:
        register_searchable(
            key=f"{entry.app_label}.{entry.model_name}",
            label=entry.search.label,
            model=entry.model,
            order=entry.search.order,
            filterset_class=entry.filterset,
            selector=entry.selector,
            table=entry.table,
        )
    return entry


_sections: dict[str, tuple[str, str, int]] = {}


def register_section(app_label: str, label: str, order: int) -> None:
    """The app's main-menu section, which its entries' menu items join."""
    _sections[app_label] = (app_label, label, order)


def entries(app_label: str | None = None) -> list[Entry]:
    return [e for e in _entries if app_label is None or e.app_label == app_label]


def entry_for(model) -> Entry | None:
    return next((e for e in _entries if e.model is model), None)


def urls(app_label: str) -> list:
    """The page URL patterns of every entry of the app: <model>_list/_export/_create/_detail/_update/_delete
    (and _reveal) under the entry's prefix."""
    patterns = []
    for entry in entries(app_label):
        if entry.reveal:
            patterns.append(
                path(
                    f"{entry.prefix}<int:pk>/reveal/", entry.view("reveal").as_view(), name=f"{entry.model_name}_reveal"
                )
            )
        for suffix, route, action in _PAGE_ROUTES:
            if not entry.has(action):
                continue
            kind = "form" if suffix in ("create", "update") else suffix
            patterns.append(
                path(f"{entry.prefix}{route}", entry.view(kind).as_view(), name=f"{entry.model_name}_{suffix}")
            )
    return patterns


def api_urls(app_label: str, *extra: tuple) -> list:
    """The API routes of the app's entries, plus ``extra`` (prefix, viewset, basename) read-only lists."""
    from registry.api import ApiRouter

    router = ApiRouter()
    routes = [(e.api_prefix, e.viewset(), e.model_name) for e in entries(app_label) if e.has("api")]
    for prefix, viewset, basename in [*routes, *extra]:
        router.register(prefix, viewset, basename=basename)
    return router.urls

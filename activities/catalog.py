"""The activities app's models in the registry catalog: pages, API, menu, search and role grants come from here."""

from registry.catalog import Entry, Menu, Search, register, register_section
from registry.roles import ANALYST, DISTRICT_ADMIN, STREET_STAFF, VIEWER

from . import selectors, services
from .api.serializers import ActivityThemeSerializer
from .filters import ActivityThemeFilter
from .forms import ActivityThemeForm
from .models import ActivityTheme
from .tables import ACTIVITY_THEME_TABLE

register_section("activities", "活动与建言", 40)

register(
    Entry(
        model=ActivityTheme,
        prefix="themes/",
        title="活动主题",
        selector=selectors.activity_theme_list,
        filterset=ActivityThemeFilter,
        table=ACTIVITY_THEME_TABLE,
        detail_fields=ACTIVITY_THEME_TABLE.columns,
        form=ActivityThemeForm,
        create_service=services.activity_theme_create,
        update_service=services.activity_theme_update,
        delete_service=services.activity_theme_delete,
        api_prefix="themes",
        serializer=ActivityThemeSerializer,
        menu=Menu("活动主题", 90),
        search=Search("活动主题", 90),
        # a district-wide list: the district keeps it, the streets choose from it
        role_actions={
            DISTRICT_ADMIN: ["view", "add", "change", "delete"],
            STREET_STAFF: ["view"],
            ANALYST: ["view"],
            VIEWER: ["view"],
        },
    )
)

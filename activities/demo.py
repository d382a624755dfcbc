"""Demo records of the activities app: the themes the source articles name."""

from registry.demo import SUPERUSER, register_demo_builder
from registry.models import User

from .models import ActivityTheme
from .services import activity_theme_create

THEMES = ["疫情防控", "乡村振兴", "社会治理", "防汛救灾", "一老一小"]


def build_activity_themes(stdout=None) -> None:
    admin = User.objects.get(username=SUPERUSER)
    for order, name in enumerate(THEMES, start=1):
        if not ActivityTheme.objects.filter(name=name).exists():
            activity_theme_create(user=admin, data={"name": name, "sort_order": order * 10, "is_active": True})


register_demo_builder(50, "活动主题", build_activity_themes)

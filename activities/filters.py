"""FilterSets of the activities app: one per model, shared by the page, the export and the API."""

from registry.filters import ScopedFilterSet, YesNoFilter

from .models import ActivityTheme


class ActivityThemeFilter(ScopedFilterSet):
    search_placeholder = "主题名称"

    is_active = YesNoFilter(label="启用")

    class Meta:
        model = ActivityTheme
        fields = ["q", "is_active"]

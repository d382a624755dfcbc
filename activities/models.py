"""Activities and what they are about; for now the 活动主题 list admins keep."""

from registry.models import DictionaryItem
from registry.tracking import track_history


@track_history()
class ActivityTheme(DictionaryItem):
    """活动主题: 疫情防控、乡村振兴、社会治理、防汛救灾、一老一小… (district admins keep the list)."""

    class Meta(DictionaryItem.Meta):
        verbose_name = "活动主题"
        verbose_name_plural = "活动主题"

"""Activities, consultations, proposals, opinions and service projects."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "活动与建言"

    def ready(self):
        # catalog declares the models (pages, API, menu, search, role grants); imports the Excel import specs
        from . import catalog, imports  # noqa: F401

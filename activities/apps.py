"""Activities, consultations, proposals, opinions and service projects."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "活动与建言"

    def ready(self):
        from . import catalog  # noqa: F401 (declares the models: pages, API, menu, search, role grants)

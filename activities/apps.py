"""Activities, consultations, proposals, opinions and service projects."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "活动与建言"

    def ready(self):
        # catalog declares the models (pages, API, menu, search, role grants); imports the Excel import specs;
        # figures adds the 月度统计 page to the section's menu; dashboard its figure to the 工作台
        from . import catalog, dashboard, figures, imports  # noqa: F401

        figures.register()
        dashboard.register()

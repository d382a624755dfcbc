"""The representative talent pool (代表人士库)."""

from django.apps import AppConfig


class TalentsConfig(AppConfig):
    name = "talents"
    verbose_name = "代表人士"

    def ready(self):
        # catalog declares the models (pages, API, menu, search, role grants); imports the Excel import spec
        from . import catalog, dashboard, imports  # noqa: F401

        dashboard.register()

"""Social organizations, party organizations, liaisons, venues and the 两个覆盖."""

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "社会组织"

    def ready(self):
        # catalog declares the models (pages, API, menu, search, role grants); imports the Excel import specs
        from . import catalog, dashboard, imports  # noqa: F401

        dashboard.register()

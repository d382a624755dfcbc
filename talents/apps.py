"""The representative talent pool (代表人士库)."""

from django.apps import AppConfig


class TalentsConfig(AppConfig):
    name = "talents"
    verbose_name = "代表人士"

    def ready(self):
        from registry.roles import register_domain_app

        from . import dashboard, imports  # noqa: F401 (imports registers the Excel import spec)

        register_domain_app(self.label)
        dashboard.register()

"""Social organizations, party organizations, liaisons, venues and the 两个覆盖."""

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "社会组织"

    def ready(self):
        from registry.roles import register_domain_app

        from . import dashboard, imports  # noqa: F401 (imports registers the Excel import specs)

        register_domain_app(self.label)
        dashboard.register()

"""The registry core app."""

from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "基础信息"

    def ready(self):
        from registry import dashboard, imports  # noqa: F401 (imports registers the Excel import specs)
        from registry.roles import sync_roles

        dashboard.register()
        # the list export registers itself as an exporter the task worker can run (registry.exporters.register)
        import_module("registry.views.generic")
        # the named rules that user.has_perm(...) answers through rules.permissions.ObjectPermissionBackend
        import_module("registry.permissions")

        # after every app's permissions exist (django.contrib.auth's handler runs first)
        post_migrate.connect(sync_roles, dispatch_uid="registry.sync_roles")

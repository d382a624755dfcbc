"""Consultations, proposals, 社情民意 and the joint conference: items followed until they are settled."""

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "建言与督办"

    def ready(self):
        from . import catalog  # noqa: F401 (declares the models: pages, API, menu, search, role grants)

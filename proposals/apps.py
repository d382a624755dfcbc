"""Consultations, proposals, 社情民意 and the joint conference: items followed until they are settled."""

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "建言与督办"

    def ready(self):
        # catalog declares the models (pages, API, menu, search, role grants); supervision adds the 工作台's
        # 督办 and the 承办单位办理情况 page to the menu
        from . import catalog, supervision  # noqa: F401

        supervision.register()

"""统计报表: the statistics workbook, its page and the 工作台's trends, drawn from every domain app's selectors."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self):
        from . import dashboard, exporters  # noqa: F401 (the workbook registers itself for the task worker)

        dashboard.register()

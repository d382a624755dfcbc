"""Upkeep of background exports: files past their time deleted, jobs whose worker died ended as failed."""

from django.conf import settings
from django.core.management.base import BaseCommand

from registry.export_jobs import export_prune


class Command(BaseCommand):
    help = f"删除超过保留期限（{settings.EXPORT_KEEP_HOURS} 小时）的导出文件；后台进程已中断的导出标记为失败。"

    def handle(self, *args, **options):
        expired = export_prune()
        self.stdout.write(f"已删除 {expired} 个过期的导出文件。")

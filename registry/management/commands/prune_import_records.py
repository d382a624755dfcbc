"""Retention of import records: the cells of bad rows are dropped once the retention period has passed."""

from django.core.management.base import BaseCommand

from registry.importing.jobs import RETENTION, import_prune


class Command(BaseCommand):
    help = f"删除结束超过 {RETENTION.days} 天的导入记录中错误行的原始单元格（只保留错误原因）。"

    def handle(self, *args, **options):
        pruned = import_prune()
        self.stdout.write(f"已清理 {pruned} 条导入记录中错误行的原始内容。")

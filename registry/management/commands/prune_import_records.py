"""Daily upkeep of import records: dead jobs ended as failed; bad rows' cells dropped after the retention period."""

from django.core.management.base import BaseCommand

from registry.importing.jobs import RETENTION, import_end_dead_jobs, import_prune


class Command(BaseCommand):
    help = f"删除结束超过 {RETENTION.days} 天的导入记录中错误行的原始单元格（只保留错误原因）。"

    def handle(self, *args, **options):
        ended = import_end_dead_jobs()
        if ended:
            self.stdout.write(f"已将 {ended} 个后台进程已中断的导入标记为失败（数据未作任何修改，可重试）。")
        pruned = import_prune()
        self.stdout.write(f"已清理 {pruned} 条导入记录中错误行的原始内容。")

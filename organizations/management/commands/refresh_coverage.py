"""Daily upkeep of the stored coverage (organizations.CoverageState): run it once a day, after midnight."""

import time

from django.core.management.base import BaseCommand

from organizations import coverage_state
from organizations.tasks import refresh_coverage


class Command(BaseCommand):
    help = (
        "把“两个覆盖”存储数据更新到今天：重算自上次计算以来有任职开始或结束的社会组织，补齐缺少的行；"
        "--all 按今天重算全部社会组织；--enqueue 交给后台任务进程（manage.py db_worker）执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="重算全部社会组织（数据导入时关闭了触发器之后）")
        parser.add_argument("--enqueue", action="store_true", help="不在本进程执行，交给后台任务进程")

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = refresh_coverage.enqueue()
            self.stdout.write(f"已交给后台任务进程：{result.id}")
            return
        started = time.perf_counter()
        if options["all"]:
            count = coverage_state.refresh_coverage(None)
            coverage_state.rebuild_tally()
            self.stdout.write(
                f"已按今天重算 {count} 家社会组织的覆盖数据，用时 {time.perf_counter() - started:.1f} 秒。"
            )
            return
        result = refresh_coverage.call()
        self.stdout.write(
            f"补齐 {result['filled']} 家，重算 {result['recomputed']} 家（任职在此期间开始或结束），"
            f"其余 {result['moved']} 家改记为今天；用时 {time.perf_counter() - started:.1f} 秒。"
        )

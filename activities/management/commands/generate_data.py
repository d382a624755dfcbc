"""manage.py generate_data: a city's worth of records in a database of its own, in minutes."""

import time

from django.core.management.base import BaseCommand, CommandError

from activities.scale import generate_activities
from organizations.scale import generate_organizations, refresh_precomputed_coverage
from registry.demo import build_accounts, build_regions
from registry.scale import DEFAULT_DATABASE, GenerationRefused, Run, use_database
from talents.scale import generate_representatives


class Command(BaseCommand):
    help = (
        "在独立的数据库中生成大规模数据（默认 100 万家社会组织、30 万名代表人士、200 万条活动），"
        "使用演示的行政区划与演示账号；可重复执行，中断后再次执行从断点继续。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DATABASE, help=f"目标数据库名（默认 {DEFAULT_DATABASE}）")
        parser.add_argument("--organizations", type=int, default=1_000_000, help="社会组织家数")
        parser.add_argument("--representatives", type=int, default=300_000, help="代表人士人数")
        parser.add_argument("--activities", type=int, default=2_000_000, help="活动条数")

    def handle(self, *args, database, organizations, representatives, activities, **options):
        if min(organizations, representatives, activities) < 0:
            raise CommandError("数量不能为负数。")
        started = time.perf_counter()
        try:
            use_database(database)
        except GenerationRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"生成到数据库 {database}：社会组织 {organizations:,}，代表人士 {representatives:,}，活动 {activities:,}"
        )
        run = Run(stdout=self.stdout)
        build_regions()
        build_accounts()  # the demo logins (quadmin, minzhi…) work on the generated data
        generate_organizations(run, organizations)
        generate_representatives(run, representatives, organizations)
        if activities:
            generate_activities(run, activities)
        refresh_precomputed_coverage(run)
        run.analyze()
        self.stdout.write(f"完成，共 {time.perf_counter() - started:.1f} 秒。")

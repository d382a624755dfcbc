"""Build (or top up) the demo district; safe to run any number of times."""

import pghistory
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from registry import demo


class Command(BaseCommand):
    help = "创建演示数据：深圳市龙华区的街道、社区、网格，各角色演示账号，以及各模块的演示记录。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不打印演示账号。")

    def handle(self, *args, quiet=False, **options):
        # every app's demo module registers its builders when imported
        autodiscover_modules("demo")
        with transaction.atomic(), pghistory.context(source="演示数据"):
            for _, label, builder in demo.demo_builders():
                builder(self.stdout)
                if not quiet:
                    self.stdout.write(f"  ✓ {label}")
        if not quiet:
            self.stdout.write("演示账号：")
            self.stdout.write(demo.credentials_table())

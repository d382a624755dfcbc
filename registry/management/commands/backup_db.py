"""Dump the whole database to one file (pg_dump's custom format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from registry.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份整个数据库到一个文件（pg_dump 自定义格式）；不给文件名则写入 backups/tongxinku-<时间>.dump。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="备份文件路径")

    def handle(self, *args, file=None, **options):
        path = Path(file or f"backups/tongxinku-{timezone.localtime():%Y%m%d-%H%M%S}.dump")
        try:
            backup(settings=connection.settings_dict, path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已备份到 {path}（{path.stat().st_size} 字节）。")

"""Load a backup file into a new, empty database (pg_restore)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from registry.backup import BackupError, restore, table_fingerprints


class Command(BaseCommand):
    help = "把备份文件恢复到一个新的空数据库（默认名称：当前数据库名_restored）；已存在的数据库不会被覆盖。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup_db 写出的备份文件")
        parser.add_argument("--database", help="新数据库的名称")

    def handle(self, *args, file, database=None, **options):
        settings = connection.settings_dict
        database = database or f"{settings['NAME']}_restored"
        try:
            restore(settings=settings, path=file, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = table_fingerprints(settings=settings, database=database)
        rows = sum(count for count, _ in tables.values())
        self.stdout.write(f"已恢复到数据库“{database}”：{len(tables)} 张表，{rows} 行。")

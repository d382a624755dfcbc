"""Start, stop or show the embedded PostgreSQL server of this checkout."""

from django.core.management.base import BaseCommand

from config import database


class Command(BaseCommand):
    help = "内嵌 PostgreSQL：start 启动 / stop 停止 / status 状态（仅在未设置 DATABASE_URL 时使用）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args, action, **options):
        if action == "start":
            self.stdout.write(f"内嵌数据库运行中，套接字目录：{database.start_embedded()}")
        elif action == "stop":
            stopped = database.stop_embedded()
            self.stdout.write("内嵌数据库已停止。" if stopped else "内嵌数据库未在运行。")
        else:
            socket_dir = database.embedded_status()
            self.stdout.write(f"运行中：{socket_dir}" if socket_dir else "未运行。")

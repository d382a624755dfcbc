"""Generated data at scale: the machinery the apps' generators share (``manage.py generate_data``).

A generator writes only into a database of its own (never the demo's): ``use_database`` points this
process's connection at it, creating and migrating it first. Each app's generator is a list of
phases, each one set-based SQL (INSERT … SELECT generate_series) in one transaction with the history
triggers off (``session_replication_role = replica``), that records in ``generate_data_state`` how far
it got: running the command again continues where it stopped, or tops up to larger sizes.
"""

import time

from django.conf import settings
from django.db import connection, transaction

from registry.validators import CREDIT_CODE_CHARSET, CREDIT_CODE_WEIGHTS, ID_CHECK_CHARS, ID_NUMBER_WEIGHTS

DEFAULT_DATABASE = "tongxinku_scale"
STATE_TABLE = "generate_data_state"

# pseudo-random but repeatable: a number in [0, n) from a row number and a salt, in SQL
# (hashint8extended is PostgreSQL's own 64-bit hash; the same row gives the same value in every run)
HASH_SQL = "pg_temp.pick"

ID_DIGIT = "substr(first17, {k}, 1)::int"
CREDIT_VALUE = f"(strpos('{CREDIT_CODE_CHARSET}', substr(first17, {{k}}, 1)) - 1)"


def _weighted_sum(value: str, weights) -> str:
    """SQL for the weighted sum of the 17 characters' values (``value`` with {k} for the position)."""
    return " + ".join(f"{value.format(k=k)} * {w}" for k, w in enumerate(weights, start=1))


# the check characters as plain SQL expressions (a function with a subquery per row is ten times slower)
SQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {HASH_SQL}(i bigint, salt bigint, n bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT abs(hashint8extended(i, salt)) % n $$;
CREATE OR REPLACE FUNCTION pg_temp.credit_code(first17 text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT first17 || substr('{CREDIT_CODE_CHARSET}', 1 + (31 - ({
    _weighted_sum(CREDIT_VALUE, CREDIT_CODE_WEIGHTS)
}) % 31) % 31, 1) $$;
CREATE OR REPLACE FUNCTION pg_temp.id_number(first17 text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT first17 || substr('{ID_CHECK_CHARS}', 1 + ({_weighted_sum(ID_DIGIT, ID_NUMBER_WEIGHTS)}) % 11, 1) $$;
"""


# the phases' temporary work tables (scale_*), dropped when a phase ends
DROP_WORK_TABLES = """
DO $$ DECLARE t text; BEGIN
  FOR t IN SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relkind = 'r'
           AND relname LIKE 'scale\\_%' LOOP
    EXECUTE 'DROP TABLE ' || quote_ident(t);
  END LOOP;
END $$;
"""


class GenerationRefused(Exception):
    pass


def protected_databases() -> set[str]:
    """The demo's and this checkout's own database: never written by the generator."""
    from config import database

    return {"tongxinku", database.EMBEDDED_DB_NAME, settings.DATABASES["default"]["NAME"]}


_switched: set[str] = set()


def use_database(name: str) -> None:
    """Point this process's default connection at ``name`` (created if missing, then migrated)."""
    import psycopg
    from django.core.management import call_command

    if name in _switched and connection.settings_dict["NAME"] == name:
        return
    if name in protected_databases() or name.startswith("test_"):
        raise GenerationRefused(f"拒绝写入数据库“{name}”：生成的数据只写入独立的数据库（默认 {DEFAULT_DATABASE}）。")
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in ("host", "port", "user", "password")
    }
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    connection.close()
    connection.settings_dict["NAME"] = name
    _switched.add(name)
    call_command("migrate", verbosity=0, interactive=False)
    prepare_state()


def prepare_state() -> None:
    """The generator's own bookkeeping: how far each phase got (only in a generated database)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (phase text PRIMARY KEY, upto bigint NOT NULL)")


class Run:
    """One generation: its sizes, the phases' progress and timings."""

    def __init__(self, *, stdout=None, **sizes):
        self.sizes = sizes
        self.stdout = stdout
        self.timings: list[tuple[str, float]] = []

    def say(self, text: str) -> None:
        if self.stdout:
            self.stdout.write(text)
            self.stdout.flush()

    def done_upto(self, phase: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT upto FROM {STATE_TABLE} WHERE phase = %s", [phase])
            row = cursor.fetchone()
        return row[0] if row else 0

    def step(self, phase: str, label: str, upto: int, body, *, tables=()) -> None:
        """``body(cursor, before)`` in one transaction, unless the phase already reached ``upto``.

        ``before`` is how far the phase got in an earlier run (0 the first time): the body adds what is
        missing between ``before`` and ``upto``. The trigram (GIN) indexes of ``tables`` are dropped for
        the load and built again after it: one build is several times faster than a million inserts.
        """
        before = self.done_upto(phase)
        if before >= upto:
            self.say(f"  {label}：已完成，跳过")
            return
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no history triggers in the bulk load
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(SQL_FUNCTIONS)
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
                [list(tables), "% USING gin %"],
            )
            rebuild = cursor.fetchall()
            for name, _ in rebuild:
                cursor.execute(f'DROP INDEX "{name}"')
            body(cursor, before)
            if rebuild:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _, definition in rebuild:
                cursor.execute(definition)
            cursor.execute(DROP_WORK_TABLES)  # ON COMMIT DROP does not fire inside an outer transaction (tests)
            cursor.execute(
                f"INSERT INTO {STATE_TABLE} (phase, upto) VALUES (%s, %s) "
                "ON CONFLICT (phase) DO UPDATE SET upto = EXCLUDED.upto",
                [phase, upto],
            )
        seconds = time.perf_counter() - started
        self.timings.append((label, seconds))
        self.say(f"  {label}：{seconds:.1f} 秒")

    def count(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            return cursor.fetchone()[0]

    def set_sequence(self, cursor, table: str) -> None:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1)) FROM {table}")

    def analyze(self) -> None:
        """VACUUM ANALYZE: planner statistics, the visibility map (index-only scans), GIN pending lists merged."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.timings.append(("VACUUM ANALYZE", time.perf_counter() - started))
        self.say(f"  VACUUM ANALYZE：{time.perf_counter() - started:.1f} 秒")

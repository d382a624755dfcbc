"""Reads from a streaming replica, only where asked: reports, exports and the statistics workbook.

With DATABASE_REPLICA_URL set, settings add the alias ``replica`` (a hot standby fed by streaming
replication) and ``ReplicaRouter``. The router sends every write, every migration and, by default,
every read to the primary; a read goes to the replica only inside ``replica_reads()``.

The guarantee that nobody reads an older state than the one they asked about: ``replica_reads``
takes a position in the primary's write-ahead log — by default the position at the moment the block
opens, or ``after_lsn`` captured earlier with ``primary_lsn()`` (a background export captures it when
the request enqueues it) — and uses the replica only once the replica has replayed up to that
position (``pg_last_wal_replay_lsn()``). Everything committed before that moment, the user's own
last writes included, is then on the replica. A replica that lags longer than ``wait`` seconds, or
cannot be reached, is not used: the block reads from the primary and says so in the log, so an
export is never stale and never fails because of the replica.

Not for a block that itself wrote in the same transaction: those rows are not committed yet, and
the replica cannot see them. The pages a person opens never read from the replica.
"""

import contextvars
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def primary_lsn() -> str | None:
    """The primary's WAL position now (e.g. ``0/3000148``), or None without a replica.

    Everything committed before this call lies before it. A request that enqueues a background
    export passes it to the task, which reads inside ``replica_reads(after_lsn=...)``.
    """
    if not replica_configured():
        return None
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has_replayed(lsn: str, *, wait: float) -> bool:
    """Whether the replica has replayed the primary's WAL up to ``lsn``, polling for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    try:
        with connections[REPLICA].cursor() as cursor:
            while True:
                # NULL when the alias is not a standby at all (a test's mirror): it is the primary
                cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [lsn])
                if cursor.fetchone()[0]:
                    return True
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)
    except DatabaseError as error:
        logger.warning("只读副本不可用，改从主库读取：%s", error)
        connections[REPLICA].close()
        return False


@contextmanager
def replica_reads(*, after_lsn: str | None = None, wait: float | None = None):
    """Route this block's reads to the replica once it holds everything committed up to ``after_lsn``.

    Yields True when the replica is used, False when the reads stay on the primary (no replica
    configured, the replica lags more than ``wait`` seconds — DATABASE_REPLICA_MAX_WAIT by default —
    or cannot be reached). Writes inside the block still go to the primary.
    """
    use = False
    if replica_configured():
        lsn = after_lsn or primary_lsn()
        use = replica_has_replayed(lsn, wait=settings.DATABASE_REPLICA_MAX_WAIT if wait is None else wait)
        if not use:
            logger.warning("只读副本尚未回放到 %s，本次改从主库读取", lsn)
    token = _replica_reads.set(use)
    try:
        yield use
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads inside replica_reads() go to the replica; everything else, and every write, to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _replica_reads.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA

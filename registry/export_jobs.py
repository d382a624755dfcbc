"""Background exports: the job a large export becomes, its run in the task worker, its download and its end.

The request that starts a large export only stores the exporter's identifier and options and enqueues
``run_export``; the worker rebuilds the exporter for the job's owner (still active, with the rights the export
needs) and writes the file into the database in pieces, where the owner alone may download it until
``expires_at``. The access log row is written at each download, when the file leaves the server.
"""

import datetime
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from registry.db import primary_lsn, replica_reads
from registry.exporters import Exporter, get_exporter
from registry.exporting import file_name, log_export, write_xlsx
from registry.models import ExportFileChunk, ExportJob, ExportStatus
from registry.task_queue import mark_task_failed, queue_position

CHUNK_BYTES = 1024 * 1024  # the file is stored and sent in pieces of this size
HEARTBEAT_LIMIT = datetime.timedelta(minutes=10)
DEAD_MESSAGE = "后台处理已中断（超过10分钟没有任何进展，处理进程可能已停止）。请回到名录重新导出。"
FAILED_MESSAGE = "生成文件时出错，未能导出。请稍后重新导出；如仍失败，请联系系统管理员。"
INACTIVE_MESSAGE = "导出人的账号已停用或删除，未导出。"
AFTER_LSN = "_after_lsn"  # kept with the job's options, not an exporter option
UNKNOWN_MESSAGE = "系统中没有这种导出，未导出。"


def export_reads(job: ExportJob):
    """The one place the export task opens its reads: the streaming replica when there is one, once it has
    replayed everything the primary had committed when the job was started (registry/db.py)."""
    return replica_reads(after_lsn=job.options.get(AFTER_LSN))


def _with_replica_position(options: dict) -> dict:
    lsn = primary_lsn()  # None without a replica: the options stay the exporter's own
    return {**options, AFTER_LSN: lsn} if lsn else dict(options)


def export_start(*, user, exporter: Exporter) -> ExportJob:
    """Keep the export as a job for its owner and hand it to the task worker; answers at once."""
    job = ExportJob.objects.create(
        user=user,
        exporter=exporter.identifier,
        title=exporter.title[:200],
        # the primary's WAL position now: the worker reads the replica only once it has caught up to here
        options=_with_replica_position(exporter.options),
        description=exporter.describe(),
    )
    job.task_id = str(run_export.enqueue(job.pk).id)[:64]
    ExportJob.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


def _update(job: ExportJob, **values) -> None:
    values.setdefault("updated_at", timezone.now())
    ExportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def _fail(job: ExportJob, message: str) -> None:
    ExportFileChunk.objects.filter(job=job).delete()
    _update(job, status=ExportStatus.FAILED, message=message, finished_at=timezone.now())


class _Progress:
    """Counts the rows written and keeps them on the job now and then (also the job's heartbeat)."""

    def __init__(self, job: ExportJob):
        self.job = job
        self.done = 0
        self.saved_at = timezone.now()

    def __call__(self, rows: int) -> None:
        self.done += rows
        now = timezone.now()
        if now - self.saved_at >= datetime.timedelta(seconds=1):
            self.saved_at = now
            ExportJob.objects.filter(pk=self.job.pk).update(progress_done=self.done, updated_at=now)


def _store(job: ExportJob, spool) -> int:
    """The written file into the database in pieces; its size."""
    spool.seek(0)
    size = 0
    with transaction.atomic():
        ExportFileChunk.objects.filter(job=job).delete()
        index = 0
        while piece := spool.read(CHUNK_BYTES):
            ExportFileChunk.objects.create(job=job, index=index, data=piece)
            size += len(piece)
            index += 1
    return size


def export_run(*, job: ExportJob) -> None:
    """Write the job's file (the worker's work); a refusal or an error ends it as 失败 with a Chinese message."""
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    job.status = ExportStatus.RUNNING
    user = job.user
    if not user.is_active:
        _fail(job, INACTIVE_MESSAGE)
        return
    exporter_class = get_exporter(job.exporter)
    if exporter_class is None:
        _fail(job, UNKNOWN_MESSAGE)
        return
    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as spool:
            with export_reads(job):
                options = {key: value for key, value in job.options.items() if key != AFTER_LSN}
                exporter = exporter_class(user=user, options=options)
                exporter.check_allowed()
                total = exporter.estimate_rows(cap=settings.EXPORT_MAX_COUNT) or None
                _update(job, progress_total=total)
                outcome = write_xlsx(exporter, spool, progress=_Progress(job))
            size = _store(job, spool)
    except PermissionDenied as refusal:  # the list is gone or the right to export it was withdrawn
        _fail(job, f"未导出：{refusal}")
        return
    except Exception:
        # never a progress bar that hangs: the job says it failed, and the worker logs the error itself
        _fail(job, FAILED_MESSAGE)
        raise
    now = timezone.now()
    _update(
        job,
        status=ExportStatus.DONE,
        progress_done=outcome.rows,
        row_count=outcome.rows,
        file_name=file_name(exporter)[:255],
        file_size=size,
        access_entries=outcome.access_entries,
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )


def export_job_for(*, user, pk) -> ExportJob | None:
    """The user's own job ``pk``; None for anyone else's (the page answers 404)."""
    return ExportJob.objects.owned_by(user).filter(pk=pk).first()


def export_is_expired(job: ExportJob) -> bool:
    return job.status == ExportStatus.EXPIRED or (
        job.status == ExportStatus.DONE and job.expires_at is not None and job.expires_at <= timezone.now()
    )


def export_download(*, request, job: ExportJob):
    """The file's bytes, piece by piece, after logging that it leaves the server (who, which records, fields)."""
    log_export(request=request, user=request.user, entries=job.access_entries)
    pieces = ExportFileChunk.objects.filter(job=job).order_by("index").values_list("pk", flat=True)
    ids = list(pieces)

    def stream():
        for pk in ids:  # one piece in memory at a time
            yield bytes(ExportFileChunk.objects.values_list("data", flat=True).get(pk=pk))

    return stream()


def export_queue_position(*, job: ExportJob) -> int | None:
    return queue_position(job.task_id) if job.status == ExportStatus.QUEUED else None


def export_detect_dead(*, job: ExportJob) -> bool:
    """End a running job whose worker fell silent as 失败; True when it was."""
    if job.status != ExportStatus.RUNNING:
        return False
    now = timezone.now()
    cutoff = now - HEARTBEAT_LIMIT
    if job.updated_at >= cutoff:
        return False
    if not ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING, updated_at__lt=cutoff).update(
        status=ExportStatus.FAILED, message=DEAD_MESSAGE, finished_at=now, updated_at=now
    ):
        return False
    job.status, job.message, job.finished_at = ExportStatus.FAILED, DEAD_MESSAGE, now
    mark_task_failed(job.task_id, now=now)
    return True


def export_prune(*, now=None) -> int:
    """Delete the files of jobs past their time (their rows stay, 已过期) and end dead jobs; how many expired."""
    now = now or timezone.now()
    for job in ExportJob.objects.filter(status=ExportStatus.RUNNING, updated_at__lt=now - HEARTBEAT_LIMIT):
        export_detect_dead(job=job)
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    with transaction.atomic():
        ExportFileChunk.objects.filter(job__in=expired).delete()
        return expired.update(status=ExportStatus.EXPIRED, updated_at=now)


# ---------------------------------------------------------------------------------------------
# The worker's entry point (manage.py db_worker)


@task()
def run_export(job_id: int) -> None:
    job = ExportJob.objects.filter(pk=job_id).select_related("user").first()
    if job is not None:
        export_run(job=job)

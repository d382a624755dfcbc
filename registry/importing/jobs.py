"""The life of an import record: upload, validate, confirm, commit, cancel — in the request or in the worker.

The background tasks are defined here, next to the services they run, so that enqueuing one needs no
import of a module that imports us back; registry/tasks.py re-exports them for the worker.
"""

import datetime
import hashlib

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.tasks import task
from django.utils import timezone

from registry.choices import AccessAction
from registry.importing.cells import (
    ACTION_CREATE,
    ACTION_ERROR,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    ImportCancelled,
    ImportRefused,
    PreviewOutdated,
)
from registry.importing.commit import CommitFailed, commit, preview
from registry.importing.plan import WritePlan
from registry.importing.reader import inspect_file, size_message
from registry.importing.spec import ImportSpec, get_spec
from registry.importing.workbooks import build_error_report
from registry.models import ImportRecord, ImportStatus
from registry.permissions import may_download_import_errors
from registry.personal import record_access
from registry.task_queue import mark_task_failed, queue_position


def _spec_of(record: ImportRecord) -> ImportSpec:
    spec = get_spec(record.model_key)
    if spec is None:
        raise ImportRefused(f"系统中没有“{record.model_label}”的导入设置。")
    return spec


def _finish(record: ImportRecord, *, status: str, message: str = "", **fields) -> None:
    """End the record: no upload is kept past this point (the error report lives in ``result``)."""
    values = {
        "status": status,
        "message": message,
        "file_content": None,
        "plan": None,
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
        **fields,
    }
    ImportRecord.objects.filter(pk=record.pk).update(**values)
    for name, value in values.items():
        setattr(record, name, value)


def import_upload(*, user, spec: ImportSpec, upload) -> ImportRecord:
    """Keep the upload as an import record and validate it: here when small, in the worker when large.

    A file refused as a whole (too large, not .xlsx, encrypted, damaged, another model's) ends as
    a 失败 record with the reason; nothing else is written.
    """
    if not spec.can_import(user):
        raise PermissionDenied(f"您没有导入“{spec.title}”的权限（需要新增和修改权限）。")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    record = ImportRecord.objects.create(
        user=user,
        username=user.get_username(),
        model_key=spec.key,
        model_label=spec.title,
        file_name=(upload.name or "")[:255],
        file_sha256=digest.hexdigest(),
        file_size=upload.size or 0,
    )
    if upload.size > settings.IMPORT_MAX_FILE_SIZE:
        _finish(record, status=ImportStatus.FAILED, message=size_message(upload.size))
        return record
    upload.seek(0)
    content = upload.read()
    try:
        layout = inspect_file(spec, content)
    except ImportRefused as refusal:
        _finish(record, status=ImportStatus.FAILED, message=str(refusal))
        return record
    record.file_content = content
    record.save(update_fields=["file_content", "updated_at"])
    small = layout.estimated_rows is not None and layout.estimated_rows <= settings.IMPORT_INLINE_MAX_ROWS
    _run_or_enqueue(record, inline=small, run=import_validate, task=validate_import)
    return record


def _run_or_enqueue(record: ImportRecord, *, inline: bool, run, task) -> None:
    """A small job runs within the request; a larger one goes to the task worker, its task id kept on the record."""
    if inline:
        run(record=record)
        return
    record.task_id = str(task.enqueue(record.pk).id)[:64]
    ImportRecord.objects.filter(pk=record.pk).update(task_id=record.task_id)


class _ValidationProgress:
    """Writes the percentage now and then; a record no longer 校验中 means the user cancelled."""

    def __init__(self, record: ImportRecord):
        self.record = record
        self.last = -1

    def __call__(self, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent < self.last + 2:
            return
        self.last = percent
        # updated_at is the job's heartbeat (see HEARTBEAT_LIMIT)
        updated = ImportRecord.objects.filter(pk=self.record.pk, status=ImportStatus.VALIDATING).update(
            progress=percent, updated_at=timezone.now()
        )
        if not updated:
            raise ImportCancelled


def import_validate(*, record: ImportRecord) -> None:
    """Validate every row and keep the preview on the record (status 待确认); write nothing else."""
    if record.status != ImportStatus.VALIDATING:
        return
    try:
        spec = _spec_of(record)
        if record.user is None or not record.user.is_active:
            raise ImportRefused("上传人的账号已停用或删除。")
        plan = WritePlan(spec) if spec.writes_in_bulk else None
        counts, result = preview(
            spec, record.user, bytes(record.file_content or b""), progress=_ValidationProgress(record), plan=plan
        )
    except ImportCancelled:
        return
    except ImportRefused as refusal:
        _finish(record, status=ImportStatus.FAILED, message=str(refusal))
        return
    values = {
        "status": ImportStatus.PENDING,
        "progress": 100,
        "total_rows": counts["total"],
        "create_count": counts[ACTION_CREATE],
        "update_count": counts[ACTION_UPDATE],
        "unchanged_count": counts[ACTION_UNCHANGED],
        "error_count": counts[ACTION_ERROR],
        "result": result,
        "plan": plan.dumps() if plan is not None else None,
        "updated_at": timezone.now(),
    }
    # only if still 校验中: a cancel that came in meanwhile wins
    if ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.VALIDATING).update(**values):
        for name, value in values.items():
            setattr(record, name, value)


# ---------------------------------------------------------------------------------------------
# Jobs in the worker: their place in the queue, and the ones whose worker died

# A running job writes its progress, and with it updated_at, every few seconds (every 2% of the rows).
# One silent for this long has lost its worker (killed, out of memory, machine restarted); the database
# has rolled back its transaction, so nothing of it was written.
HEARTBEAT_LIMIT = datetime.timedelta(minutes=10)
DEAD_MESSAGE = (
    "后台处理已中断（超过10分钟没有任何进展，处理进程可能已停止），已全部撤销，数据未作任何修改。"
    "可以点击“重试”重新处理这个文件。"
)


def import_queue_position(*, record: ImportRecord) -> int | None:
    """The job's place in the worker's queue (1: taken next), or None when it is not waiting there."""
    return queue_position(record.task_id) if record.is_active else None


def import_detect_dead(*, record: ImportRecord) -> bool:
    """End a job whose worker is gone as 失败, keeping its file so it can be retried; True when it was."""
    if not record.is_active or import_queue_position(record=record) is not None:
        return False
    now = timezone.now()
    cutoff = now - HEARTBEAT_LIMIT
    if record.updated_at >= cutoff:
        return False
    values = {"status": ImportStatus.FAILED, "message": DEAD_MESSAGE, "finished_at": now, "updated_at": now}
    # only if still silent: a heartbeat that came in meanwhile wins
    if not ImportRecord.objects.filter(pk=record.pk, status=record.status, updated_at__lt=cutoff).update(**values):
        return False
    for name, value in values.items():
        setattr(record, name, value)
    mark_task_failed(record.task_id, now=now)
    return True


def import_end_dead_jobs(*, records=None) -> int:
    """End every job among ``records`` (default: all) whose worker fell silent; how many were ended.

    The import list and the daily maintenance command call it, so a dead job is marked failed and
    offered for retry even if nobody opens its own page.
    """
    cutoff = timezone.now() - HEARTBEAT_LIMIT
    records = ImportRecord.objects.all() if records is None else records
    silent = records.filter(status__in=ImportRecord.ACTIVE_STATUSES, updated_at__lt=cutoff).defer(
        "file_content", "plan"
    )
    return sum(import_detect_dead(record=record) for record in silent)


def import_retry(*, user, record: ImportRecord) -> ImportRecord:
    """Run an interrupted job again from the kept file: the validation, or the commit of the confirmed preview."""
    _check_owner(user, record)
    if record.status != ImportStatus.FAILED or record.file_content is None:
        raise ValidationError("只有被中断的导入可以重试。")
    committing = bool(record.result)  # a preview was made and confirmed: it was the commit that died
    status = ImportStatus.IMPORTING if committing else ImportStatus.VALIDATING
    values = {"status": status, "progress": 0, "message": "", "finished_at": None, "task_id": ""}
    values["updated_at"] = timezone.now()
    if not ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.FAILED).update(**values):
        raise ValidationError("该导入已在重试。")
    for name, value in values.items():
        setattr(record, name, value)
    run, task = (import_commit, commit_import) if committing else (import_validate, validate_import)
    small = bool(record.total_rows) and record.total_rows <= settings.IMPORT_INLINE_MAX_ROWS
    _run_or_enqueue(record, inline=small, run=run, task=task)
    return record


# ---------------------------------------------------------------------------------------------
# Retention

# The cells of bad rows (masked as stored) are kept this long after the import ended, for the error report;
# then only the reasons stay (manage.py prune_import_records, run daily).
RETENTION = datetime.timedelta(days=90)


def import_prune(*, older_than: datetime.timedelta = RETENTION) -> int:
    """Drop the kept cells of the bad rows (and any file) of imports that ended before the retention period."""
    cutoff = timezone.now() - older_than
    pruned = 0
    ended = ImportRecord.objects.filter(finished_at__lt=cutoff).exclude(result={})
    for record in ended.only("pk", "result").iterator(chunk_size=200):
        errors = record.result.get("errors", [])
        if not any(error.get("values") for error in errors):
            continue
        result = {**record.result, "errors": [{**error, "values": []} for error in errors]}
        ImportRecord.objects.filter(pk=record.pk).update(result=result, file_content=None, plan=None)
        pruned += 1
    ImportRecord.objects.filter(finished_at__lt=cutoff, file_content__isnull=False).update(file_content=None, plan=None)
    return pruned


def _check_owner(user, record: ImportRecord) -> None:
    if record.user_id != user.pk:
        raise PermissionDenied("只有上传该文件的用户本人可以确认或取消导入。")


def import_request_commit(*, user, record: ImportRecord, confirmed_errors: int) -> ImportRecord:
    """The user confirmed the preview: import the good rows, here when small, in the worker when large.

    ``confirmed_errors`` is the number of bad rows the confirmation page showed; rows are
    skipped only when it matches, so no row is left out that the user has not seen.
    """
    _check_owner(user, record)
    spec = _spec_of(record)
    if not spec.can_import(user):
        raise PermissionDenied(f"您没有导入“{spec.title}”的权限（需要新增和修改权限）。")
    if record.status != ImportStatus.PENDING:
        raise ValidationError("该导入不在“待确认”状态，不能再确认。")
    if spec.all_or_nothing and record.error_count:
        raise ValidationError(
            f"「{spec.title}」须整个文件没有错误才能导入（没有写入任何数据）：请改正错误行后重新上传。"
        )
    if confirmed_errors != record.error_count:
        raise ValidationError("确认的错误行数与预览不一致，请刷新页面核对预览后再确认。")
    if record.create_count + record.update_count == 0:
        raise ValidationError("没有需要新增或更新的数据。")
    # one confirmation only, even if the button is pressed twice
    if not ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.IMPORTING, progress=0, updated_at=timezone.now()
    ):
        raise ValidationError("该导入已在进行或已结束。")
    record.status, record.progress = ImportStatus.IMPORTING, 0
    small = record.total_rows <= settings.IMPORT_INLINE_MAX_ROWS
    _run_or_enqueue(record, inline=small, run=import_commit, task=commit_import)
    return record


class _CommitProgress:
    """Progress of the commit, which runs in one transaction.

    Writes inside that transaction would stay invisible until it ends, so in the worker
    (no transaction around us) the percentage goes through a second connection in autocommit.
    Inside a request the commit is small and quick, and a second connection could wait on
    locks the request holds: no progress is written then.
    """

    def __init__(self, record: ImportRecord):
        self.record_id = record.pk
        self.last = -1
        self.side = None if connection.in_atomic_block else connections.create_connection(DEFAULT_DB_ALIAS)
        self.table = ImportRecord._meta.db_table

    def __call__(self, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if self.side is None or percent < self.last + 2:
            return
        self.last = percent
        try:
            with self.side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    f'UPDATE "{self.table}" SET progress = %s, updated_at = %s WHERE id = %s',
                    [percent, timezone.now(), self.record_id],
                )
        except OperationalError:
            # progress is only shown, never relied on: give up on it rather than on the import
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _preview_again(record: ImportRecord, *, message: str) -> None:
    values = {"status": ImportStatus.VALIDATING, "progress": 0, "message": message, "updated_at": timezone.now()}
    ImportRecord.objects.filter(pk=record.pk).update(**values)
    for name, value in values.items():
        setattr(record, name, value)
    import_validate(record=record)


def import_commit(*, record: ImportRecord) -> None:
    """Write the good rows in one transaction through the spec's services; any failure writes nothing."""
    if record.status != ImportStatus.IMPORTING:
        return
    progress = _CommitProgress(record)
    finished = False
    try:
        spec = _spec_of(record)
        error_rows = {error["row"] for error in record.result.get("errors", [])}
        with pghistory.context(source="Excel导入", import_id=record.pk, user=record.user_id):
            counts = commit(
                spec,
                record.user,
                bytes(record.file_content or b""),
                error_rows=error_rows,
                shown=record.result,
                progress=progress,
                plan=WritePlan.loads(spec, record.plan),
            )
    except PreviewOutdated as outdated:
        # nothing was written; the user sees the preview of the data as it is now and confirms again
        progress.close()
        finished = True
        _preview_again(record, message=str(outdated))
    except (ImportRefused, CommitFailed) as failure:
        message = f"导入未完成，已全部撤销，数据未作任何修改。原因：{failure}"
        _finish(record, status=ImportStatus.FAILED, message=message)
        finished = True
    else:
        skipped = counts[ACTION_ERROR]
        message = (
            f"已新增 {counts[ACTION_CREATE]} 行，更新 {counts[ACTION_UPDATE]} 行，"
            f"无变化 {counts[ACTION_UNCHANGED]} 行" + (f"，跳过有错误的 {skipped} 行。" if skipped else "。")
        )
        _finish(
            record,
            status=ImportStatus.DONE,
            message=message,
            progress=100,
            create_count=counts[ACTION_CREATE],
            update_count=counts[ACTION_UPDATE],
            unchanged_count=counts[ACTION_UNCHANGED],
            error_count=skipped,
        )
        finished = True
    finally:
        progress.close()
        if not finished:
            # an unexpected error is re-raised (the worker logs it); the record must not stay 导入中
            _finish(record, status=ImportStatus.FAILED, message="导入时发生系统错误，已全部撤销。请联系管理员。")


def import_error_report(*, request, record: ImportRecord) -> bytes:
    """The bad rows as an .xlsx with their reasons: the uploader's own cells, personal data masked as stored.

    Only the uploader or a user who may see personal data gets it; when the data type has personal
    columns, handing it out is logged as an export of them.
    """
    user = request.user
    if not may_download_import_errors(user, record):
        raise PermissionDenied("错误报告含有上传文件的原始内容，只有上传人或有权查看个人信息的用户可以下载。")
    spec = get_spec(record.model_key)
    personal = spec.personal_headers if spec else []
    if personal:
        record_access(
            request=request,
            action=AccessAction.EXPORT,
            target_model=record.model_label,
            target_repr=f"导入错误报告：{record.file_name}",
            fields="、".join(personal),
            detail={"import_record": record.pk, "rows": len(record.result["errors"]), "personal_in_clear": False},
        )
    return build_error_report(record.result, spec=spec, user=user)


def import_cancel(*, user, record: ImportRecord) -> ImportRecord:
    _check_owner(user, record)
    if not ImportRecord.objects.filter(pk=record.pk, status__in=[ImportStatus.VALIDATING, ImportStatus.PENDING]).update(
        status=ImportStatus.CANCELLED
    ):
        raise ValidationError("该导入已在写入或已结束，不能取消。")
    _finish(record, status=ImportStatus.CANCELLED, message="已取消，未导入任何数据。")
    return record


# ---------------------------------------------------------------------------------------------
# The worker's entry points (manage.py db_worker)


@task()
def validate_import(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).select_related("user").first()
    if record is not None:
        import_validate(record=record)


@task()
def commit_import(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).select_related("user").first()
    if record is not None:
        import_commit(record=record)

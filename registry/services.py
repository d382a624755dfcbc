"""Writes of the registry core: regions, and the life of an import record (upload, validate, commit, cancel)."""

import hashlib

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.utils import timezone

from registry import importing
from registry.choices import AccessAction
from registry.models import ImportRecord, ImportStatus, Region
from registry.permissions import may_download_import_errors
from registry.personal import record_access
from registry.scoping import ensure_still_visible

# ---------------------------------------------------------------------------------------------
# Regions


@transaction.atomic
def region_create(*, user, data: dict) -> Region:
    region = Region(**data)
    if region.parent_id:
        # the path is derived from the parent's path as it is now, not as a caller loaded it
        region.parent = Region.objects.get(pk=region.parent_id)
    region.full_clean()
    region.save()
    ensure_still_visible(user, region)
    return region


@transaction.atomic
def region_update(*, user, instance: Region, data: dict) -> Region:
    """Apply ``data`` to a region of the user's scope; moving it re-roots its subtree (Region.save)."""
    # locked and fresh: Region.save re-roots the subtree from the path it reads here
    region = Region.objects.select_for_update().get(pk=instance.pk)
    ensure_still_visible(user, region)
    for name, value in data.items():
        setattr(region, name, value)
    if region.parent_id:
        region.parent = Region.objects.get(pk=region.parent_id)
    region.full_clean()
    region.save()
    ensure_still_visible(user, region)
    return region


# ---------------------------------------------------------------------------------------------
# Import records


def _spec_of(record: ImportRecord) -> importing.ImportSpec:
    spec = importing.get_spec(record.model_key)
    if spec is None:
        raise importing.ImportRefused(f"系统中没有“{record.model_label}”的导入设置。")
    return spec


def _finish(record: ImportRecord, *, status: str, message: str = "", **fields) -> None:
    """End the record: no upload is kept past this point (the error report lives in ``result``)."""
    values = {
        "status": status,
        "message": message,
        "file_content": None,
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
        **fields,
    }
    ImportRecord.objects.filter(pk=record.pk).update(**values)
    for name, value in values.items():
        setattr(record, name, value)


def import_upload(*, user, spec: importing.ImportSpec, upload) -> ImportRecord:
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
        _finish(record, status=ImportStatus.FAILED, message=importing.size_message(upload.size))
        return record
    upload.seek(0)
    content = upload.read()
    try:
        layout = importing.inspect_file(spec, content)
    except importing.ImportRefused as refusal:
        _finish(record, status=ImportStatus.FAILED, message=str(refusal))
        return record
    record.file_content = content
    record.save(update_fields=["file_content", "updated_at"])
    if layout.estimated_rows is not None and layout.estimated_rows <= settings.IMPORT_INLINE_MAX_ROWS:
        import_validate(record=record)
    else:
        from registry.tasks import validate_import

        result = validate_import.enqueue(record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id)[:64])
        record.task_id = str(result.id)[:64]
    return record


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
        updated = ImportRecord.objects.filter(pk=self.record.pk, status=ImportStatus.VALIDATING).update(
            progress=percent
        )
        if not updated:
            raise importing.ImportCancelled


def import_validate(*, record: ImportRecord) -> None:
    """Validate every row and keep the preview on the record (status 待确认); write nothing else."""
    if record.status != ImportStatus.VALIDATING:
        return
    try:
        spec = _spec_of(record)
        if record.user is None or not record.user.is_active:
            raise importing.ImportRefused("上传人的账号已停用或删除。")
        counts, result = importing.preview(
            spec, record.user, bytes(record.file_content or b""), progress=_ValidationProgress(record)
        )
    except importing.ImportCancelled:
        return
    except importing.ImportRefused as refusal:
        _finish(record, status=ImportStatus.FAILED, message=str(refusal))
        return
    values = {
        "status": ImportStatus.PENDING,
        "progress": 100,
        "total_rows": counts["total"],
        "create_count": counts[importing.ACTION_CREATE],
        "update_count": counts[importing.ACTION_UPDATE],
        "unchanged_count": counts[importing.ACTION_UNCHANGED],
        "error_count": counts[importing.ACTION_ERROR],
        "result": result,
        "updated_at": timezone.now(),
    }
    # only if still 校验中: a cancel that came in meanwhile wins
    if ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.VALIDATING).update(**values):
        for name, value in values.items():
            setattr(record, name, value)


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
    if record.total_rows <= settings.IMPORT_INLINE_MAX_ROWS:
        import_commit(record=record)
    else:
        from registry.tasks import commit_import

        result = commit_import.enqueue(record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id)[:64])
        record.task_id = str(result.id)[:64]
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
                cursor.execute(f'UPDATE "{self.table}" SET progress = %s WHERE id = %s', [percent, self.record_id])
        except OperationalError:
            # progress is only shown, never relied on: give up on it rather than on the import
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


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
            counts = importing.commit(
                spec, record.user, bytes(record.file_content or b""), error_rows=error_rows, progress=progress
            )
    except (importing.ImportRefused, importing.CommitFailed) as failure:
        message = f"导入未完成，已全部撤销，数据未作任何修改。原因：{failure}"
        _finish(record, status=ImportStatus.FAILED, message=message)
        finished = True
    else:
        skipped = counts[importing.ACTION_ERROR]
        message = (
            f"已新增 {counts[importing.ACTION_CREATE]} 行，更新 {counts[importing.ACTION_UPDATE]} 行，"
            f"无变化 {counts[importing.ACTION_UNCHANGED]} 行" + (f"，跳过有错误的 {skipped} 行。" if skipped else "。")
        )
        _finish(
            record,
            status=ImportStatus.DONE,
            message=message,
            progress=100,
            create_count=counts[importing.ACTION_CREATE],
            update_count=counts[importing.ACTION_UPDATE],
            unchanged_count=counts[importing.ACTION_UNCHANGED],
            error_count=skipped,
        )
        finished = True
    finally:
        progress.close()
        if not finished:
            # an unexpected error is re-raised (the worker logs it); the record must not stay 导入中
            _finish(record, status=ImportStatus.FAILED, message="导入时发生系统错误，已全部撤销。请联系管理员。")


def import_error_report(*, request, record: ImportRecord) -> bytes:
    """The bad rows as an .xlsx with their reasons: the uploader's own cells, personal data included.

    Only the uploader or a user who may see personal data gets it; when the data type has personal
    columns, handing it out is logged as an export of them.
    """
    user = request.user
    if not may_download_import_errors(user, record):
        raise PermissionDenied("错误报告含有上传文件的原始内容，只有上传人或有权查看个人信息的用户可以下载。")
    spec = importing.get_spec(record.model_key)
    personal = spec.personal_headers if spec else []
    if personal:
        record_access(
            request=request,
            action=AccessAction.EXPORT,
            target_model=record.model_label,
            target_repr=f"导入错误报告：{record.file_name}",
            fields="、".join(personal),
            detail={"import_record": record.pk, "rows": len(record.result["errors"]), "personal_in_clear": True},
        )
    return importing.build_error_report(record.result)


def import_cancel(*, user, record: ImportRecord) -> ImportRecord:
    _check_owner(user, record)
    if not ImportRecord.objects.filter(pk=record.pk, status__in=[ImportStatus.VALIDATING, ImportStatus.PENDING]).update(
        status=ImportStatus.CANCELLED
    ):
        raise ValidationError("该导入已在写入或已结束，不能取消。")
    _finish(record, status=ImportStatus.CANCELLED, message="已取消，未导入任何数据。")
    return record

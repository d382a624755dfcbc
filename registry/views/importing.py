"""Excel import pages: template download, upload, preview with progress, commit or cancel, error report, records."""

import datetime
import io
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from registry import importing
from registry.importing import jobs
from registry.models import ImportRecord, ImportStatus
from registry.permissions import may_download_import_errors
from registry.views.generic import progress_fragment

PAGE_SIZE = 100
STALLED_AFTER = datetime.timedelta(minutes=2)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要上传的 .xlsx 文件。", "empty": "上传的文件是空的。"},
    )


def _spec_for(user, model_key: str) -> importing.ImportSpec:
    spec = importing.get_spec(model_key)
    if spec is None:
        raise Http404("没有这类数据的导入。")
    if not spec.can_import(user):
        raise PermissionDenied(f"您没有导入“{spec.title}”的权限（需要新增和修改权限）。")
    return spec


def _record_for(user, pk: int) -> ImportRecord:
    # the upload itself is never needed to show a record
    return get_object_or_404(
        ImportRecord.objects.visible_to(user).select_related("user").defer("file_content", "plan"), pk=pk
    )


def _xlsx_response(content: bytes, filename: str) -> FileResponse:
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
    response["Content-Type"] = importing.XLSX_CONTENT_TYPE
    return response


@require_GET
def import_template_view(request, model_key):
    spec = _spec_for(request.user, model_key)
    return _xlsx_response(importing.build_template(spec, request.user), f"{spec.title}导入模板.xlsx")


def import_upload_view(request, model_key):
    spec = _spec_for(request.user, model_key)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = jobs.import_upload(user=request.user, spec=spec, upload=form.cleaned_data["file"])
        if record.status != ImportStatus.FAILED:
            return redirect("registry:import_record", pk=record.pk)
        form.add_error("file", record.message)
    recent = (
        ImportRecord.objects.visible_to(request.user)
        .filter(model_key=spec.key, user=request.user)
        .defer("file_content", "plan", "result")[:10]
    )
    return render(
        request,
        "registry/import_upload.html",
        {"spec": spec, "form": form, "recent": recent, "page_title": f"导入{spec.title}"},
    )


def _list_url(spec: importing.ImportSpec | None) -> str | None:
    """The model's list page (registry.catalog names it <app>:<model>_list), to see the imported records."""
    if spec is None:
        return None
    opts = spec.model._meta
    try:
        return reverse(f"{opts.app_label}:{opts.model_name}_list")
    except NoReverseMatch:
        return None


def _job_state(record: ImportRecord) -> dict:
    """Where a background job stands: ended as failed if its worker died, else its place in the queue."""
    jobs.import_detect_dead(record=record)
    position = jobs.import_queue_position(record=record)
    stalled = (
        record.is_active
        and position is None
        and record.progress == 0
        and timezone.now() - record.updated_at > STALLED_AFTER
    )
    return {"queue_position": position, "stalled": stalled}


def _page(request, items: list, param: str):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


@require_GET
def import_record_view(request, pk):
    record = _record_for(request.user, pk)
    job_state = _job_state(record)  # first: it may end a dead job as failed
    result = record.result or {}
    is_owner = record.user_id == request.user.pk
    spec = importing.get_spec(record.model_key)
    context = {
        "record": record,
        "spec": spec,
        "list_url": _list_url(spec),
        "is_owner": is_owner,
        "can_download_errors": bool(result.get("errors")) and may_download_import_errors(request.user, record),
        "error_page": _page(request, result.get("errors", []), "errors_page"),
        "update_page": _page(request, result.get("updates", []), "updates_page"),
        "create_page": _page(request, result.get("creates", []), "creates_page"),
        "ignored": result.get("ignored", []),
        "missing": result.get("missing", []),
        "sheet": result.get("sheet", ""),
        "writable_count": record.create_count + record.update_count,
        "can_retry": is_owner and record.status == ImportStatus.FAILED and record.file_content is not None,
        **job_state,
        "page_title": f"导入记录 #{record.pk}",
    }
    return render(request, "registry/import_record.html", context)


@require_GET
def import_record_status_view(request, pk):
    """The progress fragment the record page polls; once the work is done the page reloads itself."""
    record = _record_for(request.user, pk)
    context = {"record": record, **_job_state(record)}
    return progress_fragment(request, "includes/import_progress.html", context, active=record.is_active)


@require_POST
def import_commit_view(request, pk):
    record = _record_for(request.user, pk)
    try:
        confirmed = int(request.POST.get("confirmed_errors", "-1"))
    except ValueError:
        confirmed = -1
    try:
        jobs.import_request_commit(user=request.user, record=record, confirmed_errors=confirmed)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("registry:import_record", pk=record.pk)


def _act_on_record(request, pk, service, *, done: str | None = None):
    """Run one of the record's services for its owner; a refusal is shown on the record's page."""
    record = _record_for(request.user, pk)
    try:
        service(user=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if done:
            messages.info(request, done)
    return redirect("registry:import_record", pk=record.pk)


@require_POST
def import_cancel_view(request, pk):
    return _act_on_record(request, pk, jobs.import_cancel, done="已取消本次导入，未写入任何数据。")


@require_POST
def import_retry_view(request, pk):
    return _act_on_record(request, pk, jobs.import_retry)


@require_GET
def import_error_report_view(request, pk):
    record = _record_for(request.user, pk)
    if not (record.result or {}).get("errors"):
        raise Http404("该导入没有错误行。")
    stem = PurePath(record.file_name).stem or record.model_label
    content = jobs.import_error_report(request=request, record=record)
    return _xlsx_response(content, f"{stem}-错误报告.xlsx")


@require_GET
def import_list_view(request):
    jobs.import_end_dead_jobs(records=ImportRecord.objects.visible_to(request.user))
    records = (
        ImportRecord.objects.visible_to(request.user)
        .select_related("user")
        .defer("file_content", "plan", "result")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    specs = [
        {
            "spec": spec,
            "upload_url": reverse("registry:import_upload", args=[spec.key]),
            "template_url": reverse("registry:import_template", args=[spec.key]),
        }
        for spec in importing.specs_for(request.user)
    ]
    return render(request, "registry/import_list.html", {"page_obj": page, "specs": specs, "page_title": "导入记录"})

"""A background export's pages: its progress, its download (its owner's alone, until it expires), 我的导出."""

import datetime

from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from registry import export_jobs
from registry.exporting import XLSX_CONTENT_TYPE
from registry.models import ExportJob, ExportStatus
from registry.views.generic import progress_fragment

PAGE_SIZE = 50
STALLED_AFTER = datetime.timedelta(minutes=2)
NOT_FOUND_MESSAGE = "导出文件不存在，或不是您导出的。"


def _job_for(user, pk) -> ExportJob:
    job = export_jobs.export_job_for(user=user, pk=pk)
    if job is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return job


def _state(job: ExportJob) -> dict:
    export_jobs.export_detect_dead(job=job)
    position = export_jobs.export_queue_position(job=job)
    stalled = (
        job.status == ExportStatus.QUEUED and position is None and timezone.now() - job.updated_at > STALLED_AFTER
    )
    return {"job": job, "queue_position": position, "stalled": stalled, "expired": export_jobs.export_is_expired(job)}


@require_GET
def export_job_view(request, pk):
    job = _job_for(request.user, pk)
    return render(request, "registry/export_job.html", {**_state(job), "page_title": job.title})


@require_GET
def export_job_status_view(request, pk):
    """The progress fragment the job page polls; once the file is ready (or the job failed) the page reloads."""
    job = _job_for(request.user, pk)
    return progress_fragment(request, "includes/export_progress.html", _state(job), active=job.is_active)


@require_GET
def export_download_view(request, pk):
    job = _job_for(request.user, pk)
    if export_jobs.export_is_expired(job):
        return render(request, "registry/export_expired.html", {"job": job}, status=410)
    if job.status != ExportStatus.DONE:
        return redirect("registry:export_job", pk=job.pk)
    response = StreamingHttpResponse(
        export_jobs.export_download(request=request, job=job), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Length"] = str(job.file_size)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.file_name)
    return response


@require_GET
def export_list_view(request):
    """我的导出: the user's own export jobs, newest first."""
    jobs = ExportJob.objects.owned_by(request.user).defer("access_entries")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "registry/export_list.html", {"page_obj": page, "now": now, "page_title": "我的导出"})

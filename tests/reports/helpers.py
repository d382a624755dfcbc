"""The workbook as a person gets it: the request starts a background export, the worker writes it, the owner
downloads it from the job's page."""

from django.urls import reverse

from registry import export_jobs
from registry.models import ExportJob, ExportStatus


def workbook_bytes(client, query: str) -> bytes:
    response = client.get(f"/reports/workbook/?{query}")
    assert response.status_code == 302, response.content[:500]
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("registry:export_job", args=[job.pk])
    assert job.exporter == "statistics"
    export_jobs.export_run(job=ExportJob.objects.select_related("user").get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    download = client.get(reverse("registry:export_download", args=[job.pk]))
    assert download.status_code == 200, download.content[:500]
    assert download["Content-Disposition"].startswith("attachment")
    return b"".join(download.streaming_content)

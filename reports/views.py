"""The 统计报表 page (period, scope, briefing to copy, the figures) and the workbook's download."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from registry.export_jobs import export_start
from registry.models import Region

from .briefing import briefing
from .exporters import StatisticsWorkbook, place_name
from .forms import StatisticsForm
from .periods import Period
from .permissions import may_pull_statistics


def _require_export(user):
    if not may_pull_statistics(user):
        raise PermissionDenied("您没有导出统计报表的权限。")


def _read(request) -> tuple[StatisticsForm, StatisticsWorkbook | None]:
    """The form over the request (this year by default) and, when it reads, the workbook it asks for.

    A region outside the user's scope is a 404, as any record outside it is; not a message confirming it exists.
    """
    query = request.GET.copy()
    if "period" not in query:
        query.update(Period.year(timezone.localdate().year).query())
    region_pk = query.get("region", "")
    if region_pk and (
        not region_pk.isdigit() or not Region.objects.visible_to(request.user).filter(pk=region_pk).exists()
    ):
        raise Http404("区域不存在或不在您的管辖范围内。")
    form = StatisticsForm(query, user=request.user)
    if not form.is_valid():
        return form, None
    region = form.cleaned_data.get("region")
    return form, StatisticsWorkbook(user=request.user, period=form.period_value(), region=region)


def statistics_view(request):
    _require_export(request.user)
    form, workbook = _read(request)
    context = {"title": "统计报表", "form": form, "fields": list(form), "workbook": workbook}
    if workbook is not None:
        query = {
            **workbook.period.query(),
            **({"region": workbook.region.pk} if form.cleaned_data.get("region") else {}),
        }
        context.update(
            briefing=briefing(user=request.user, period=workbook.period, region=workbook.region),
            topics=workbook.topics(),
            place=place_name(workbook.region),
            download_url=f"{reverse('reports:workbook')}?{urlencode(query)}",
        )
    return render(request, "reports/statistics.html", context)


def workbook_view(request):
    """The workbook runs in the task worker: the request answers at once with the job's progress page."""
    _require_export(request.user)
    form, workbook = _read(request)
    if workbook is None:
        return render(
            request, "reports/statistics.html", {"title": "统计报表", "form": form, "fields": list(form)}, status=400
        )
    job = export_start(user=request.user, exporter=workbook)
    return redirect("registry:export_job", pk=job.pk)

"""The 承办单位办理情况 page and its export (through the one exporter, registry.exporting)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from registry.exporting import export_response
from registry.permissions import EXPORT_PERMISSION, may_export
from registry.views.generic import ModelPermissionMixin

from . import supervision
from .choices import ItemKind
from .models import Department

KIND_LABELS = dict(supervision.KIND_CHOICES)
# the list filters the page offers (the kind's own: 专题协商会, 类别, 会议); any other rides along unchanged
SHOWN_FILTERS = ("year", "region", "consultation", "category", "meeting")


class DepartmentFiguresView(ModelPermissionMixin, TemplateView):
    """Each 承办单位's 交办、签收、答复、办结、逾期、答复天数与满意度, for one kind (or all) and the lists' filters."""

    model = Department
    template_name = "proposals/department_figures.html"

    def report(self) -> dict:
        query = self.request.GET
        kind = query.get("kind") or ItemKind.PROPOSAL.value
        data = supervision.list_filters(query)
        if kind not in KIND_LABELS:
            return {"kind": kind, "data": data, "errors": [f"类型：“{kind}”不是有效的选项。"], "filterset": None}
        filterset, items = supervision.figure_items(request=self.request, kind=kind, data=data)
        report = {"kind": kind, "data": data, "filterset": filterset, "errors": filterset.error_messages}
        if items is None:
            return report
        departments = supervision.department_figures(user=self.request.user, items=items, kind=kind)
        report.update(departments=departments, items=items)
        return report

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report()
        kind = report["kind"]
        filterset = report["filterset"]
        context.update(self.base_context())
        context.update(
            title="承办单位办理情况",
            kind=kind,
            kinds=supervision.KIND_CHOICES,
            errors=report["errors"],
            can_export=may_export(self.request.user),
            export_url=f"{reverse('proposals:department_figures_export')}?{self.request.GET.urlencode()}",
        )
        if filterset is not None:
            shown = [name for name in SHOWN_FILTERS if name in filterset.form.fields]
            context["fields"] = [filterset.form[name] for name in shown]
            # filters the page does not show (state, q…) ride along unchanged
            context["kept"] = [(k, v) for k, v in report["data"].items() if k not in shown and v]
        if "departments" in report:
            total = supervision.figures_total(items=report["items"], kind=kind)
            context["table"] = supervision.figure_rows(
                departments=report["departments"], total=total, kind=kind, data=report["data"]
            )
        return context


class DepartmentFiguresExportView(DepartmentFiguresView):
    """The table as Excel: its rows and columns (supervision.figures_table), written by registry.exporting."""

    extra_permissions = (EXPORT_PERMISSION,)

    def get(self, request, *args, **kwargs):
        report = self.report()
        if "departments" not in report:
            messages.error(request, "未导出：筛选条件有误。" + "；".join(report["errors"]))
            return redirect(f"{reverse('proposals:department_figures')}?{request.GET.urlencode()}")
        kind = report["kind"]
        filters = {"类型": KIND_LABELS[kind], **report["filterset"].active_filters}
        return export_response(
            request=request,
            queryset=report["departments"],
            table=supervision.figures_table(kind),
            title=f"承办单位办理情况（{KIND_LABELS[kind]}）",
            filters=filters,
            model_label=Department._meta.label,
        )

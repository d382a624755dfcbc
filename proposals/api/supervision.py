"""GET /api/v1/proposals/department-figures/: the 承办单位办理情况 table's numbers, as the page counts them."""

from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from registry.api import ModelPermissions
from registry.api_schema import ErrorSerializer

from .. import supervision
from ..models import Department


class FiguresSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(label="交办")
    signed = serializers.IntegerField(label="已签收")
    answered = serializers.IntegerField(label="已答复")
    concluded = serializers.IntegerField(label="已办结")
    overdue = serializers.IntegerField(label="当前逾期")
    satisfied = serializers.IntegerField(label="满意", required=False)
    basically = serializers.IntegerField(label="基本满意", required=False)
    unsatisfied = serializers.IntegerField(label="不满意（重新办理）", required=False)
    answer_days = serializers.DecimalField(
        label="平均答复天数", max_digits=8, decimal_places=1, allow_null=True, help_text="交办日期到答复日期"
    )


class DepartmentFiguresRowSerializer(FiguresSerializer):
    id = serializers.IntegerField(label="承办单位编号")
    name = serializers.CharField(label="承办单位")


class DepartmentFiguresSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=supervision.KIND_CHOICES, label="类型")
    results = DepartmentFiguresRowSerializer(many=True, label="各承办单位")
    total = FiguresSerializer(label="合计")


class DepartmentFiguresView(generics.GenericAPIView):
    """The page's table as JSON: the same kind, filters, scope and numbers."""

    permission_classes = [permissions.IsAuthenticated, ModelPermissions]
    queryset = Department.objects.none()  # for the permission: view_department, as the page
    serializer_class = DepartmentFiguresSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="承办单位办理情况",
        description=(
            "各承办单位（主办）的交办、已签收（含其后环节）、已答复（含已办结）、已办结、当前逾期件数，"
            "平均答复天数（交办日期到答复日期），建言另有满意、基本满意、不满意件数。kind 默认为建言（proposal），"
            "all 为全部类型；其余参数与对应事项清单的筛选条件相同（year 为提交年度）。"
        ),
        parameters=[
            OpenApiParameter("kind", str, enum=[value for value, _ in supervision.KIND_CHOICES], description="类型"),
            OpenApiParameter("year", OpenApiTypes.INT, description="提交年度，例如 2026"),
        ],
        responses={200: DepartmentFiguresSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        query = request.query_params
        kind = query.get("kind") or supervision.ItemKind.PROPOSAL.value
        if kind not in dict(supervision.KIND_CHOICES):
            raise ValidationError({"kind": [f"“{kind}”不是有效的选项。"]})
        filterset, items = supervision.figure_items(request=request, kind=kind, data=supervision.list_filters(query))
        if items is None:
            raise translate_validation(filterset.form.errors)
        departments = supervision.department_figures(user=request.user, items=items, kind=kind)
        keys = [figure.key for figure in supervision.figures_for(kind)] + ["answer_days"]

        def numbers(values) -> dict:
            return {key: supervision.days(values[key]) if key == "answer_days" else values[key] for key in keys}

        rows = [{"id": d.pk, "name": d.name, **numbers(vars(d))} for d in departments]
        total = numbers(supervision.figures_total(items=items, kind=kind))
        return Response(self.get_serializer({"kind": kind, "results": rows, "total": total}).data)

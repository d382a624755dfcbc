"""API views of the activities app beyond the catalogued CRUD: the 月度统计 figures."""

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response

from registry.api import ModelPermissions
from registry.api_schema import ApiSchema, ErrorSerializer

from ..figures import figures_report
from ..filters import ActivityFilter
from ..models import Activity
from .serializers import ActivityFiguresSerializer


class FiguresSchema(ApiSchema):
    """The figures read the activity list's filters: documented from its FilterSet, with their 400."""

    def get_filter_backends(self):
        return [DjangoFilterBackend]

    def _is_list_view(self, serializer=None):
        return False

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            responses["400"] = self._get_response_for_code(ErrorSerializer, "400", direction=direction)
            responses["400"]["description"] = "筛选条件有误（按条件列出原因），或带了本接口不认识的参数"
        return responses


class ActivityFiguresView(generics.GenericAPIView):
    """The page's figures as JSON: the same defaults, filters, scope and numbers (amounts as strings)."""

    permission_classes = [permissions.IsAuthenticated, ModelPermissions]
    queryset = Activity.objects.none()  # for the permission (view_activity) and the schema's filter parameters
    filterset_class = ActivityFilter
    serializer_class = ActivityFiguresSerializer
    pagination_class = None
    schema = FiguresSchema()

    @extend_schema(
        summary="月度统计",
        description=(
            "已开展活动的场次、社会组织家数与人次、服务时长、受益人次、捐赠金额、物资折价的合计，"
            "筛选条件与活动清单相同（状态固定为“已开展”）。不传 month、year、date_from、date_to 时统计上一个完整月份"
            "（上海时间）；不传 kind 时统计志愿服务，kind 传空值统计全部类型。"
        ),
    )
    def get(self, request):
        report = figures_report(user=request.user, query=request.query_params, with_tables=False)
        if report["figures"] is None:
            raise translate_validation(report["filterset"].form.errors)
        figures = report["figures"]
        data = {key: report[key] for key in ("period", "place", "kind_label", "sentence", "list_url")}
        data.update(vars(figures))
        return Response(self.get_serializer(data).data)

"""The representative pool's models in the registry catalog: pages, API, menu and search come from here."""

from django.urls import reverse

from registry.catalog import Entry, Menu, Search, register, register_section

from . import selectors, services, views
from .api import serializers
from .api import views as api_views
from .filters import (
    EvaluationFilter,
    MembershipFilter,
    NominationFilter,
    RepresentativeFilter,
    ServiceGroupFilter,
    TrainingFilter,
)
from .forms import (
    AttendanceForm,
    EvaluationForm,
    MembershipForm,
    NominationForm,
    RepresentativeForm,
    ServiceGroupForm,
    TrainingForm,
)
from .models import Attendance, Evaluation, Membership, Nomination, Representative, ServiceGroup, Training
from .tables import (
    EVALUATION_TABLE,
    NOMINATION_TABLE,
    REPRESENTATIVE_FIELDS,
    REPRESENTATIVE_TABLE,
    SERVICE_GROUP_FIELDS,
    SERVICE_GROUP_TABLE,
    TRAINING_TABLE,
)

NO_DETAIL = frozenset({"list", "export", "create", "update", "delete", "api"})


def _person_page(obj) -> str:
    """Records that belong to a person: after saving, back to that person's page."""
    return reverse("talents:representative_detail", args=[obj.representative_id])


register_section("talents", "代表人士", 30)

register(
    Entry(
        model=Representative,
        prefix="",
        title="代表人士库",
        selector=selectors.representative_list,
        filterset=RepresentativeFilter,
        table=REPRESENTATIVE_TABLE,
        list_template="talents/representative_list.html",
        export_view=views.RepresentativeExportMixin,
        detail_fields=REPRESENTATIVE_FIELDS,
        detail_view=views.RepresentativeDetailView,
        detail_template="talents/representative_detail.html",
        reveal=True,
        form=RepresentativeForm,
        form_view=views.RepresentativeFormView,
        create_service=services.representative_create,
        update_service=services.representative_update,
        delete_service=services.representative_delete,
        api_prefix="representatives",
        serializer=serializers.RepresentativeSerializer,
        api_viewset=api_views.RepresentativeViewSet,
        menu=Menu("代表人士库", 10),
        search=Search("代表人士", 20),
    )
)
register(
    Entry(
        model=Evaluation,
        prefix="evaluations/",
        actions=NO_DETAIL,
        title="综合评价",
        selector=selectors.evaluation_list,
        filterset=EvaluationFilter,
        table=EVALUATION_TABLE,
        form=EvaluationForm,
        create_service=services.evaluation_create,
        update_service=services.evaluation_update,
        success_url=_person_page,
        api_prefix="evaluations",
        serializer=serializers.EvaluationSerializer,
        menu=Menu("综合评价", 20),
    )
)
register(
    Entry(
        model=Nomination,
        prefix="nominations/",
        actions=NO_DETAIL,
        title="推荐使用",
        selector=selectors.nomination_list,
        filterset=NominationFilter,
        table=NOMINATION_TABLE,
        form=NominationForm,
        create_service=services.nomination_create,
        update_service=services.nomination_update,
        success_url=_person_page,
        api_prefix="nominations",
        serializer=serializers.NominationSerializer,
        menu=Menu("推荐使用", 40),
    )
)
register(
    Entry(
        model=Training,
        prefix="trainings/",
        title="培训",
        selector=selectors.training_list,
        filterset=TrainingFilter,
        table=TRAINING_TABLE,
        detail_fields=[c for c in TRAINING_TABLE.columns if c.key not in ("title",)],
        detail_view=views.TrainingDetailView,
        form=TrainingForm,
        create_service=services.training_create,
        update_service=services.training_update,
        delete_service=services.training_delete,
        api_prefix="trainings",
        serializer=serializers.TrainingSerializer,
        api_viewset=api_views.TrainingViewSet,
        menu=Menu("培训", 30),
    )
)
register(
    Entry(
        model=Attendance,
        prefix="attendances/",
        actions=frozenset({"create"}),
        form=AttendanceForm,
        create_service=services.attendance_create,
        update_service=services.attendance_update,
        success_url=_person_page,
    )
)
register(
    Entry(
        model=ServiceGroup,
        prefix="groups/",
        title="服务小组",
        selector=selectors.service_group_list,
        filterset=ServiceGroupFilter,
        table=SERVICE_GROUP_TABLE,
        detail_fields=SERVICE_GROUP_FIELDS,
        detail_view=views.ServiceGroupDetailView,
        form=ServiceGroupForm,
        create_service=services.service_group_create,
        update_service=services.service_group_update,
        delete_service=services.service_group_delete,
        api_prefix="service-groups",
        serializer=serializers.ServiceGroupSerializer,
        menu=Menu("服务小组", 50),
    )
)
register(
    Entry(
        model=Membership,
        prefix="memberships/",
        actions=frozenset({"create", "update", "delete", "api"}),
        filterset=MembershipFilter,
        form=MembershipForm,
        create_service=services.membership_create,
        update_service=services.membership_update,
        success_url=_person_page,
        delete_success_url=_person_page,
        api_prefix="memberships",
        serializer=serializers.MembershipSerializer,
        api_viewset=api_views.MembershipViewSet,
    )
)

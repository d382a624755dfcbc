"""The activities app's models in the registry catalog: pages, API, menu, search and role grants come from here."""

from django.urls import reverse

from registry.catalog import Entry, Menu, Search, register, register_section
from registry.roles import ANALYST, DISTRICT_ADMIN, STREET_STAFF, VIEWER

from . import sections, selectors, services, views
from .api.serializers import ActivitySerializer, ActivityThemeSerializer, ParticipationSerializer
from .filters import ActivityFilter, ActivityThemeFilter, ParticipationFilter
from .forms import ActivityForm, ActivityThemeForm, ParticipationForm
from .models import Activity, ActivityTheme, Participation
from .tables import ACTIVITY_FIELDS, ACTIVITY_TABLE, ACTIVITY_THEME_TABLE, PARTICIPATION_TABLE


def _activity_page(obj) -> str:
    return reverse("activities:activity_detail", args=[obj.activity_id])


register_section("activities", "活动与建言", 40)
sections.register()  # 志愿服务与活动 on a person's page, 组织的活动 on an organization's

register(
    Entry(
        model=Activity,
        prefix="",
        title="活动",
        selector=selectors.activity_list,
        filterset=ActivityFilter,
        table=ACTIVITY_TABLE,
        detail_fields=ACTIVITY_FIELDS,
        detail_view=views.ActivityDetailView,
        form=ActivityForm,
        create_service=services.activity_create,
        update_service=services.activity_update,
        delete_service=services.activity_delete,
        api_prefix="activities",
        serializer=ActivitySerializer,
        menu=Menu("活动台账", 10),
        search=Search("活动", 60),
    )
)
register(
    Entry(
        model=Participation,
        prefix="participations/",
        actions=frozenset({"list", "export", "create", "update", "delete", "api"}),
        title="参与人员",
        selector=selectors.participation_list,
        filterset=ParticipationFilter,
        table=PARTICIPATION_TABLE,
        form=ParticipationForm,
        create_service=services.participation_create,
        update_service=services.participation_update,
        delete_service=services.participation_delete,
        success_url=_activity_page,
        delete_success_url=_activity_page,
        api_prefix="participations",
        serializer=ParticipationSerializer,
        menu=Menu("参与人员与服务时长", 20),
    )
)
register(
    Entry(
        model=ActivityTheme,
        prefix="themes/",
        title="活动主题",
        selector=selectors.activity_theme_list,
        filterset=ActivityThemeFilter,
        table=ACTIVITY_THEME_TABLE,
        detail_fields=ACTIVITY_THEME_TABLE.columns,
        form=ActivityThemeForm,
        create_service=services.activity_theme_create,
        update_service=services.activity_theme_update,
        delete_service=services.activity_theme_delete,
        api_prefix="themes",
        serializer=ActivityThemeSerializer,
        menu=Menu("活动主题", 90),
        search=Search("活动主题", 90),
        # a district-wide list: the district keeps it, the streets choose from it
        role_actions={
            DISTRICT_ADMIN: ["view", "add", "change", "delete"],
            STREET_STAFF: ["view"],
            ANALYST: ["view"],
            VIEWER: ["view"],
        },
    )
)


# ---- 志愿服务记录证明: issued from a person's page (its own view), never edited after ----
def _register_certificates():
    # imports kept inside: the certificate entry is one block, added after the app's own entries
    from registry.navigation import register_detail_section

    from . import certificate_views, certificates
    from .models import VolunteerCertificate

    register(
        Entry(
            model=VolunteerCertificate,
            prefix="certificates/",
            actions=frozenset({"list", "detail", "export", "api"}),
            title="志愿服务记录证明",
            selector=certificates.certificate_list,
            filterset=certificates.VolunteerCertificateFilter,
            table=certificates.VOLUNTEER_CERTIFICATE_TABLE,
            detail_view=certificate_views.CertificateDetailView,
            api_prefix="certificates",
            serializer=certificate_views.VolunteerCertificateSerializer,
            api_viewset=certificate_views.VolunteerCertificateViewSet,
            menu=Menu("志愿服务记录证明", 30),
            # issuing is an act of the district or the street, which answers for the hours it certifies:
            # the read-only roles (分析员, 只读) look and never issue. Nobody changes or deletes a
            # certificate once given out (a trigger refuses it too): a wrong one is issued again.
            role_actions={
                DISTRICT_ADMIN: ["view", "add"],
                STREET_STAFF: ["view", "add"],
                ANALYST: ["view"],
                VIEWER: ["view"],
            },
        )
    )
    register_detail_section("talents.Representative", 60, certificate_views.person_certificates_section)


_register_certificates()

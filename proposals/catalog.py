"""The tracked-items app's models in the registry catalog: pages, API, menu, search and role grants come from here."""

from registry.catalog import Entry, Menu, Search, register, register_section
from registry.roles import ANALYST, DISTRICT_ADMIN, STREET_STAFF, VIEWER, register_role

from . import selectors, services, views
from .api import serializers
from .api.views import ItemViewSet
from .filters import (
    ConsultationFilter,
    DecisionFilter,
    DepartmentFilter,
    MeetingFilter,
    OpinionCategoryFilter,
    OpinionFilter,
    ProposalFilter,
)
from .forms import (
    ConsultationForm,
    DecisionForm,
    DepartmentForm,
    MeetingForm,
    OpinionCategoryForm,
    OpinionForm,
    ProposalForm,
)
from .models import Consultation, Decision, Department, Meeting, Opinion, OpinionCategory, Proposal
from .tables import (
    CONSULTATION_TABLE,
    DECISION_TABLE,
    DEPARTMENT_TABLE,
    MEETING_TABLE,
    OPINION_CATEGORY_TABLE,
    OPINION_TABLE,
    PROPOSAL_TABLE,
    item_facts,
)

# a unit's contact acts on the items assigned to their unit and sees nothing else in the registry
DEPARTMENT_CONTACT = "承办单位联络人"
# export: a unit reports on what it was given (the export view still needs the list's view permission, so
# only the items reaching their unit can leave, and every export is logged)
register_role(DEPARTMENT_CONTACT, extra=["registry.export_data"])

register_section("proposals", "建言与督办", 45)

# a district-wide list the district keeps
DISTRICT_LIST = {
    DISTRICT_ADMIN: ["view", "add", "change", "delete"],
    STREET_STAFF: ["view"],
    ANALYST: ["view"],
    VIEWER: ["view"],
}
# staff keep items of their region; a contact reads what reaches their unit (and acts through the life cycle)
ITEM_GRANTS = {
    DISTRICT_ADMIN: ["view", "add", "change", "delete"],
    STREET_STAFF: ["view", "add", "change"],
    ANALYST: ["view"],
    VIEWER: ["view"],
    DEPARTMENT_CONTACT: ["view"],
}


def _item_entry(model, prefix, title, selector, filterset, table, form, menu_order):
    return Entry(
        model=model,
        prefix=prefix,
        title=title,
        selector=selector,
        filterset=filterset,
        table=table,
        detail_fields=item_facts(table, model.KIND),
        detail_view=views.ItemDetailView,
        form=form,
        create_service=services.item_creator(model),
        update_service=services.item_update,
        delete_service=services.item_delete,
        api_prefix=prefix.rstrip("/"),
        serializer={
            Proposal: serializers.ProposalSerializer,
            Opinion: serializers.OpinionSerializer,
            Decision: serializers.DecisionSerializer,
        }[model],
        api_viewset=ItemViewSet,
        menu=Menu(title, menu_order),
        search=Search(title, menu_order),
        role_actions=ITEM_GRANTS,
    )


register(
    _item_entry(
        Proposal, "proposals/", "建言", selectors.proposal_list, ProposalFilter, PROPOSAL_TABLE, ProposalForm, 20
    )
)
register(
    _item_entry(Opinion, "opinions/", "社情民意", selectors.opinion_list, OpinionFilter, OPINION_TABLE, OpinionForm, 30)
)
register(
    _item_entry(
        Decision, "decisions/", "议定事项", selectors.decision_list, DecisionFilter, DECISION_TABLE, DecisionForm, 50
    )
)
register(
    Entry(
        model=Consultation,
        prefix="consultations/",
        title="专题协商会",
        selector=selectors.consultation_list,
        filterset=ConsultationFilter,
        table=CONSULTATION_TABLE,
        detail_fields=[c for c in CONSULTATION_TABLE.columns if c.key != "topic"],
        detail_view=views.ConsultationDetailView,
        form=ConsultationForm,
        create_service=services.consultation_create,
        update_service=services.consultation_update,
        delete_service=services.consultation_delete,
        api_prefix="consultations",
        serializer=serializers.ConsultationSerializer,
        menu=Menu("专题协商会", 10),
        search=Search("专题协商会", 10),
    )
)
register(
    Entry(
        model=Meeting,
        prefix="meetings/",
        title="联席会议",
        selector=selectors.meeting_list,
        filterset=MeetingFilter,
        table=MEETING_TABLE,
        detail_fields=[c for c in MEETING_TABLE.columns if c.key != "title"],
        detail_view=views.MeetingDetailView,
        form=MeetingForm,
        create_service=services.meeting_create,
        update_service=services.meeting_update,
        delete_service=services.meeting_delete,
        api_prefix="meetings",
        serializer=serializers.MeetingSerializer,
        menu=Menu("联席会议", 40),
    )
)
register(
    Entry(
        model=Department,
        prefix="departments/",
        title="承办单位",
        selector=selectors.department_list,
        filterset=DepartmentFilter,
        table=DEPARTMENT_TABLE,
        detail_fields=[c for c in DEPARTMENT_TABLE.columns if c.key != "name"],
        reveal=True,
        form=DepartmentForm,
        create_service=services.department_create,
        update_service=services.department_update,
        delete_service=services.department_delete,
        api_prefix="departments",
        serializer=serializers.DepartmentSerializer,
        menu=Menu("承办单位", 60),
        role_actions=DISTRICT_LIST,
    )
)
register(
    Entry(
        model=OpinionCategory,
        prefix="opinion-categories/",
        title="社情民意类别",
        selector=selectors.opinion_category_list,
        filterset=OpinionCategoryFilter,
        table=OPINION_CATEGORY_TABLE,
        detail_fields=OPINION_CATEGORY_TABLE.columns,
        form=OpinionCategoryForm,
        create_service=services.opinion_category_create,
        update_service=services.opinion_category_update,
        delete_service=services.opinion_category_delete,
        api_prefix="opinion-categories",
        serializer=serializers.OpinionCategorySerializer,
        menu=Menu("社情民意类别", 90),
        role_actions=DISTRICT_LIST,
    )
)

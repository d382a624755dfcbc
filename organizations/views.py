"""Pages of the organizations app: thin subclasses of the generic views in registry.views.generic."""

from django.shortcuts import render
from django.urls import reverse

from registry.scoping import get_visible_or_404
from registry.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    section,
)
from registry.views.reveal import RevealMixin

from . import coverage, selectors, services
from .filters import (
    AssignmentFilter,
    LiaisonFilter,
    OrganizationFilter,
    PartyOrganizationFilter,
    SurveyFilter,
    VenueFilter,
)
from .forms import (
    AssignmentForm,
    LiaisonForm,
    OrganizationForm,
    PairingForm,
    PartyOrganizationForm,
    SurveyForm,
    VenueForm,
)
from .models import AnnualSurvey, Assignment, Liaison, Organization, Pairing, PartyOrganization, Venue
from .tables import (
    ASSIGNMENT_TABLE,
    LIAISON_FIELDS,
    LIAISON_TABLE,
    ORGANIZATION_FIELDS,
    ORGANIZATION_SURVEY_TABLE,
    ORGANIZATION_TABLE,
    PAIRING_TABLE,
    PARTY_ORGANIZATION_FIELDS,
    PARTY_ORGANIZATION_TABLE,
    SURVEY_TABLE,
    VENUE_FIELDS,
    VENUE_TABLE,
)


# ---- 社会组织 ----
class OrganizationListView(ObjectListView):
    model = Organization
    filterset_class = OrganizationFilter
    table = ORGANIZATION_TABLE
    title = "社会组织"

    selector = staticmethod(selectors.organization_list)


class OrganizationExportView(OrganizationListView, ObjectExportView):
    title = "社会组织"


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    fields = ORGANIZATION_FIELDS
    template_name = "organizations/organization_detail.html"
    reveal_url_name = "organizations:organization_reveal"

    selector = staticmethod(selectors.organization_list)

    def related_sections(self, obj):
        user = self.request.user
        related = selectors.organization_related(user=user, organization=obj)
        can = user.has_perm
        return [
            section(
                "年度摸底调查",
                ORGANIZATION_SURVEY_TABLE,
                related["surveys"],
                user,
                add_url=f"{reverse('organizations:annualsurvey_create')}?organization={obj.pk}"
                if can("organizations.add_annualsurvey")
                else None,
                empty="尚无摸底调查数据。",
            ),
            section(
                "覆盖的党组织",
                PARTY_ORGANIZATION_TABLE,
                related["party_organizations"],
                user,
                empty="未被任何党组织覆盖（未建立党组织，也未纳入联合党支部）。",
            ),
            section(
                "联络员与党建指导员",
                ASSIGNMENT_TABLE,
                related["assignments"],
                user,
                add_url=f"{reverse('organizations:assignment_create')}?organization={obj.pk}"
                if can("organizations.add_assignment")
                else None,
                empty="未选派党建指导员或联络员。",
            ),
            section("运营的阵地", VENUE_TABLE, related["venues"], user, empty="无。"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        context["breaches"] = coverage.rule_breaches(user=self.request.user, organization=obj)
        return context


class OrganizationRevealView(RevealMixin, OrganizationDetailView):
    """POST 显示: one organization's contact phone in clear, logged."""


class OrganizationFormView(ObjectFormView):
    model = Organization
    form_class = OrganizationForm

    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)


class OrganizationDeleteView(ObjectDeleteView):
    model = Organization

    delete_service = staticmethod(services.organization_delete)


# ---- 年度摸底调查 ----
class SurveyListView(ObjectListView):
    model = AnnualSurvey
    table = SURVEY_TABLE
    title = "年度摸底调查"

    filterset_class = SurveyFilter

    selector = staticmethod(selectors.survey_list)


class SurveyExportView(SurveyListView, ObjectExportView):
    pass


class SurveyFormView(ObjectFormView):
    model = AnnualSurvey
    form_class = SurveyForm

    create_service = staticmethod(services.survey_create)
    update_service = staticmethod(services.survey_update)

    def success_url(self, obj):
        return reverse("organizations:organization_detail", args=[obj.organization_id])


class SurveyDeleteView(ObjectDeleteView):
    model = AnnualSurvey


# ---- 党组织 ----
class PartyOrganizationListView(ObjectListView):
    model = PartyOrganization
    filterset_class = PartyOrganizationFilter
    table = PARTY_ORGANIZATION_TABLE
    title = "党组织"
    template_name = "organizations/partyorganization_list.html"

    selector = staticmethod(selectors.party_organization_list)


class PartyOrganizationExportView(PartyOrganizationListView, ObjectExportView):
    pass


class PartyOrganizationDetailView(ObjectDetailView):
    model = PartyOrganization
    fields = PARTY_ORGANIZATION_FIELDS

    selector = staticmethod(selectors.party_organization_list)

    def related_sections(self, obj):
        user = self.request.user
        organizations = selectors.organization_list(user=user).filter(coverages__party_organization=obj)
        children = selectors.party_organization_list(user=user).filter(parent=obj)
        pairings = selectors.pairing_list(user=user).filter(party_organization=obj)
        return [
            section("覆盖的社会组织", ORGANIZATION_TABLE, organizations, user, empty="未覆盖社会组织。"),
            section("下级党组织", PARTY_ORGANIZATION_TABLE, children, user, empty="无下级党组织。"),
            section(
                "结对共建",
                PAIRING_TABLE,
                pairings,
                user,
                add_url=f"{reverse('organizations:pairing_create')}?party_organization={obj.pk}"
                if user.has_perm("organizations.add_pairing")
                else None,
                empty="暂无结对共建。",
            ),
        ]


class PartyOrganizationFormView(ObjectFormView):
    model = PartyOrganization
    form_class = PartyOrganizationForm

    create_service = staticmethod(services.party_organization_create)
    update_service = staticmethod(services.party_organization_update)


class PartyOrganizationDeleteView(ObjectDeleteView):
    model = PartyOrganization


def party_organization_tree_view(request):
    if not request.user.has_perm("organizations.view_partyorganization"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您没有查看党组织的权限。")
    tree = selectors.party_organization_tree(user=request.user)
    return render(
        request,
        "organizations/partyorganization_tree.html",
        {"tree": tree, "tier_totals": selectors.party_tree_tier_totals(tree)},
    )


class PairingFormView(ObjectFormView):
    model = Pairing
    form_class = PairingForm

    create_service = staticmethod(services.pairing_create)
    update_service = staticmethod(services.pairing_update)

    def success_url(self, obj):
        return reverse("organizations:partyorganization_detail", args=[obj.party_organization_id])


# ---- 联络员 ----
class LiaisonListView(ObjectListView):
    model = Liaison
    filterset_class = LiaisonFilter
    table = LIAISON_TABLE
    title = "联络员与党建指导员"

    selector = staticmethod(selectors.liaison_list)


class LiaisonExportView(LiaisonListView, ObjectExportView):
    pass


class LiaisonDetailView(ObjectDetailView):
    model = Liaison
    fields = LIAISON_FIELDS
    reveal_url_name = "organizations:liaison_reveal"

    selector = staticmethod(selectors.liaison_list)

    def related_sections(self, obj):
        user = self.request.user
        assignments = selectors.assignment_list(user=user).filter(liaison=obj)
        return [
            section(
                "任职（覆盖的社会组织）",
                ASSIGNMENT_TABLE,
                assignments,
                user,
                add_url=f"{reverse('organizations:assignment_create')}?liaison={obj.pk}"
                if user.has_perm("organizations.add_assignment")
                else None,
                empty="暂无任职。",
            ),
        ]


class LiaisonRevealView(RevealMixin, LiaisonDetailView):
    """POST 显示: one liaison's mobile in clear, logged."""


class LiaisonFormView(ObjectFormView):
    model = Liaison
    form_class = LiaisonForm

    create_service = staticmethod(services.liaison_create)
    update_service = staticmethod(services.liaison_update)


class LiaisonDeleteView(ObjectDeleteView):
    model = Liaison


class AssignmentListView(ObjectListView):
    model = Assignment
    filterset_class = AssignmentFilter
    table = ASSIGNMENT_TABLE
    title = "联络员任职"

    selector = staticmethod(selectors.assignment_list)


class AssignmentExportView(AssignmentListView, ObjectExportView):
    pass


class AssignmentFormView(ObjectFormView):
    model = Assignment
    form_class = AssignmentForm

    create_service = staticmethod(services.assignment_create)
    update_service = staticmethod(services.assignment_update)

    def success_url(self, obj):
        return reverse("organizations:organization_detail", args=[obj.organization_id])


class AssignmentDeleteView(ObjectDeleteView):
    model = Assignment


# ---- 阵地 ----
class VenueListView(ObjectListView):
    model = Venue
    filterset_class = VenueFilter
    table = VENUE_TABLE
    title = "阵地与基地"

    selector = staticmethod(selectors.venue_list)


class VenueExportView(VenueListView, ObjectExportView):
    pass


class VenueDetailView(ObjectDetailView):
    model = Venue
    fields = VENUE_FIELDS

    selector = staticmethod(selectors.venue_list)


class VenueFormView(ObjectFormView):
    model = Venue
    form_class = VenueForm

    create_service = staticmethod(services.venue_create)
    update_service = staticmethod(services.venue_update)


class VenueDeleteView(ObjectDeleteView):
    model = Venue


# ---- 覆盖情况 ----
def coverage_view(request):
    from django.core.exceptions import PermissionDenied

    from registry.models import Region

    user = request.user
    if not user.has_perm("organizations.view_organization"):
        raise PermissionDenied("您没有查看社会组织的权限。")
    root = selectors.scope_root(user=user)
    region = get_visible_or_404(Region, user, pk=request.GET["region"]) if request.GET.get("region") else root
    if region is None:
        return render(request, "organizations/coverage.html", {"region": None})
    by_region = coverage.coverage_by_region(user=user, region=region)
    by_industry = coverage.coverage_by_industry(user=user, region=region)
    counts = coverage.breach_counts(user=user, region=region)
    rule = request.GET.get("rule") if request.GET.get("rule") in coverage.RULES else None
    # a rule's own list can be long: the first 200 here, all of them in the filtered 名录 (and its export)
    shown = coverage.rule_breaches(user=user, region=region, rule=rule, limit=200) if rule else []
    uncovered = list(coverage.uncovered_organizations(user=user, region=region)[:50])
    subtotal = coverage.CoverageRow(
        "sub",
        f"{region.name}合计",
        sum(r.total for r in by_region),
        sum(r.org_covered for r in by_region),
        sum(r.work_covered for r in by_region),
        list_params={"region": region.pk},
    )
    ancestors = [a for a in region.ancestors() if root and a.path.startswith(root.path)]
    context = {
        "region": region,
        "ancestors": ancestors,
        "by_region": by_region,
        "by_industry": by_industry,
        "subtotal": subtotal,
        "breaches": shown,
        "breach_counts": counts,
        "rule": rule,
        "rule_title": coverage.RULES.get(rule, ""),
        "rule_is_organization": rule in coverage.ORGANIZATION_RULES,
        "breach_total": sum(item["count"] for item in counts),
        "uncovered": uncovered,
        "uncovered_count": subtotal.uncovered,
        "region_chart": coverage.rates_chart(by_region),
        "industry_chart": coverage.rates_chart(by_industry, horizontal=True),
    }
    return render(request, "organizations/coverage.html", context)

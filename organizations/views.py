"""Pages of the organizations app with behaviour of their own; the rest are generated from organizations/catalog.py."""

from django.shortcuts import render
from django.urls import reverse

from registry.views.generic import (
    ObjectDetailView,
    section,
)

from . import coverage, selectors
from .tables import (
    ASSIGNMENT_TABLE,
    ORGANIZATION_SURVEY_TABLE,
    ORGANIZATION_TABLE,
    PAIRING_TABLE,
    PARTY_ORGANIZATION_TABLE,
    VENUE_TABLE,
)


# ---- 社会组织 ----
class OrganizationDetailView(ObjectDetailView):
    """Its surveys, covering party organizations, liaisons, venues and the 两个覆盖 rules it breaks."""

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

    def history(self, obj):
        # one story: the organization's own changes with those of its surveys, liaisons, coverage and venues
        return selectors.organization_timeline(user=self.request.user, organization=obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        context["breaches"] = coverage.rule_breaches(user=self.request.user, organization=obj)
        return context


# ---- 党组织 ----
class PartyOrganizationDetailView(ObjectDetailView):
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


# ---- 联络员 ----
class LiaisonDetailView(ObjectDetailView):
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


# ---- 覆盖情况 ----
def coverage_view(request):
    from django.core.exceptions import PermissionDenied

    if not request.user.has_perm("organizations.view_organization"):
        raise PermissionDenied("您没有查看社会组织的权限。")
    context = selectors.coverage_page(
        user=request.user, region_pk=request.GET.get("region") or None, rule=request.GET.get("rule")
    )
    return render(request, "organizations/coverage.html", context)

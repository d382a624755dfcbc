"""Reads of the organizations app; each starts from restrict(user): the view permission and the region scope."""

import calendar
import datetime
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from registry.models import Region
from registry.permissions import is_unrestricted
from registry.scoping import get_visible_or_404
from registry.selectors import count_of

from . import coverage, coverage_state
from .choices import LiaisonRole, OrganizationKind, OrganizationStatus, PartyOrgTier, Rating
from .coverage import annotate_coverage
from .models import (
    AnnualSurvey,
    Assignment,
    Industry,
    Liaison,
    Organization,
    Pairing,
    PartyCoverage,
    PartyOrganization,
    Venue,
)


def organization_list(*, user):
    """Organizations with what the list shows: region, industry, latest survey and coverage flags."""
    coverage_state.ensure_current()
    return annotate_coverage(Organization.objects.restrict(user)).select_related("region__parent", "industry")


def organization_get(*, user, pk) -> Organization:
    return organization_list(user=user).get(pk=pk)


def survey_list(*, user):
    return AnnualSurvey.objects.restrict(user).select_related("organization", "organization__region")


def party_organization_list(*, user):
    return (
        PartyOrganization.objects.restrict(user)
        .select_related("region__parent", "parent", "industry")
        .annotate(
            covered_count=count_of(PartyCoverage.objects.filter(party_organization=OuterRef("pk"))),
            children_count=count_of(PartyOrganization.objects.filter(parent=OuterRef("pk"))),
        )
    )


def party_organization_tree(*, user) -> list[dict]:
    """The 1+6+12+N tree of visible party organizations, as nested dicts ready for the template.

    A visible organization whose parent is not visible (a street user's hub under the district
    committee) becomes a root of the tree shown to that user.
    """
    nodes = list(party_organization_list(user=user).order_by("tier", "name"))
    by_id = {node.pk: {"node": node, "children": []} for node in nodes}
    roots = []
    for node in nodes:
        parent = by_id.get(node.parent_id)
        (parent["children"] if parent else roots).append(by_id[node.pk])
    return roots


def liaison_list(*, user):
    return (
        Liaison.objects.restrict(user)
        .select_related("region__parent")
        .annotate(active_count=count_of(Assignment.objects.active().filter(liaison=OuterRef("pk"))))
    )


def assignment_list(*, user):
    return Assignment.objects.restrict(user).select_related("liaison", "organization", "organization__region__parent")


def pairing_list(*, user):
    return Pairing.objects.restrict(user).select_related("party_organization__region__parent")


def venue_list(*, user):
    return Venue.objects.restrict(user).select_related("region__parent", "operating_organization")


def organization_related(*, user, organization: Organization) -> dict:
    """What an organization's page lists below its fields."""
    return {
        "surveys": survey_list(user=user).filter(organization=organization).order_by("-year"),
        "party_organizations": party_organization_list(user=user).filter(coverages__organization=organization),
        "assignments": assignment_list(user=user).filter(organization=organization).order_by("-start_date", "-pk"),
        "venues": venue_list(user=user).filter(operating_organization=organization),
    }


def scope_root(*, user) -> Region | None:
    """The region a coverage page starts from: the user's own, or the top of the tree."""
    if getattr(user, "region_id", None) and not is_unrestricted(user):
        return user.region
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


def coverage_page(*, user, region_pk=None, rule: str | None = None) -> dict:
    """The 两个覆盖 page of one region (the user's scope by default): rates by region and industry, the rules'
    breach counts, one rule's breaches and the organizations no party work reaches yet."""
    root = scope_root(user=user)
    region = get_visible_or_404(Region, user, pk=region_pk) if region_pk else root
    if region is None:
        return {"region": None}
    as_of = coverage.as_of()
    by_region = coverage.coverage_by_region(user=user, region=region)
    by_industry = coverage.coverage_by_industry(user=user, region=region)
    counts = coverage.breach_counts(user=user, region=region)
    rule = rule if rule in coverage.RULES else None
    # a rule's own list can be long: the first 200 here, all of them in the filtered 名录 (and its export)
    shown = coverage.rule_breaches(user=user, region=region, rule=rule, limit=200) if rule else []
    uncovered = list(coverage.uncovered_organizations(user=user, region=region, limit=50))
    subtotal = coverage.CoverageRow(
        "sub",
        f"{region.name}合计",
        sum(r.total for r in by_region),
        sum(r.org_covered for r in by_region),
        sum(r.work_covered for r in by_region),
        list_params={"region": region.pk},
    )
    ancestors = [a for a in region.ancestors() if root and a.path.startswith(root.path)]
    return {
        "region": region,
        "as_of": as_of,
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


def party_tree_tier_totals(tree: list[dict]) -> list[dict]:
    """Per tier of the 1+6+12+N tree: how many party organizations and how many organizations they cover."""
    totals = {tier: {"label": label, "party_organizations": 0, "covered": 0} for tier, label in PartyOrgTier.choices}
    stack = list(tree)
    while stack:
        item = stack.pop()
        tier = totals.setdefault(
            item["node"].tier, {"label": item["node"].tier, "party_organizations": 0, "covered": 0}
        )
        tier["party_organizations"] += 1
        tier["covered"] += item["node"].covered_count
        stack.extend(item["children"])
    return list(totals.values())


# The records whose changes are part of an organization's story, each with how an entry names it
# (from the event's own snapshot, so a deleted or since-changed record still reads as it was).
TIMELINE_MODELS = (Organization, AnnualSurvey, Assignment, PartyCoverage, Venue)


def organization_timeline(*, user, organization: Organization, limit: int = 200) -> list[dict]:
    """One 变更记录 of an organization: its own changes and those of its surveys, liaison assignments,
    party-organization coverages and the venues it operates, newest first.

    The events are those whose snapshot points at the organization (pghistory ``references``), so a
    survey deleted since, or an assignment moved to another organization, still tells this organization's
    past. Scope: the caller may see the organization (its page 404s otherwise), so its surveys,
    assignments and coverages — scoped through ``organization__region`` — are in scope by construction,
    whoever the liaison is (a district-level instructor's assignment is still the organization's); a
    model the user may not view is left out whole. A venue has a region of its own: its entries show
    only while the venue's region (at the time of the event) is in the user's scope.

    Queries: one for all the events, then a bounded few (accounts, imports, names, venue regions).
    """
    from pghistory.models import MiddlewareEvents

    from registry.history import event_rows, related_names
    from registry.scoping import has_model_permission, user_is_unrestricted

    models = [m for m in TIMELINE_MODELS if m is Organization or has_model_permission(user, m, "view")]
    events = list(
        MiddlewareEvents.objects.across(*(m.pgh_event_model for m in models))
        .references(organization)
        .order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    venue_label = Venue._meta.label
    venue_events = [e for e in events if e.pgh_obj_model == venue_label]
    if venue_events and not user_is_unrestricted(user):
        region = getattr(user, "region", None)
        region_ids = {e.pgh_data.get("region_id") for e in venue_events}
        inside = set()
        if region is not None:
            inside = set(
                Region.objects.filter(pk__in=region_ids, path__startswith=region.path).values_list("pk", flat=True)
            )
        events = [e for e in events if e.pgh_obj_model != venue_label or e.pgh_data.get("region_id") in inside]
    # a save that changed nothing shown (only updated_at) is no part of the story
    rows = [r for r in event_rows(events, user=user) if r["label"] != "修改" or r["changes"]]
    liaison_ids = {r["data"].get("liaison_id") for r in rows if r["model"] is Assignment}
    party_ids = {r["data"].get("party_organization_id") for r in rows if r["model"] is PartyCoverage}
    liaisons = related_names(Liaison, liaison_ids, user) if liaison_ids else {}
    parties = related_names(PartyOrganization, party_ids, user) if party_ids else {}
    roles = dict(LiaisonRole.choices)
    for row in rows:
        data, model = row["data"], row["model"]
        if model is Organization:
            row["record"] = "本组织"
        elif model is AnnualSurvey:
            row["record"] = f"年度摸底调查 {data.get('year')}年"
        elif model is Assignment:
            liaison = liaisons.get(str(data.get("liaison_id")), "")
            row["record"] = f"联络员任职：{liaison} · {roles.get(data.get('role'), data.get('role'))}"
        elif model is PartyCoverage:
            row["record"] = f"党组织覆盖：{parties.get(str(data.get('party_organization_id')), '')}"
        else:
            row["record"] = f"阵地：{data.get('name')}"
    return rows


# ---- 统计: breakdowns and month-by-month trends, for the statistics workbook and the 工作台 ----
BREAKDOWNS = {"kind": "组织类型", "industry": "行业类别", "rating": "评估等级", "status": "登记状态"}


def organization_breakdown(*, user, region: Region | None = None, by: str) -> list[dict]:
    """Organizations in ``region`` per kind, industry, rating (registered ones, 正常) or status (all): one query.

    Each row carries the 名录 query that lists it (``url``), so a figure can always be opened and exported.
    """
    queryset = Organization.objects.restrict(user)
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    base = {"region": region.pk} if region is not None else {}
    if by != "status":
        queryset = queryset.filter(status=OrganizationStatus.NORMAL)
        base["status"] = OrganizationStatus.NORMAL.value
    field = {"industry": "industry"}.get(by, by)
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    if by == "industry":
        choices = [(industry.pk, industry.name) for industry in Industry.objects.order_by("sort_order", "name")]
        choices.append((None, "未填行业类别"))
    else:
        choices = list({"kind": OrganizationKind, "rating": Rating, "status": OrganizationStatus}[by].choices)
        if by == "rating":
            choices.append(("", "未评估"))
    rows = []
    for value, label in choices:
        count = counts.get(value, 0)
        if value in (None, "") and not count:
            continue
        if value is None:
            params = {**base, "industry_blank": "true"}
        elif value == "":
            params = None  # the 名录 has no “未评估” filter: the figure is the total less the rated ones
        else:
            params = {**base, by: value}
        url = f"{reverse('organizations:organization_list')}?{urlencode(params)}" if params else None
        rows.append({"value": value, "label": label, "count": count, "url": url})
    return rows


def month_ends(months: list[tuple[int, int]]) -> list[datetime.date]:
    """The last day of each (year, month); today for the current month (its end has not come)."""
    today = timezone.localdate()
    return [min(today, datetime.date(year, month, calendar.monthrange(year, month)[1])) for year, month in months]


def registrations_by_month(*, user, region: Region | None = None, months: list[tuple[int, int]]) -> list[dict]:
    """Organizations registered (登记日期) in each month, whatever their status now: one query."""
    queryset = Organization.objects.restrict(user)
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    counts = queryset.aggregate(
        **{
            f"m{index}": Count(
                "pk",
                filter=Q(registration_date__gte=datetime.date(year, month, 1), registration_date__lte=end),
            )
            for index, ((year, month), end) in enumerate(zip(months, month_ends(months), strict=True))
        }
    )
    return [{"label": f"{year}年{month}月", "count": counts[f"m{index}"]} for index, (year, month) in enumerate(months)]


COVERAGE_TREND_NOTE = (
    "各月末覆盖率按记录推算：分母为该月末已登记（登记日期不晚于月末）且现为“正常”的社会组织；"
    "组织覆盖按覆盖它的党组织的成立日期，工作覆盖另加当时在任的党建指导员、党建联络员、统战联络员、专职党务工作者。"
    "注销、撤销的日期与党组织覆盖关系的起始日期没有登记，因此过去月份的数字是推算值，本月末与“两个覆盖”页一致的前提是各日期已填。"
)


def coverage_rates_by_month(*, user, region: Region | None = None, months: list[tuple[int, int]]) -> list[dict]:
    """Organizational and work coverage as of each month end, recomputed from dated records: one query.

    What can be dated is dated (registration, a party organization's founding, an assignment's start and end); what
    cannot (when an organization was deregistered, when a party organization began to cover it) is read as it is
    now — COVERAGE_TREND_NOTE says so beside the chart.
    """
    queryset = coverage.covered_base(user=user, region=region)
    aggregates = {}
    for index, end in enumerate(month_ends(months)):
        registered = Q(registration_date__lte=end) | Q(registration_date__isnull=True, created_at__date__lte=end)
        party = Exists(
            PartyCoverage.objects.filter(organization=OuterRef("pk")).filter(
                Q(party_organization__founded_date__lte=end)
                | Q(party_organization__founded_date__isnull=True, party_organization__created_at__date__lte=end)
            )
        )
        liaison = Exists(
            Assignment.objects.filter(
                organization=OuterRef("pk"), role__in=coverage.WORK_COVER_ROLES, start_date__lte=end
            ).filter(Q(end_date__isnull=True) | Q(end_date__gte=end))
        )
        aggregates[f"t{index}"] = Count("pk", filter=registered)
        aggregates[f"o{index}"] = Count("pk", filter=registered & Q(party))
        aggregates[f"w{index}"] = Count("pk", filter=registered & (Q(party) | Q(liaison)))
    counts = queryset.aggregate(**aggregates)
    rows = []
    for index, (year, month) in enumerate(months):
        total = counts[f"t{index}"]
        rows.append(
            {
                "label": f"{year}年{month}月",
                "total": total,
                "org_rate": round(100 * counts[f"o{index}"] / total, 1) if total else None,
                "work_rate": round(100 * counts[f"w{index}"] / total, 1) if total else None,
            }
        )
    return rows

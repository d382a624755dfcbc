"""两个覆盖, computed and never typed: organizational and work coverage, their rates and the rule breaches.

Definitions (for organizations whose status is 正常, as of a date, default today):
- organizational coverage 组织覆盖: a party organization covers it (its own, or a 联合党支部);
- work coverage 工作覆盖: organizational coverage, or an active 党建指导员 / 党建联络员 /
  统战联络员 / 专职党务工作者 assignment.
Rules come from the 饱和攻坚 plan: one instructor guides 5–10 organizations, organizations of
30+ staff get one of their own (1:1), organizations with a party organization set up a 统战委员,
those without one a 统战联络员; 3+ formal party members means a party organization should exist.

Pages read what the database keeps current on every write (models.CoverageState, one row per
organization, and CoverageTally, its counts per region, industry and status; see coverage_state.py):
``annotate_coverage`` joins an organization's row, the counts sum a few hundred tally rows, and the lists
read the rows — nothing here recomputes a million organizations. ``CoverageSets`` is the reference
definition of the same facts (correlated EXISTS over the inputs), which ``manage.py check_coverage``
compares every stored row with, and which the form warnings use for a save not yet made.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from registry.charts import bar_chart
from registry.models import Region
from registry.scoping import scope_region, user_is_unrestricted

from . import coverage_state
from .choices import LiaisonRole, OrganizationStatus, PartyOrgKind
from .models import (
    AnnualSurvey,
    Assignment,
    CoverageState,
    CoverageTally,
    Industry,
    InstructorLoad,
    Organization,
    PartyCoverage,
)
from .rules import (
    INSTRUCTOR_MAX,
    INSTRUCTOR_MIN,
    LARGE_STAFF,
    ORGANIZATION_RULES,
    RECOMPUTED_FACTS,
    WORK_COVER_ROLES,
    rule_condition,
)


def _active(queryset, on):
    return queryset.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


def _latest_survey(value):
    """A figure (a field name or an expression) of the organization's latest survey; 0 without a survey."""
    latest = AnnualSurvey.objects.filter(organization=OuterRef("pk")).order_by("-year")
    if not isinstance(value, str):
        latest, value = latest.annotate(figure=value), "figure"
    return Coalesce(Subquery(latest.values(value)[:1], output_field=IntegerField()), Value(0))


def annotate_coverage(queryset):
    """Per-row coverage flags and the latest survey counts, from each organization's CoverageState row."""
    state = "coverage_state__"
    return queryset.annotate(
        **{
            name: F(state + name)
            for name in ("has_party_org", "has_own_party_org", "has_work_liaison", "org_covered", "work_covered")
        },
        staff=F(state + "staff"),
        party_members=F(state + "party_members"),
        mobile_members=F(state + "mobile_members"),
        # the counts read 0 for the rules; a page says 未摸底 instead, since 0 staff is a finding of its own
        surveyed=F(state + "surveyed"),
    )


class CoverageSets:
    """The coverage conditions over whole tables, as of ``on``: EXISTS on the organization's row.

    In a WHERE clause Postgres turns them into (anti-)joins; inside a COUNT(…) FILTER they are
    index probes per row. Both stay within seconds at a million organizations, where an
    ``IN (subquery)`` larger than work_mem would rescan the subquery for every row.
    """

    def __init__(self, on=None):
        self.on = on or timezone.localdate()

    def _coverage(self):
        return PartyCoverage.objects.filter(organization=OuterRef("pk"))

    def _role(self, *roles) -> Exists:
        return Exists(_active(Assignment.objects.filter(organization=OuterRef("pk"), role__in=roles), self.on))

    def _instructors(self):
        return _active(Assignment.objects.filter(role=LiaisonRole.PARTY_INSTRUCTOR), self.on)

    def instructor_loads(self):
        """{liaison id: organizations guided now}."""
        return dict(
            self._instructors()
            .values("liaison")
            .annotate(n=Count("organization", distinct=True))
            .values_list("liaison", "n")
        )

    def _dedicated(self) -> Exists:
        """The organization's instructor guides only it (the 1:1 case).

        Correlated NOT EXISTS over the (liaison, role) index: a ``liaison IN (instructors guiding one
        organization)`` set grows past work_mem on a large district and is then re-scanned per row.
        """
        elsewhere = (
            self._instructors().filter(liaison=OuterRef("liaison")).exclude(organization=OuterRef("organization"))
        )
        return Exists(self._instructors().filter(~Exists(elsewhere), organization=OuterRef("pk")))

    @property
    def org_covered(self) -> Q:
        return Q(Exists(self._coverage()))

    @property
    def work_covered(self) -> Q:
        return Q(Exists(self._coverage())) | Q(self._role(*WORK_COVER_ROLES))

    def flags(self) -> dict:
        """Per-organization facts the rules read, as ``cov_*`` annotations: alias them, then filter or count by
        ``rule(key)`` — one definition of every rule for the list filter, the rule lists, the counts and 待办."""
        return {
            "cov_own": Exists(self._coverage().exclude(party_organization__kind=PartyOrgKind.JOINT_BRANCH)),
            "cov_any": Exists(self._coverage()),
            "cov_uf_member": self._role(LiaisonRole.UNITED_FRONT_MEMBER),
            "cov_uf_liaison": self._role(LiaisonRole.UNITED_FRONT_LIAISON),
            "cov_work_role": self._role(*WORK_COVER_ROLES),
            "cov_dedicated": self._dedicated(),
            # the latest survey's figures (0 without a survey: then no threshold is met)
            "cov_staff": _latest_survey("staff_count"),
            "cov_resident": _latest_survey(F("party_member_count") - F("mobile_party_member_count")),
            "cov_mobile": _latest_survey("mobile_party_member_count"),
        }

    @staticmethod
    def rule(key: str) -> Q:
        """The organizations breaking rule ``key``, over the ``flags()`` annotations."""
        return rule_condition(key, RECOMPUTED_FACTS)


def organization_list_url(**params) -> str:
    """The 名录 showing what a coverage figure counts: registered (正常) organizations, filtered by ``params``."""
    query = {"status": OrganizationStatus.NORMAL.value, **{k: v for k, v in params.items() if v is not None}}
    return f"{reverse('organizations:organization_list')}?{urlencode(query)}"


def covered_base(*, user, region: Region | None = None):
    """The organizations that count for coverage: visible to the user, registered (正常), in ``region``."""
    queryset = Organization.objects.visible_to(user).filter(status=OrganizationStatus.NORMAL)
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    return queryset


def covered_states(*, user, region: Region | None = None):
    """The CoverageState rows of ``covered_base``: the region and status are the row's own copies."""
    states = CoverageState.objects.visible_to(user).filter(status=OrganizationStatus.NORMAL)
    if region is not None:
        states = states.filter(region__path__startswith=region.path)
    return states


def as_of():
    """None when the stored figures hold for today; else the date they hold for.

    A few stale rows (an organization or two whose day has not been rolled over yet, a test under another
    clock) are refreshed here, so the figures hold for today; many wait for the daily task."""
    return coverage_state.ensure_current()


@dataclass
class CoverageRow:
    key: str
    label: str
    total: int
    org_covered: int
    work_covered: int
    url: str | None = None
    # the 名录 filters that select this row's organizations
    list_params: dict | None = None

    def _list_url(self, **extra) -> str | None:
        if self.list_params is None:
            return None
        return organization_list_url(**self.list_params, **extra)

    @property
    def total_url(self) -> str | None:
        return self._list_url()

    @property
    def org_covered_url(self) -> str | None:
        return self._list_url(org_covered="true")

    @property
    def work_covered_url(self) -> str | None:
        return self._list_url(work_covered="true")

    @property
    def uncovered_url(self) -> str | None:
        return self._list_url(work_covered="false")

    @property
    def org_rate(self) -> float:
        return round(100 * self.org_covered / self.total, 1) if self.total else 0.0

    @property
    def work_rate(self) -> float:
        return round(100 * self.work_covered / self.total, 1) if self.total else 0.0

    @property
    def org_rate_display(self) -> str:
        """“—” where there is nothing to cover: an empty community is not 0% covered."""
        return f"{self.org_rate}%" if self.total else "—"

    @property
    def work_rate_display(self) -> str:
        return f"{self.work_rate}%" if self.total else "—"

    @property
    def uncovered(self) -> int:
        return self.total - self.work_covered


def rates_chart(rows: list[CoverageRow], *, horizontal: bool = False) -> dict:
    """The chart of organizational and work coverage rates by row."""
    return bar_chart(
        rows, series=(("组织覆盖率", "org_rate"), ("工作覆盖率", "work_rate")), horizontal=horizontal, percent=True
    )


COUNTED = ("organizations", "org_covered", "work_covered", *(f"breaks_{rule}" for rule in ORGANIZATION_RULES))


def _tallies(*, user, region: Region | None, group_by: tuple = ()) -> list[dict]:
    """The CoverageTally sums of the registered organizations in ``region`` visible to the user, by ``group_by``."""
    as_of()
    tallies = CoverageTally.objects.visible_to(user).filter(status=OrganizationStatus.NORMAL)
    if region is not None:
        tallies = tallies.filter(region__path__startswith=region.path)
    sums = {f"sum_{name}": Sum(name) for name in COUNTED}
    rows = tallies.order_by().values(*group_by).annotate(**sums) if group_by else [tallies.aggregate(**sums)]
    return [{**row, **{name: row.pop(f"sum_{name}") or 0 for name in COUNTED}} for row in rows]


def _row(key, label, data, **kwargs) -> CoverageRow:
    return CoverageRow(key, label, data["organizations"], data["org_covered"], data["work_covered"], **kwargs)


def coverage_totals(*, user, region: Region | None = None) -> CoverageRow:
    return _row("total", "合计", _tallies(user=user, region=region)[0])


def coverage_by_region(*, user, region: Region) -> list[CoverageRow]:
    """One row per child region of ``region`` (plus one for records kept at ``region`` itself)."""
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    grouped = {child.pk: dict.fromkeys(COUNTED, 0) for child in children}
    own = dict.fromkeys(COUNTED, 0)
    for row in _tallies(user=user, region=region, group_by=("region__path",)):
        child = next((c for c in children if row["region__path"].startswith(c.path)), None)
        into = grouped[child.pk] if child else own
        for name in COUNTED:
            into[name] += row[name]
    rows = [
        _row(
            str(child.pk),
            child.name,
            grouped[child.pk],
            url=f"{reverse('organizations:coverage')}?region={child.pk}",
            list_params={"region": child.pk},
        )
        for child in children
    ]
    if own["organizations"]:
        rows.append(_row("self", f"{region.name}（本级）", own, list_params={"region_own": region.pk}))
    return rows


def coverage_by_industry(*, user, region: Region | None = None) -> list[CoverageRow]:
    grouped = [row for row in _tallies(user=user, region=region, group_by=("industry_key",)) if row["organizations"]]
    industries = Industry.objects.in_bulk([row["industry_key"] for row in grouped if row["industry_key"]])
    rows = []
    for row in grouped:
        industry = industries.get(row["industry_key"])
        label = industry.name if industry else "未分类"
        by_industry = {"industry": industry.pk} if industry else {"industry_blank": "true"}
        params = {"region": region.pk if region else None, **by_industry}
        rows.append((industry, _row(label, label, row, list_params=params)))
    rows.sort(key=lambda pair: (pair[0] is None, pair[0].sort_order if pair[0] else 0))
    return [row for _, row in rows]


def _breaking(rule: str, *, user, region: Region | None = None, limit: int | None = None):
    """The registered organizations in ``region`` breaking ``rule``, by region and name: the first ``limit``
    are picked from the CoverageState rows alone (an index on region and name serves it), then read."""
    states = covered_states(user=user, region=region).filter(**{f"breaks_{rule}": True})
    states = states.order_by("region__path", "name", "organization").values("organization")
    queryset = Organization.objects.visible_to(user).filter(pk__in=states[:limit] if limit else states)
    return annotate_coverage(queryset).order_by("coverage_state__region__path", "coverage_state__name", "pk")


def uncovered_organizations(*, user, region: Region | None = None, limit: int | None = None):
    """Organizations with neither a party organization nor an active instructor/liaison."""
    as_of()
    return _breaking("work_uncovered", user=user, region=region, limit=limit).select_related("region", "industry")


@dataclass
class Breach:
    rule: str
    title: str
    subject: str
    detail: str
    url: str
    region: str = ""


LIAISON_RULES = {
    "instructor_overload": f"党建指导员指导超过{INSTRUCTOR_MAX}家",
    "instructor_underload": f"党建指导员指导少于{INSTRUCTOR_MIN}家",
}
RULES = {**LIAISON_RULES, **ORGANIZATION_RULES}


def _org_detail(rule: str, org) -> str:
    resident = org.party_members - org.mobile_members
    return {
        "large_without_instructor": f"从业人员{org.staff}人，未选派专门指导本组织的党建指导员",
        "party_org_without_uf_member": "已成立党组织，应在党组织中设立统战委员",
        "uf_liaison_with_party_org": "已成立党组织的社会组织应设统战委员而非统战联络员",
        "uf_member_without_party_org": "未成立党组织的社会组织应设统战联络员",
        "should_build": f"正式党员{org.party_members}名（其中流动党员{org.mobile_members}名，"
        f"本单位{resident}名），未成立党组织",
        "mobile_branch_missing": f"流动党员{org.mobile_members}名，应成立流动党员党支部",
        "mobile_unattached": f"流动党员{org.mobile_members}名，未纳入联合党支部或相近党组织",
        "work_uncovered": "无党组织、无党建指导员、无党建联络员",
    }[rule]


def _instructor_load_rules(loads: dict, sets: CoverageSets):
    """{liaison id: rule} for instructors guiding too many or too few organizations."""
    single = [liaison for liaison, n in loads.items() if n == 1]
    large_single = set()
    if single:
        # an instructor with one organization of 30+ staff is the 1:1 case, not under-used
        large = CoverageState.objects.filter(staff__gte=LARGE_STAFF).values("organization")
        guided = sets._instructors().filter(liaison__in=single, organization__in=large)
        large_single = set(guided.values_list("liaison", flat=True))
    result = {}
    for liaison, n in loads.items():
        if n > INSTRUCTOR_MAX:
            result[liaison] = "instructor_overload"
        elif n < INSTRUCTOR_MIN and liaison not in large_single:
            result[liaison] = "instructor_underload"
    return result


def _load_rule(rule: str) -> Q:
    """The InstructorLoad rows breaking an instructor rule (the same thresholds as _instructor_load_rules)."""
    if rule == "instructor_overload":
        return Q(guided__gt=INSTRUCTOR_MAX)
    return Q(guided__lt=INSTRUCTOR_MIN, dedicated_large=False)


def _loads_in_scope(*, user, region: Region | None):
    """InstructorLoad rows of the liaisons working in ``region`` (the user's scope when None): their own
    region is there, or one of their assignments' organizations is — as Liaison.visible_to reads it."""
    loads = InstructorLoad.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return loads.none()
    scopes = [region]
    if not user_is_unrestricted(user):
        if scope_region(user) is None:
            return loads.none()
        scopes.append(scope_region(user))
    for scope in {scope.pk: scope for scope in scopes if scope is not None}.values():
        inside = ArraySubquery(Region.objects.filter(path__startswith=scope.path).values("pk"))
        loads = loads.filter(Q(liaison__region__path__startswith=scope.path) | Q(regions__overlap=inside))
    return loads


def breach_counts(*, user, region: Region | None = None) -> list[dict]:
    """How many records break each rule: the tallies' sums, and the instructors' loads."""
    tallies = _tallies(user=user, region=region)[0]
    counts = {rule: tallies[f"breaks_{rule}"] for rule in ORGANIZATION_RULES}
    counts |= _loads_in_scope(user=user, region=region).aggregate(
        **{rule: Count("pk", filter=_load_rule(rule)) for rule in LIAISON_RULES}
    )
    return [
        {
            "rule": rule,
            "title": title,
            "count": counts[rule],
            # an organization rule is a 名录 filter; an instructor's load is not
            "list_url": organization_list_url(region=region.pk if region else None, rule=rule)
            if rule in ORGANIZATION_RULES
            else None,
        }
        for rule, title in RULES.items()
    ]


def _breach(key: str, org) -> Breach:
    return Breach(
        key,
        RULES[key],
        org.name,
        _org_detail(key, org),
        reverse("organizations:organization_detail", args=[org.pk]),
        org.region.name,
    )


def rule_breaches(
    *, user, region: Region | None = None, rule: str | None = None, organization=None, limit: int | None = None
) -> list[Breach]:
    """The breaches themselves, each linking to the record to fix (of one ``rule``, or all)."""
    rules = [rule] if rule else list(RULES)
    as_of()
    if organization is not None:
        # one organization's row says every rule it breaks
        flags = {f"breaks_{key}": F(f"coverage_state__breaks_{key}") for key in ORGANIZATION_RULES}
        org = (
            annotate_coverage(covered_base(user=user, region=region).filter(pk=organization.pk))
            .annotate(**flags)
            .select_related("region")
            .first()
        )
        return [
            _breach(key, org) for key in rules if org and key in ORGANIZATION_RULES and getattr(org, f"breaks_{key}")
        ]
    breaches: list[Breach] = []
    for key in rules:
        if key in ORGANIZATION_RULES:
            rows = _breaking(key, user=user, region=region, limit=limit).select_related("region")
            breaches += [_breach(key, org) for org in rows]
    if not any(key in LIAISON_RULES for key in rules):
        return breaches
    wanted = Q()
    for key in rules:
        if key in LIAISON_RULES:
            wanted |= _load_rule(key)
    loads = _loads_in_scope(user=user, region=region).filter(wanted).select_related("liaison__region")
    for load in loads.order_by("liaison__name", "liaison"):
        if limit and len(breaches) >= limit:
            break
        key = "instructor_overload" if load.guided > INSTRUCTOR_MAX else "instructor_underload"
        breaches.append(
            Breach(
                key,
                RULES[key],
                load.liaison.name,
                f"现指导{load.guided}家社会组织",
                reverse("organizations:liaison_detail", args=[load.liaison_id]),
                load.liaison.region.name,
            )
        )
    return breaches


@dataclass
class RuleWarning:
    """A rule breach a save would create, named as on the coverage page, said on the form before saving."""

    rule: str
    detail: str


def assignment_warnings(*, liaison, organization, role, start_date=None, end_date=None, exclude_pk=None):
    """The breaches that saving this assignment would create (统战委员 without a party organization,
    an instructor's 11th organization, an instructor taken from the 30+ organization they guide 1:1)."""
    today = timezone.localdate()
    if liaison is None or organization is None or (end_date and end_date < today):
        return []
    warnings = []
    if role == LiaisonRole.UNITED_FRONT_MEMBER and not PartyCoverage.objects.filter(organization=organization).exists():
        warnings.append(
            RuleWarning(
                ORGANIZATION_RULES["uf_member_without_party_org"],
                f"{organization}尚未建立党组织；统战委员设在党组织中，未建党组织的应选派统战联络员。",
            )
        )
    if role == LiaisonRole.PARTY_INSTRUCTOR:
        on = max(today, start_date) if start_date else today
        guided = _active(Assignment.objects.filter(liaison=liaison, role=LiaisonRole.PARTY_INSTRUCTOR), on)
        guided = guided.exclude(pk=exclude_pk).exclude(organization=organization)
        others = set(guided.values_list("organization", flat=True))
        if len(others) + 1 > INSTRUCTOR_MAX:
            warnings.append(
                RuleWarning(
                    LIAISON_RULES["instructor_overload"],
                    f"{liaison}已指导{len(others)}家社会组织，这将是第{len(others) + 1}家（每名党建指导员指导"
                    f"{INSTRUCTOR_MIN}—{INSTRUCTOR_MAX}家）。",
                )
            )
        if len(others) == 1:
            dedicated = annotate_coverage(Organization.objects.filter(pk__in=others)).first()
            if dedicated is not None and dedicated.staff >= LARGE_STAFF:
                warnings.append(
                    RuleWarning(
                        ORGANIZATION_RULES["large_without_instructor"],
                        f"{liaison}是{dedicated}（从业人员{dedicated.staff}人）1:1选派的党建指导员，"
                        f"再指导{organization}后，{dedicated}将没有专门的党建指导员。",
                    )
                )
    return warnings

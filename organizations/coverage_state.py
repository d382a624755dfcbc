"""Keeping CoverageState current: the set-based refresh, the daily roll-over to a new date, the refresh of
stale rows on read, and the check of every stored row against a full recomputation.

Writes need nothing from here: triggers on the input tables (migration 0006) call the same SQL function
``organizations_refresh_coverage(ids, day)`` inside the writing statement's transaction, whoever writes
(services, admin, API, import with bulk_create or COPY, queryset.update(), raw SQL). ``refresh_coverage``
is that function for Python callers: scripts that switched the triggers off (``session_replication_role =
replica``) and the commands below.
"""

import datetime

from django.db import connection, transaction
from django.db.models import F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Assignment, CoverageState, CoverageTally, InstructorLoad, Organization
from .rules import INSTRUCTOR_MAX, INSTRUCTOR_MIN, ORGANIZATION_RULES, RECOMPUTED_FACTS, rule_condition

# a page refreshes up to this many stale rows itself (a test under another clock, an organization or two
# after midnight); more wait for the daily task, and the page says how old its figures are
STALE_REFRESH_LIMIT = 2000

# the stored facts compared with CoverageSets.flags() by check_coverage
FACTS = {
    "has_party_org": "cov_any",
    "has_own_party_org": "cov_own",
    "has_work_liaison": "cov_work_role",
    "has_uf_member": "cov_uf_member",
    "has_uf_liaison": "cov_uf_liaison",
    "has_dedicated_instructor": "cov_dedicated",
    "staff": "cov_staff",
    "resident_members": "cov_resident",
    "mobile_members": "cov_mobile",
}
COUNTED = ["org_covered", "work_covered", *(f"breaks_{rule}" for rule in ORGANIZATION_RULES)]


def refresh_coverage(organization_ids, *, on: datetime.date | None = None) -> int:
    """Recompute the rows of ``organization_ids`` (all organizations when None) as of ``on`` (today)."""
    ids = None if organization_ids is None else sorted({int(pk) for pk in organization_ids})
    if ids == []:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT organizations_refresh_coverage(%s::bigint[], %s)", [ids, on or timezone.localdate()])
        return cursor.fetchone()[0]


def _date_changed(day: datetime.date, on: datetime.date) -> Q:
    """Assignments active on one of the two dates and not on the other."""

    def active(date):
        return Q(start_date__lte=date) & (Q(end_date__isnull=True) | Q(end_date__gte=date))

    return (active(day) & ~active(on)) | (active(on) & ~active(day))


def roll_over(*, on: datetime.date | None = None) -> dict:
    """Move every row to ``on`` (today): recompute the organizations whose assignments started or ended
    between a row's date and ``on`` (with every organization of an instructor among them, for the 1:1
    rule), then date the others ``on`` — nothing else in the facts depends on the date."""
    on = on or timezone.localdate()
    days = list(
        CoverageState.objects.filter(Q(computed_on__lt=on) | Q(computed_on__gt=on))
        .order_by()
        .values_list("computed_on", flat=True)
        .distinct()
    )
    recomputed = moved = 0
    with transaction.atomic():
        for day in days:
            changed = Assignment.objects.filter(_date_changed(day, on))
            instructors = changed.filter(role="instructor").values("liaison")
            ids = set(changed.values_list("organization", flat=True)) | set(
                Assignment.objects.filter(role="instructor", liaison__in=instructors).values_list(
                    "organization", flat=True
                )
            )
            ids &= set(CoverageState.objects.filter(pk__in=ids, computed_on=day).values_list("pk", flat=True))
            recomputed += refresh_coverage(ids, on=on)
            with connection.cursor() as cursor:
                # only the date changes: the tally trigger skips these statements (migration 0006)
                cursor.execute("SELECT set_config('tongxinku.coverage_redate', 'on', true)")
                moved += CoverageState.objects.filter(computed_on=day).update(computed_on=on)
                cursor.execute("SELECT set_config('tongxinku.coverage_redate', 'off', true)")
        # the loads of the instructors at the recomputed organizations were recomputed with them
        InstructorLoad.objects.exclude(computed_on=on).update(computed_on=on)
    return {"days": days, "recomputed": recomputed, "moved": moved}


def missing_ids() -> list[int]:
    """Organizations without a row (written while the triggers were off)."""
    return list(Organization.objects.filter(coverage_state__isnull=True).values_list("pk", flat=True))


def refresh_instructors(liaison_ids, *, on: datetime.date | None = None) -> None:
    """Recompute the InstructorLoad rows of ``liaison_ids`` (all when None) as of ``on`` (today)."""
    ids = None if liaison_ids is None else sorted({int(pk) for pk in liaison_ids})
    with connection.cursor() as cursor:
        cursor.execute("SELECT organizations_refresh_instructors(%s::bigint[], %s)", [ids, on or timezone.localdate()])


def ensure_current() -> datetime.date | None:
    """Refresh the stale rows when they are few: None when every row holds for today, else the oldest date
    the rows hold for (the figures are as of that day until the daily task has run).

    Whole-table, not per scope: on a current day it is two empty range scans of an index, and refreshing
    rows outside the reader's scope shows nobody anything."""
    today = timezone.localdate()
    stale = CoverageState.objects.filter(Q(computed_on__lt=today) | Q(computed_on__gt=today))
    ids = list(stale.order_by().values_list("pk", flat=True)[: STALE_REFRESH_LIMIT + 1])
    if not ids:
        return None
    if len(ids) <= STALE_REFRESH_LIMIT:
        refresh_coverage(ids, on=today)  # with the loads of the liaisons working there
        return None
    return stale.aggregate(day=Min("computed_on"))["day"]


# ---------------------------------------------------------------------------------------------
# The check: stored rows against CoverageSets, the correlated definitions


def disagreements(*, ids=None) -> list[dict]:
    """Every stored fact, flag or breach that differs from a full recomputation by CoverageSets as of the
    row's own date; with ``ids`` None also every organization without a row and every tally that differs
    from a count of the rows. The comparison runs in the database: only disagreeing rows come back."""
    from .coverage import CoverageSets

    states = CoverageState.objects.all() if ids is None else CoverageState.objects.filter(pk__in=ids)
    pairs = {
        **{name: (f"s_{name}", f"o_{name}") for name in COPIED},
        **{name: (f"s_{name}", f"r_{name}") for name in (*FACTS, *COUNTED)},
    }
    differs = Q()
    for stored, recomputed in pairs.values():
        differs |= ~Q(**{stored: F(recomputed)})
    problems = []
    for day in states.order_by().values_list("computed_on", flat=True).distinct():
        sets = CoverageSets(day)
        queryset = (
            Organization.objects.filter(coverage_state__computed_on=day)
            .alias(**sets.flags())
            .annotate(
                **{
                    f"o_{name}": Coalesce(F(own), Value(0)) if name == "industry" else F(own)
                    for name, own in COPIED.items()
                },
                **{
                    f"s_{name}": Coalesce(F(f"coverage_state__{name}"), Value(0))
                    if name == "industry"
                    else F(f"coverage_state__{name}")
                    for name in COPIED
                },
                **{f"r_{name}": F(cov) for name, cov in FACTS.items()},
                **{f"r_breaks_{rule}": rule_condition(rule, RECOMPUTED_FACTS) for rule in ORGANIZATION_RULES},
                r_org_covered=sets.org_covered,
                r_work_covered=sets.work_covered,
                **{f"s_{name}": F(f"coverage_state__{name}") for name in (*FACTS, *COUNTED)},
            )
            .filter(differs)
        )
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        for row in queryset.values("pk", *(name for pair in pairs.values() for name in pair)):
            wrong = {name: (row[a], row[b]) for name, (a, b) in pairs.items() if row[a] != row[b]}
            problems.append({"organization": row["pk"], "day": day, "wrong": wrong})
    if ids is None:
        problems += [{"organization": pk, "day": None, "wrong": {"row": ("缺少", "应有")}} for pk in missing_ids()]
        problems += tally_disagreements()
        problems += load_disagreements()
    return problems


def load_disagreements() -> list[dict]:
    """Each InstructorLoad row whose count or rule differs from CoverageSets.instructor_loads() of its date."""
    from .coverage import CoverageSets, _instructor_load_rules

    problems = []
    days = set(InstructorLoad.objects.values_list("computed_on", flat=True)) or {timezone.localdate()}
    for day in days:
        sets = CoverageSets(day)
        loads = sets.instructor_loads()
        rules = _instructor_load_rules(loads, sets)
        kept = {row.liaison_id: row for row in InstructorLoad.objects.filter(computed_on=day)}
        others = set(InstructorLoad.objects.exclude(computed_on=day).values_list("liaison", flat=True))
        for liaison in sorted((loads.keys() - others) | kept.keys()):
            row = kept.get(liaison)
            have = (row.guided, _stored_load_rule(row)) if row else (0, None)
            want = (loads.get(liaison, 0), rules.get(liaison))
            if have != want:
                problems.append({"liaison": liaison, "day": day, "wrong": {"guided, rule": (have, want)}})
    return problems


def _stored_load_rule(row) -> str | None:
    if row.guided > INSTRUCTOR_MAX:
        return "instructor_overload"
    if row.guided < INSTRUCTOR_MIN and not row.dedicated_large:
        return "instructor_underload"
    return None


# the organization's own columns a row copies: {row field: organization value}
COPIED = {"name": "name", "region": "region_id", "industry": "industry_id", "status": "status"}

TALLY_SQL = (
    "SELECT region_id, COALESCE(industry_id, 0), status, count(*), "
    + ", ".join(f"count(*) FILTER (WHERE {name})" for name in COUNTED)
    + " FROM organizations_coveragestate GROUP BY 1, 2, 3"
)


def tally_disagreements() -> list[dict]:
    """Each CoverageTally row that differs from a count of the CoverageState rows."""
    columns = ("organizations", *COUNTED)
    with connection.cursor() as cursor:
        cursor.execute(TALLY_SQL)
        counted = {tuple(row[:3]): dict(zip(columns, row[3:], strict=True)) for row in cursor.fetchall()}
    kept = {
        (row.pop("region"), row.pop("industry_key"), row.pop("status")): row
        for row in CoverageTally.objects.values("region", "industry_key", "status", *columns)
    }
    problems = []
    for key in sorted(counted.keys() | kept.keys(), key=str):
        want, have = counted.get(key, {}), kept.get(key, {})
        wrong = {
            name: (have.get(name, 0), want.get(name, 0)) for name in columns if have.get(name, 0) != want.get(name, 0)
        }
        if wrong:
            problems.append({"tally": key, "wrong": wrong})
    return problems


def rebuild_tally() -> None:
    """Recount CoverageTally from the rows (check_coverage --fix)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM organizations_coveragetally")
        cursor.execute(
            "INSERT INTO organizations_coveragetally (region_id, industry_key, status, organizations, "
            + ", ".join(COUNTED)
            + ") "
            + TALLY_SQL
        )


def as_of(states=None) -> datetime.date | None:
    """The oldest date the rows hold for (None without rows)."""
    return (states if states is not None else CoverageState.objects).aggregate(day=Min("computed_on"))["day"]

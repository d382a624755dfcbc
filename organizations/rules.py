"""The 两个覆盖 rules, each written once as a condition over an organization's facts.

The facts have two homes: ``coverage.CoverageSets.flags()`` computes them per query (correlated EXISTS,
the reference definition) and ``models.CoverageState`` keeps them per organization (refreshed on write);
``rule_condition(key, facts)`` is the same rule over either, so the stored breaches and the recomputed ones
cannot drift apart in their wording — ``manage.py check_coverage`` compares the values.
"""

from django.db.models import Q

from .choices import LiaisonRole

INSTRUCTOR_MIN = 5
INSTRUCTOR_MAX = 10
LARGE_STAFF = 30
PARTY_ORG_THRESHOLD = 3
WORK_COVER_ROLES = [
    LiaisonRole.PARTY_INSTRUCTOR,
    LiaisonRole.PARTY_LIAISON,
    LiaisonRole.UNITED_FRONT_LIAISON,
    LiaisonRole.FULL_TIME_PARTY_WORKER,
]

ORGANIZATION_RULES = {
    "large_without_instructor": f"{LARGE_STAFF}人以上未按1:1选派党建指导员",
    "party_org_without_uf_member": "已建党组织未设统战委员",
    "uf_liaison_with_party_org": "已建党组织却设统战联络员",
    "uf_member_without_party_org": "未建党组织却设统战委员",
    "should_build": f"应建未建（正式党员{PARTY_ORG_THRESHOLD}名以上）",
    "mobile_branch_missing": f"流动党员{PARTY_ORG_THRESHOLD}名以上未建流动党员党支部",
    "mobile_unattached": "流动党员未纳入联合党支部",
    "work_uncovered": "党的工作未覆盖",
}

# the facts a rule reads, by their names in CoverageSets.flags() and in CoverageState
RECOMPUTED_FACTS = {
    "own": "cov_own",
    "any": "cov_any",
    "uf_member": "cov_uf_member",
    "uf_liaison": "cov_uf_liaison",
    "work_role": "cov_work_role",
    "dedicated": "cov_dedicated",
    "staff": "cov_staff",
    "resident": "cov_resident",
    "mobile": "cov_mobile",
}
STORED_FACTS = {
    "own": "has_own_party_org",
    "any": "has_party_org",
    "uf_member": "has_uf_member",
    "uf_liaison": "has_uf_liaison",
    "work_role": "has_work_liaison",
    "dedicated": "has_dedicated_instructor",
    "staff": "staff",
    "resident": "resident_members",
    "mobile": "mobile_members",
}


def rule_condition(key: str, facts: dict) -> Q:
    """The organizations breaking rule ``key``, over the fact names ``facts`` (one of the two maps above)."""

    def fact(name, lookup="", value=True):
        return Q(**{f"{facts[name]}{lookup}": value})

    own, covered = fact("own"), fact("any")
    threshold = PARTY_ORG_THRESHOLD
    return {
        "large_without_instructor": fact("staff", "__gte", LARGE_STAFF) & ~fact("dedicated"),
        "party_org_without_uf_member": own & ~fact("uf_member"),
        "uf_liaison_with_party_org": own & fact("uf_liaison"),
        "uf_member_without_party_org": ~covered & fact("uf_member"),
        "should_build": ~own & fact("resident", "__gte", threshold),
        "mobile_branch_missing": ~own & fact("mobile", "__gte", threshold) & fact("resident", "__lt", threshold),
        "mobile_unattached": ~covered & fact("mobile", "__gt", 0) & fact("mobile", "__lt", threshold),
        "work_uncovered": ~covered & ~fact("work_role"),
    }[key]

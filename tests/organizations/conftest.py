"""A hand-built district for the coverage tests; every expected number is counted by hand in the tests."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    IndustryFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
)


@pytest.fixture
def district_orgs(tree):
    """Street A: O1–O7, street B: O8–O10 and O11–O21 (all guided by one overloaded instructor L8).

    O1  a1  社工  own branch P1, 统战委员 L1, 1:1 instructor L2; staff 40, 5 party members
    O2  a1  社工  joint branch J (with O3); 1 party member, mobile
    O3  a2  养老  joint branch J; 2 party members
    O4  a2  养老  no party org; instructor L3 (guides O4, O5); staff 35; 3 party members
    O5  A   养老  no party org; instructor L3; 1 party member, mobile
    O6  a1  社工  no party org; 统战联络员 L4 whose assignment ended last month
    O7  a1  社工  deregistered (outside every count)
    O8  b1  社工  own branch P2; 统战联络员 L5 (should be a 统战委员); 4 party members
    O9  b1  养老  no party org; 党建联络员 L6; 3 party members, all mobile
    O10 b2  养老  no party org; a 统战委员 L7 although it has no party organization
    O11–O21 b2 社工  no party org; instructor L8 guides all eleven
    """
    today = timezone.localdate()
    social_work = IndustryFactory(name="社会工作服务", sort_order=1)
    elderly = IndustryFactory(name="养老服务", sort_order=2)
    year = today.year - 1

    def org(label, region, industry, *, staff=3, party=0, mobile=0, status="normal"):
        organization = OrganizationFactory(
            name=f"测试组织{label}", region=tree[region], industry=industry, status=status
        )
        SurveyFactory(
            organization=organization,
            year=year,
            staff_count=staff,
            party_member_count=party,
            mobile_party_member_count=mobile,
        )
        # an older survey with other numbers must not count: only the latest year does
        SurveyFactory(organization=organization, year=year - 1, staff_count=99, party_member_count=9)
        return organization

    o = {
        "O1": org("O1", "community_a1", social_work, staff=40, party=5),
        "O2": org("O2", "community_a1", social_work, staff=5, party=1, mobile=1),
        "O3": org("O3", "community_a2", elderly, party=2),
        "O4": org("O4", "community_a2", elderly, staff=35, party=3),
        "O5": org("O5", "street_a", elderly, staff=2, party=1, mobile=1),
        "O6": org("O6", "community_a1", social_work),
        "O7": org("O7", "community_a1", social_work, status="deregistered"),
        "O8": org("O8", "community_b1", social_work, staff=10, party=4),
        "O9": org("O9", "community_b1", elderly, party=3, mobile=3),
        "O10": org("O10", "community_b2", elderly),
    }
    for k in range(11, 22):
        o[f"O{k}"] = org(f"O{k}", "community_b2", social_work, staff=1)

    district_committee = PartyOrganizationFactory(
        name="区社会组织党委", kind="committee", tier="district", region=tree["district"]
    )
    PartyOrganizationFactory(name="P1", region=tree["community_a1"], parent=district_committee, covers=[o["O1"]])
    PartyOrganizationFactory(
        name="J", kind="joint_branch", region=tree["street_a"], parent=district_committee, covers=[o["O2"], o["O3"]]
    )
    PartyOrganizationFactory(name="P2", region=tree["community_b1"], parent=district_committee, covers=[o["O8"]])

    start = datetime.date(today.year - 1, 1, 1)
    liaisons = {
        name: LiaisonFactory(name=name, region=tree["district"])
        for name in ("L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8")
    }
    AssignmentFactory(liaison=liaisons["L1"], organization=o["O1"], role="uf_member", start_date=start)
    AssignmentFactory(liaison=liaisons["L2"], organization=o["O1"], role="instructor", start_date=start)
    AssignmentFactory(liaison=liaisons["L3"], organization=o["O4"], role="instructor", start_date=start)
    AssignmentFactory(liaison=liaisons["L3"], organization=o["O5"], role="instructor", start_date=start)
    AssignmentFactory(
        liaison=liaisons["L4"],
        organization=o["O6"],
        role="uf_liaison",
        start_date=start,
        end_date=today - datetime.timedelta(days=30),
    )
    AssignmentFactory(liaison=liaisons["L5"], organization=o["O8"], role="uf_liaison", start_date=start)
    AssignmentFactory(liaison=liaisons["L6"], organization=o["O9"], role="party_liaison", start_date=start)
    AssignmentFactory(liaison=liaisons["L7"], organization=o["O10"], role="uf_member", start_date=start)
    for k in range(11, 22):
        AssignmentFactory(liaison=liaisons["L8"], organization=o[f"O{k}"], role="instructor", start_date=start)
    # an instructor who starts next month does not cover anybody yet
    AssignmentFactory(
        liaison=liaisons["L4"], organization=o["O10"], role="instructor", start_date=today + datetime.timedelta(days=30)
    )
    return {"orgs": o, "liaisons": liaisons, "industries": (social_work, elderly)}

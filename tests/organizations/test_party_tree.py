"""The 1+6+12+N tree: totals per tier, each node's coverage and secretary, nodes that fold."""

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory, PartyOrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_tree_has_totals_per_tier_and_each_nodes_secretary_and_coverage(client, tree, district_admin):
    committee = PartyOrganizationFactory(
        name="中共龙华区社会组织委员会", kind="committee", tier="district", region=tree["district"], secretary="刘洋"
    )
    hub = PartyOrganizationFactory(
        name="中共民治街道社会组织委员会", kind="committee", tier="area", region=tree["street_a"], parent=committee
    )
    PartyOrganizationFactory(
        name="中共民治长者服务中心支部",
        region=tree["community_a1"],
        parent=hub,
        secretary="王芳",
        covers=[OrganizationFactory(region=tree["community_a1"])],
    )
    client.force_login(district_admin)
    response = client.get(reverse("organizations:partyorganization_tree"))
    totals = {tier["label"]: (tier["party_organizations"], tier["covered"]) for tier in response.context["tier_totals"]}
    assert totals == {
        "区社会组织党委（1）": (1, 0),
        "街道社会组织促进会党组织（块）": (1, 0),
        "行业党组织（条）": (0, 0),
        "社会组织基层党组织（N）": (1, 1),
    }
    body = response.content.decode()
    assert body.count("<details open>") == 2  # the committee and the hub have children and fold
    assert "书记：刘洋" in body and "书记：王芳" in body and "书记：未填写" in body
    assert "覆盖 1 家" in body

"""结对共建 has its own list: every pairing the user may see, filtered by the one PairingFilter (page and export)."""

import datetime

import pytest

from organizations.models import Pairing
from registry.navigation import menu_for
from tests.factories import PartyOrganizationFactory

pytestmark = pytest.mark.django_db

LIST = "/organizations/pairings/"


@pytest.fixture
def pairings(tree):
    party_a = PartyOrganizationFactory(name="中共民治甲社工服务中心支部", region=tree["community_a1"])
    party_b = PartyOrganizationFactory(name="中共观澜丙公益服务社支部", region=tree["community_b1"])

    def pair(party, partner, kind, year, active=True):
        return Pairing.objects.create(
            party_organization=party,
            partner_name=partner,
            partner_kind=kind,
            since=datetime.date(year, 6, 1),
            is_active=active,
        )

    return {
        "enterprise": pair(party_a, "华强电子有限公司党委", "enterprise", 2024),
        "community": pair(party_a, "民治社区党委", "community", 2025),
        "ended": pair(party_a, "区住建局机关党支部", "agency", 2023, active=False),
        "street_b": pair(party_b, "观澜社区党委", "community", 2025),
    }


def _names(client, query="") -> list[str]:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert not response.context["filterset"].error_messages, query
    return sorted(row["object"].partner_name for row in response.context["rows"])


def test_the_list_shows_the_users_pairings_and_filters_them(client, pairings, street_a_user):
    client.force_login(street_a_user)
    assert _names(client) == sorted(["华强电子有限公司党委", "民治社区党委", "区住建局机关党支部"])
    assert _names(client, "q=华强") == ["华强电子有限公司党委"]
    assert _names(client, "q=社工服务中心") == sorted(["华强电子有限公司党委", "民治社区党委", "区住建局机关党支部"])
    assert _names(client, "partner_kind=community") == ["民治社区党委"]
    assert _names(client, "is_active=false") == ["区住建局机关党支部"]
    assert _names(client, "year=2024") == ["华强电子有限公司党委"]
    body = client.get(LIST).content.decode()
    assert "结对共建" in body and "中共民治甲社工服务中心支部" in body and "观澜社区党委" not in body


def test_the_district_filters_by_region_and_the_menu_names_the_list(client, pairings, tree, district_admin):
    client.force_login(district_admin)
    assert _names(client, f"region={tree['street_b'].pk}") == ["观澜社区党委"]
    assert len(_names(client)) == 4
    menu = {section["label"]: [item.label for item in section["items"]] for section in menu_for(district_admin)}
    assert "结对共建" in menu["社会组织"]


def test_a_bad_year_is_named_in_chinese(client, pairings, street_a_user):
    client.force_login(street_a_user)
    response = client.get(f"{LIST}?year=abc")
    assert response.status_code == 200
    assert any("年份" in message for message in response.context["filterset"].error_messages)

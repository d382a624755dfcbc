"""Every figure on the coverage page links to the 名录 that produces it, with the same count."""

import pytest

from tests.registry.figures import assert_each_figure_matches_its_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["district_admin", "street_a_user"])
def test_coverage_figures_lead_to_lists_of_the_same_count(client, district_orgs, who, request):
    client.force_login(request.getfixturevalue(who))
    assert_each_figure_matches_its_list(client, "/organizations/coverage/", at_least=10)


def test_coverage_figures_of_a_street_seen_from_the_district(client, district_orgs, district_admin, tree):
    client.force_login(district_admin)
    assert_each_figure_matches_its_list(client, f"/organizations/coverage/?region={tree['street_b'].pk}", at_least=10)


def test_the_own_row_and_the_unclassified_industry_lead_to_their_lists(client, district_orgs, district_admin, tree):
    from tests.factories import OrganizationFactory
    from tests.registry.figures import figure_links

    # registered at the street itself (not in a community), with no industry: the rows 本级 and 未分类
    OrganizationFactory(name="街道直管的协会", region=tree["street_b"], industry=None)
    client.force_login(district_admin)
    page = client.get(f"/organizations/coverage/?region={tree['street_b'].pk}").content.decode()
    assert "（本级）" in page and "未分类" in page
    links = dict(figure_links(client, f"/organizations/coverage/?region={tree['street_b'].pk}"))
    assert any("region_own=" in href for href in links), links
    assert any("industry_blank=true" in href for href in links), links
    assert_each_figure_matches_its_list(client, f"/organizations/coverage/?region={tree['street_b'].pk}", at_least=12)

"""Every figure on the 入库概况 links to the list that produces it, with the same count."""

import datetime

import pytest
import time_machine

from tests.factories import NominationFactory, RepresentativeFactory, TrainingFactory
from tests.registry.figures import assert_each_figure_matches_its_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(tree):
    """People of every status in both streets: the breakdowns count only 入库 and 重点联系对象."""
    people = []
    for index, status in enumerate(["admitted", "key_contact", "candidate", "withdrawn"] * 4):
        people.append(
            RepresentativeFactory(
                region=tree["community_a1" if index % 2 else "community_b1"],
                status=status,
                level="city" if index % 3 == 0 else "district",
                stratum="social_org" if index % 2 else "new_media",
                gender="female" if index % 5 == 0 else "male",
                birth_date=datetime.date(1960 + index * 2, 5, 1),
                political_affiliation="jiusan" if index % 4 == 0 else "masses",
            )
        )
    TrainingFactory(region=tree["district"], held_on=datetime.date(2026, 3, 1))
    TrainingFactory(region=tree["street_a"], held_on=datetime.date(2026, 4, 1))
    TrainingFactory(region=tree["district"], held_on=datetime.date(2025, 4, 1))
    NominationFactory(representative=people[0], year=2025)
    return people


@pytest.mark.parametrize("who", ["district_admin", "street_a_user"])
def test_overview_figures_lead_to_lists_of_the_same_count(client, pool, who, request):
    client.force_login(request.getfixturevalue(who))
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert_each_figure_matches_its_list(client, "/talents/overview/", at_least=15)


def test_each_area_of_a_street_and_its_own_people_lead_to_their_lists(client, pool, tree, street_a_user):
    # one person kept at the street itself: the figure 民治街道（街道直属）
    RepresentativeFactory(region=tree["street_a"], status="admitted", level="district")
    client.force_login(street_a_user)
    page = client.get("/talents/overview/").content.decode()
    assert "（街道直属）" in page and "region_own=" in page
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert_each_figure_matches_its_list(client, "/talents/overview/", at_least=18)

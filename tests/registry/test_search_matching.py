"""Search that finds what is meant: pinyin initials from the start of the name or of a word (a leading
place name such as 龙华区 skipped), spaces tolerated, the best matches first."""

import pytest
from django.urls import reverse

from registry.search import name_initials
from tests.factories import OrganizationFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [row["object"].name for row in response.context["rows"]]


def test_initials_are_kept_from_the_start_and_after_each_leading_place_name():
    assert name_initials("深圳市龙华区新就业服务中心") == "szslhqxjyfwzx lhqxjyfwzx xjyfwzx"
    assert name_initials("龙华区社区服务中心") == "lhqsqfwzx sqfwzx"
    assert name_initials("李华") == "lh"
    assert name_initials("") == ""


def test_pinyin_initials_match_a_word_start_not_the_middle_of_a_place_name(client, tree, street_a_user):
    OrganizationFactory(name="龙华区恒新科技协会", region=tree["street_a"])
    OrganizationFactory(name="民治街道清华校友会", region=tree["street_a"])
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    # "qh" is 清华, not the 区恒 that joins 龙华区 to 恒新
    assert names(client.get(url, {"q": "qh"})) == ["民治街道清华校友会"]
    assert names(client.get(url, {"q": "hxkj"})) == ["龙华区恒新科技协会"]
    assert names(client.get(url, {"q": "lhqhx"})) == ["龙华区恒新科技协会"]


def test_spaces_in_the_term_are_tolerated(client, tree, street_a_user):
    OrganizationFactory(name="龙华区恒新科技协会", region=tree["street_a"])
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    assert names(client.get(url, {"q": " hx kj "})) == ["龙华区恒新科技协会"]
    assert names(client.get(url, {"q": "恒新 协会"})) == ["龙华区恒新科技协会"]
    assert names(client.get(url, {"q": "恒新 商会"})) == []


def test_results_are_ranked_by_how_well_they_match(client, tree, street_a_user):
    for name in ("民治街道华新社区服务站", "华新科技协会", "华新", "龙华区华新商会"):
        OrganizationFactory(name=name, region=tree["street_a"])
    client.force_login(street_a_user)
    url = reverse("organizations:organization_list")
    # the exact name, then names that open with it, then one where it opens a word after a place name
    assert names(client.get(url, {"q": "华新"})) == ["华新", "华新科技协会", "龙华区华新商会", "民治街道华新社区服务站"]
    assert names(client.get(url, {"q": "hx"}))[:2] == ["华新", "华新科技协会"]
    # a chosen sort still wins over the ranking
    assert names(client.get(url, {"q": "华新", "sort": "name"})) == sorted(names(client.get(url, {"q": "华新"})))


def test_global_search_ranks_and_finds_people_by_initials(client, tree, street_a_user):
    RepresentativeFactory(name="王晓华", region=tree["community_a1"])
    RepresentativeFactory(name="华晓", region=tree["community_a1"])
    client.force_login(street_a_user)
    response = client.get(reverse("registry:search"), {"q": "h x"})
    found = {s["label"]: [row["object"].name for row in s["rows"]] for s in response.context["sections"]}
    assert found["代表人士"] == ["华晓"]


def test_the_migration_recomputes_stored_initials_without_a_history_event(tree):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection
    from pghistory.models import Events

    from organizations.models import Organization

    organization = OrganizationFactory(name="龙华区恒新科技协会", region=tree["street_a"])
    Organization.objects.filter(pk=organization.pk).update(name_initials="lhqhxkjxh")
    events = Events.objects.tracks(organization).count()
    version = Organization.objects.get(pk=organization.pk).version
    migration = import_module("organizations.migrations.0005_usability_name_initials")
    migration.recompute(apps, connection.schema_editor())
    organization.refresh_from_db()
    assert organization.name_initials == "lhqhxkjxh hxkjxh"
    assert Events.objects.tracks(organization).count() == events
    assert organization.version == version

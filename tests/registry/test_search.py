"""The navbar's global search: the lists' own ?q= search, scoped, per permission."""

import pytest
from django.urls import reverse

from tests.factories import LiaisonFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def sections(response):
    return {s["label"]: [row["object"] for row in s["rows"]] for s in response.context["sections"]}


def test_finds_by_pinyin_name_and_code_within_scope(client, tree, street_a_user):
    own = OrganizationFactory(name="龙华区社会组织总会", region=tree["street_a"])
    OrganizationFactory(name="龙华区社会组织促进会", region=tree["street_b"])
    LiaisonFactory(name="龙华区社会组织联络员", region=tree["street_a"])
    client.force_login(street_a_user)
    found = sections(client.get(reverse("registry:search"), {"q": "lhqshzz"}))
    assert found["社会组织"] == [own]
    assert [liaison.name for liaison in found["联络员与党建指导员"]] == ["龙华区社会组织联络员"]
    assert sections(client.get(reverse("registry:search"), {"q": own.credit_code.lower()}))["社会组织"] == [own]


def test_sections_follow_view_permissions(client, tree):
    OrganizationFactory(name="龙华区社会组织总会", region=tree["street_a"])
    nobody = UserFactory(username="no_role", region=tree["street_a"])
    client.force_login(nobody)
    response = client.get(reverse("registry:search"), {"q": "社会组织"})
    assert response.status_code == 200
    assert response.context["sections"] == []
    assert "没有找到" in response.content.decode()


def test_navbar_has_the_search_box(client, street_a_user):
    client.force_login(street_a_user)
    body = client.get(reverse("registry:dashboard")).content.decode()
    assert 'action="/search/"' in body and 'aria-label="全局搜索"' in body

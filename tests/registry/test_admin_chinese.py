"""The admin speaks Chinese: filter titles, counts, date shortcuts and the time-zone note."""

import re

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(By|Show counts|Hide counts|Note: You are|Today|Now|Choose a time|Any date|Past 7 days)\b")


def test_the_changelist_filters_are_in_chinese(client, tree, district_admin):
    OrganizationFactory(region=tree["community_a1"])
    client.force_login(district_admin)
    response = client.get(reverse("admin:organizations_organization_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    sidebar = body[body.index('id="changelist-filter"') :]
    assert not ENGLISH.findall(sidebar)
    # Django's own zh_Hans says "以 组织类型"; ours reads naturally
    assert "按组织类型" in sidebar
    assert "以 " not in sidebar


def test_the_javascript_catalog_translates_the_time_zone_note(client, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("admin:jsi18n"))
    body = response.content.decode()
    assert "Note: You are %s hour ahead of server time." in body  # the msgid, with its translation next to it
    assert "注意" in body or "\\u6ce8\\u610f" in body


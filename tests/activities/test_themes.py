"""活动主题: one catalog entry gives it its pages, API, menu item, search and role grants."""

import pytest
from django.urls import reverse

from activities.models import ActivityTheme

pytestmark = pytest.mark.django_db


def test_menu_lists_the_themes_page_for_everyone_who_may_view(client, street_a_user):
    client.force_login(street_a_user)
    body = client.get(reverse("registry:dashboard")).content.decode()
    assert "活动与建言" in body and f'href="{reverse("activities:activitytheme_list")}"' in body


def test_global_search_finds_a_theme(client, street_a_user):
    ActivityTheme.objects.create(name="乡村振兴", sort_order=20)
    ActivityTheme.objects.create(name="一老一小", sort_order=50)
    client.force_login(street_a_user)
    response = client.get(reverse("registry:search"), {"q": "振兴"})
    found = {s["label"]: [row["object"].name for row in s["rows"]] for s in response.context["sections"]}
    assert found["活动主题"] == ["乡村振兴"]


def test_district_admin_adds_a_theme_through_the_page_and_the_api(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("activities:activitytheme_create"), {"name": "防汛救灾", "sort_order": 40, "is_active": "on"}
    )
    theme = ActivityTheme.objects.get(name="防汛救灾")
    assert response.status_code == 302 and response.url == reverse("activities:activitytheme_detail", args=[theme.pk])
    api = client.post(
        "/api/v1/activities/themes/", {"name": "社会治理", "sort_order": 30}, content_type="application/json"
    )
    assert api.status_code == 201 and api.json()["name"] == "社会治理"
    assert [t.name for t in ActivityTheme.objects.all()] == ["社会治理", "防汛救灾"]


def test_a_duplicate_name_is_refused_in_chinese_and_changes_nothing(client, district_admin):
    ActivityTheme.objects.create(name="疫情防控", sort_order=10)
    client.force_login(district_admin)
    response = client.post(reverse("activities:activitytheme_create"), {"name": "疫情防控", "sort_order": 11})
    assert response.status_code == 400 and "已存在" in response.content.decode()
    api = client.post(
        "/api/v1/activities/themes/", {"name": "疫情防控", "sort_order": 11}, content_type="application/json"
    )
    assert api.status_code == 400 and "已存在" in api.content.decode()
    assert ActivityTheme.objects.count() == 1


def test_street_staff_choose_from_the_list_but_do_not_keep_it(client, street_a_user):
    theme = ActivityTheme.objects.create(name="一老一小", sort_order=50)
    client.force_login(street_a_user)
    assert client.get(reverse("activities:activitytheme_detail", args=[theme.pk])).status_code == 200
    assert (
        client.post(reverse("activities:activitytheme_create"), {"name": "新主题", "sort_order": 1}).status_code == 403
    )
    patch = client.patch(f"/api/v1/activities/themes/{theme.pk}/", {"name": "改名"}, content_type="application/json")
    assert patch.status_code == 403
    assert ActivityTheme.objects.get(pk=theme.pk).name == "一老一小"


def test_admin_keeps_the_list_through_the_services(client, district_admin):
    client.force_login(district_admin)
    data = {"name": "疫情防控", "sort_order": 10, "is_active": "on"}
    response = client.post(reverse("admin:activities_activitytheme_add"), data)
    assert response.status_code == 302
    assert ActivityTheme.objects.get().name == "疫情防控"

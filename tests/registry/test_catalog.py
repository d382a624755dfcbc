"""registry.catalog: what one entry gives a model, and what it refuses."""

import pytest
from django.urls import NoReverseMatch, reverse

from registry import catalog
from registry.navigation import menu_for
from registry.roles import domain_apps

pytestmark = pytest.mark.django_db


def test_every_listed_entry_is_in_the_menu_of_a_user_who_may_view_it(district_admin):
    in_menu = {item.url_name for section in menu_for(district_admin) for item in section["items"]}
    listed = {entry.url_name("list") for entry in catalog.entries() if entry.has("list") and entry.menu}
    assert listed and not listed - in_menu


def test_every_entry_has_the_urls_of_its_actions_and_none_other():
    for entry in catalog.entries():
        for suffix, _, action in catalog._PAGE_ROUTES:
            args = [1] if suffix in ("detail", "update", "delete") else []
            if entry.has(action):
                assert reverse(entry.url_name(suffix), args=args)
            else:
                with pytest.raises(NoReverseMatch):
                    reverse(entry.url_name(suffix), args=args)


def test_apps_with_entries_receive_the_role_grants():
    assert {entry.app_label for entry in catalog.entries()} <= set(domain_apps())


def test_an_unknown_action_is_refused_when_declared():
    from activities.models import ActivityTheme

    with pytest.raises(ValueError, match="unknown actions"):
        catalog.Entry(model=ActivityTheme, prefix="x/", actions={"list", "archive"})

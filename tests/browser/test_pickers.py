"""Browser: long lists are searchable pickers — by name or pinyin initials, on a phone too — and the liaison
picker says each person's post, unit, roles and how many organizations they already guide."""


import pytest
from playwright.sync_api import expect

from organizations.models import Assignment, PartyOrganization
from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in
from tests.factories import (
    AssignmentFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_party_organization_picks_the_organizations_it_covers_by_initials_on_a_phone(
    browser, live_server, street_a_user, tree
):
    for index in range(40):
        OrganizationFactory(name=f"观澜测试协会{index:02d}", region=tree["community_a2"])
    wanted = OrganizationFactory(name="民治长者综合服务中心", region=tree["community_a1"])
    PartyOrganizationFactory(name="中共民治街道社会组织委员会", kind="committee", tier="area", region=tree["street_a"])
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        page.goto(f"{live_server.url}/organizations/party-organizations/new/")
        assert "按住 Ctrl" not in page.content()
        page.locator("#id_name").fill("中共民治长者综合服务中心支部")
        page.select_option("#id_kind", label="党支部")
        page.select_option("#id_tier", label="社会组织基层党组织（N）")
        page.select_option("#id_region", label="民治街道")
        page.select_option("#id_parent", label="中共民治街道社会组织委员会")
        picker = page.locator("#id_organizations-ts-control")
        picker.click()
        picker.fill("mzzz")
        option = page.locator(".ts-dropdown .option", has_text="民治长者综合服务中心")
        option.wait_for()
        expect(page.locator(".ts-dropdown .option")).to_have_count(1)
        page.screenshot(path=SHOTS / "usability_phone_picker.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        option.click()
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        party = PartyOrganization.objects.get(name="中共民治长者综合服务中心支部")
        assert list(party.organizations.all()) == [wanted]
    finally:
        context.close()


def test_the_liaison_picker_shows_post_unit_roles_and_load(browser, live_server, street_a_user, tree):
    liaison = LiaisonFactory(name="陈刚", region=tree["street_a"], post="组织委员", work_unit="民治街道党工委")
    for _ in range(7):
        AssignmentFactory(liaison=liaison, organization=OrganizationFactory(region=tree["community_a1"]))
    target = OrganizationFactory(name="民治新建协会", region=tree["community_a1"])
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        page.goto(f"{live_server.url}/organizations/assignments/new/?organization={target.pk}")
        page.locator("#id_liaison-ts-control").click()
        page.locator("#id_liaison-ts-control").fill("cg")
        option = page.locator(".ts-dropdown .option", has_text="陈刚")
        option.wait_for()
        assert (
            option.locator(".picker-hint").inner_text()
            == "组织委员 · 民治街道党工委 · 党建指导员 · 已指导7家（每人5—10家）"
        )
        page.screenshot(path=SHOTS / "usability_desktop_liaison_picker.png")
        option.click()
        page.select_option("#id_role", label="党建指导员")
        page.locator("#id_start_date").fill("2024-01-01")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        assert Assignment.objects.filter(liaison=liaison, organization=target).exists()
    finally:
        context.close()

"""Browser: a street worker on a 375 px phone — lists as stacked cards, a folding filter panel, no page wider
than the screen, a revealed mobile that dials."""


import pytest

from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in, reveal_with_reason
from tests.factories import AssignmentFactory, LiaisonFactory, OrganizationFactory, RepresentativeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def street_records(tree):
    organization = OrganizationFactory(
        name="龙华区民治街道长者综合服务中心暨社区志愿者协会", region=tree["community_a1"], address="人民路1号"
    )
    liaison = LiaisonFactory(name="张晓明", region=tree["street_a"], work_unit="民治街道党工委", post="组织委员")
    AssignmentFactory(liaison=liaison, organization=organization)
    person = RepresentativeFactory(
        name="李华", region=tree["community_a1"], organization=organization, mobile="13912345678"
    )
    return {"organization": organization, "liaison": liaison, "person": person}


def test_lists_on_a_phone_are_cards_with_a_folding_filter_panel(browser, live_server, street_a_user, street_records):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        for path, shot, name in (
            ("/organizations/", "organizations", "长者综合服务中心"),
            ("/organizations/liaisons/", "liaisons", "张晓明"),
            ("/talents/", "representatives", "李华"),
            ("/search/?q=lh", "search", "长者综合服务中心"),
        ):
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=SHOTS / f"usability_phone_{shot}.png", full_page=True)
            assert _page_width(page) <= PHONE["width"], path
            card = page.locator("[data-testid=object-table] tbody tr").first
            assert name in card.inner_text()
            # a card: the row is a block as wide as the list, the header row is not shown
            assert card.evaluate("el => getComputedStyle(el).display") == "block", path
            assert not page.locator("[data-testid=object-table] thead").first.is_visible(), path
            if path != "/search/?q=lh":
                # the filter panel folds away until asked for
                assert not page.get_by_test_id("filter-form").is_visible(), path
                page.get_by_test_id("filter-toggle").click()
                page.get_by_test_id("filter-form").wait_for(state="visible")
                assert _page_width(page) <= PHONE["width"], path
        # the list card shows the community and the coverage badges with their labels
        page.goto(f"{live_server.url}/organizations/")
        card_text = page.locator("[data-testid=object-table] tbody tr").first.inner_text()
        assert "民治1社区" in card_text
        assert "组织覆盖" in card_text
    finally:
        context.close()


def test_a_detail_page_fits_a_phone_and_a_revealed_mobile_dials(browser, live_server, street_a_user, street_records):
    person = street_records["person"]
    person.name = "李华华"
    person.save()  # a 修改 in the 变更记录
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        page.goto(f"{live_server.url}/talents/{person.pk}/")
        page.screenshot(path=SHOTS / "usability_phone_representative.png", full_page=True)
        assert _page_width(page) <= PHONE["width"]
        link = reveal_with_reason(page, "mobile", "电话通知参加培训")
        assert link.get_attribute("href") == "tel:13912345678"
        assert _page_width(page) <= PHONE["width"]
        # the title wraps between words, never inside one
        title = page.locator("h1").first
        assert title.evaluate("el => getComputedStyle(el).wordBreak") == "keep-all"
    finally:
        context.close()


def test_the_desktop_list_stays_a_table(browser, live_server, street_a_user, street_records):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        page.goto(f"{live_server.url}/organizations/")
        page.screenshot(path=SHOTS / "usability_desktop_organizations.png")
        assert page.get_by_test_id("filter-form").is_visible()
        assert not page.get_by_test_id("filter-toggle").is_visible()
        assert page.locator("[data-testid=object-table] thead").first.is_visible()
    finally:
        context.close()

"""Browser: the 1+6+12+N tree folds and unfolds, one node or all at once."""

import pytest

from tests.browser.helpers import SHOTS
from tests.factories import TEST_PASSWORD, PartyOrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tree_folds_and_unfolds(browser, live_server, tree, district_admin):
    committee = PartyOrganizationFactory(
        name="中共龙华区社会组织委员会", kind="committee", tier="district", region=tree["district"], secretary="刘洋"
    )
    PartyOrganizationFactory(name="中共民治长者服务中心支部", region=tree["community_a1"], parent=committee)
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(district_admin.username)
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/organizations/party-organizations/tree/")
        page.screenshot(path=SHOTS / "usability_phone_party_tree.png", full_page=True)
        child = page.get_by_role("link", name="中共民治长者服务中心支部")
        assert child.is_visible()
        page.locator(".tree summary").first.click(position={"x": 2, "y": 8})
        assert not child.is_visible()
        page.get_by_test_id("tree-expand").click()
        assert child.is_visible()
        page.get_by_test_id("tree-collapse").click()
        assert not child.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()

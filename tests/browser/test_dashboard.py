"""Browser: the 工作台 opens with 待办提醒, then 本月要报的数字, at a desk (1366 px) and on a phone (375 px)."""

import pytest

from activities.figures import last_full_month
from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in
from tests.factories import ActivityFactory, OrganizationFactory, RepresentativeFactory, local_datetime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def street_month(tree):
    year, month = (int(part) for part in last_full_month().split("-"))
    # a normal organization without party work: a 两个覆盖 rule to fix, so 待办提醒 has an item
    organization = OrganizationFactory(name="民治甲社工服务中心", region=tree["community_a1"])
    for day in (3, 12, 20):
        ActivityFactory(
            region=tree["street_a"], start_at=local_datetime(year, month, day), organizations=[organization]
        )
    for status in ("admitted", "key_contact"):
        RepresentativeFactory(region=tree["community_a1"], status=status)


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_dashboard_reads_todos_then_the_figures(browser, live_server, street_a_user, street_month, viewport, name):
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=name == "phone")
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        todo = page.get_by_test_id("panel-todo")
        figures = page.get_by_test_id("dashboard-group-figures")
        assert todo.bounding_box()["y"] < figures.bounding_box()["y"]
        assert todo.get_by_test_id("todo-items").locator("a").count() >= 1
        activity = figures.get_by_test_id("panel-month_figures").get_by_test_id("stat-activities")
        assert activity.locator("a").inner_text() == "3"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"dashboard_order_{name}.png", full_page=True)
        activity.locator("a").click()
        page.wait_for_url("**/activities/?**")
        assert page.get_by_test_id("result-count").inner_text() == "共 3 条"
    finally:
        context.close()

"""Browser: two people edit the same organization; the later save is stopped, shows what changed, and re-applies."""

import re

import pytest

from organizations.models import Organization
from tests.browser.helpers import DESKTOP, SHOTS, log_in
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_later_save_sees_the_conflict_and_keeps_both_changes(
    browser, live_server, tree, district_admin, street_a_user
):
    org = OrganizationFactory(name="民治长者服务中心", region=tree["community_a1"], address="人民路1号")
    edit_url = f"{live_server.url}/organizations/{org.pk}/edit/"
    first_context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    second_context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        first, second = first_context.new_page(), second_context.new_page()
        log_in(first, live_server.url, district_admin.username)
        log_in(second, live_server.url, street_a_user.username)
        first.goto(edit_url)
        second.goto(edit_url)

        first.locator("#id_name").fill("民治长者综合服务中心")
        first.get_by_role("button", name="保存").click()
        first.wait_for_load_state("networkidle")
        assert "已保存社会组织" in first.locator(".alert-success").inner_text()

        second.locator("#id_address").fill("人民路88号")
        second.get_by_role("button", name="保存").click()
        second.wait_for_load_state("networkidle")
        conflict = second.get_by_test_id("edit-conflict")
        assert re.search(
            rf"您编辑期间，{district_admin.display_name}于 \d\d-\d\d \d\d:\d\d 修改了此记录。", conflict.inner_text()
        )
        row = second.get_by_test_id("conflict-changes").locator("tbody tr")
        assert row.count() == 1
        assert [cell.strip() for cell in row.first.locator("th, td").all_inner_texts()] == [
            "名称",
            "民治长者服务中心",
            "民治长者综合服务中心",
            "未修改（保留现在的值）",
        ]
        assert "并保留了您修改的住所" in conflict.inner_text()
        # the form now holds the other person's change and this person's own
        assert second.locator("#id_name").input_value() == "民治长者综合服务中心"
        assert second.locator("#id_address").input_value() == "人民路88号"
        SHOTS.mkdir(parents=True, exist_ok=True)
        second.screenshot(path=str(SHOTS / "conflict.png"), full_page=True)
        assert Organization.objects.get(pk=org.pk).address == "人民路1号"

        second.get_by_role("button", name="保存").click()
        second.wait_for_load_state("networkidle")
        assert "已保存社会组织" in second.locator(".alert-success").inner_text()
        stored = Organization.objects.get(pk=org.pk)
        assert (stored.name, stored.address, stored.version) == ("民治长者综合服务中心", "人民路88号", 3)
    finally:
        first_context.close()
        second_context.close()

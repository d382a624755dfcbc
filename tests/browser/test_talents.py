"""Browser: a street officer searches a person, opens them, reveals the mobile with a reason; an admin finds that
reveal in the access log."""

from pathlib import Path

import pytest

from registry.models import AccessLog
from tests.factories import EvaluationFactory, RepresentativeFactory, valid_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results"
MOBILE = "13812345678"
REASON = "电话通知参加12月代表人士培训"


@pytest.fixture
def people(tree):
    person = RepresentativeFactory(
        name="张建国",
        region=tree["community_a1"],
        id_number=valid_id_number("19850302", 123),
        mobile=MOBILE,
        organization_name="广东鹏龙律师事务所",
        position="合伙人律师",
        political_affiliation="cdl",
        stratum="intermediary",
    )
    EvaluationFactory(representative=person, year=2025)
    RepresentativeFactory(name="张建华", region=tree["community_a2"], mobile="13912345670")
    RepresentativeFactory(name="张建国", region=tree["community_b1"], mobile="13712345671")  # another street
    return person


def test_search_open_reveal_and_find_it_in_the_access_log(login, live_server, people, street_a_user, district_admin):
    SHOTS.mkdir(exist_ok=True)
    page = login("street_a")
    page.get_by_role("button", name="代表人士").click()
    page.get_by_role("link", name="代表人士库").click()
    page.get_by_label("搜索", exact=True).fill("张建国")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_test_id("object-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 1  # the namesake of the other street is not there
    assert "138****5678" in rows.first.inner_text() and MOBILE not in page.content().split("<tbody>")[1]
    page.screenshot(path=str(SHOTS / "talents_list_search.png"), full_page=True)

    table.get_by_role("link", name="张建国").click()
    assert page.get_by_test_id("object-title").inner_text() == "张建国"
    field = page.get_by_test_id("reveal-mobile")
    assert "138****5678" in field.inner_text()
    field.get_by_role("button", name="显示").click()
    reason = field.get_by_label("显示手机号的事由")
    reason.wait_for(state="visible")
    # no reason, no number
    field.get_by_role("button", name="确认显示").click()
    page.get_by_text("请填写查看事由").wait_for()
    assert MOBILE not in page.get_by_test_id("reveal-mobile").inner_text()
    page.get_by_test_id("reveal-mobile").get_by_label("显示手机号的事由").fill(REASON)
    page.get_by_test_id("reveal-mobile").get_by_role("button", name="确认显示").click()
    revealed = page.get_by_test_id("revealed-value")
    revealed.wait_for()
    assert revealed.inner_text() == MOBILE
    assert "4403**********" in page.get_by_test_id("reveal-id_number").inner_text()  # the ID stays masked
    page.screenshot(path=str(SHOTS / "talents_detail_revealed.png"), full_page=True)

    page.reload()
    assert MOBILE not in page.get_by_test_id("reveal-mobile").inner_text()  # shown once, never remembered

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")
    page = login("district_admin")
    page.get_by_role("button", name="系统").click()
    page.get_by_role("link", name="个人信息访问日志").click()
    page.select_option("#id_action", label="查看明文")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    rows = page.get_by_test_id("object-table").locator("tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    for expected in ("street_a", "查看明文", "代表人士", "张建国", "手机号", REASON, "127.0.0.1"):
        assert expected in row, expected
    page.screenshot(path=str(SHOTS / "talents_access_log.png"), full_page=True)
    log = AccessLog.objects.get(action="reveal")
    assert (log.user, log.target_id, log.reason) == (street_a_user, str(people.pk), REASON)


def test_a_permitted_user_reveals_with_one_click(login, live_server, people, district_admin):
    page = login("district_admin")
    page.goto(f"{live_server.url}/talents/{people.pk}/")
    field = page.get_by_test_id("reveal-mobile")
    assert MOBILE not in field.inner_text() and "138****5678" in field.inner_text()
    assert not AccessLog.objects.exists()
    field.get_by_role("button", name="显示").click()  # no reason asked: the permission is the reason
    revealed = page.get_by_test_id("revealed-value")
    revealed.wait_for()
    assert revealed.inner_text() == MOBILE
    assert MOBILE not in page.get_by_test_id("reveal-id_number").inner_text()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.target_id, log.fields) == (district_admin, "reveal", str(people.pk), "手机号")

"""Browser: a street user logs in and sees the 工作台 with their scope (Playwright on Debian's chromium)."""

from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_street_user_logs_in_and_sees_dashboard(page, live_server, street_a_user):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("street_a")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("dashboard-scope").inner_text() == "龙华区民治街道"
    assert page.get_by_test_id("user-scope").inner_text() == "龙华区民治街道"
    page.wait_for_selector(".chart[data-rendered=true]")
    # the CJK font is installed and used, so the screenshot shows Chinese, not boxes
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '工作台')")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard_street_user.png"), full_page=True)


def test_no_csp_violations_on_dashboard(page, live_server, street_a_user):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("street_a")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_selector(".chart[data-rendered=true]")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

"""What the browser tests share: logging in through the real login page, the viewport sizes, where shots go."""

import tempfile
from pathlib import Path

from tests.factories import TEST_PASSWORD

SHOTS = Path(tempfile.gettempdir()) / "shots"  # screenshots to look at, outside the checkout
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def reveal_with_reason(page, key: str, reason: str):
    """Click 显示 on the masked field ``key``, give the reason a street worker must give, and return the shown value."""
    reveal = page.get_by_test_id(f"reveal-{key}")
    reveal.get_by_role("button", name="显示").click()
    reveal.locator("[data-reveal-reason]").fill(reason)
    reveal.get_by_role("button", name="确认显示").click()
    shown = page.get_by_test_id("revealed-value")
    shown.wait_for()
    return shown

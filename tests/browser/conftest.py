"""Helpers for the browser tests: log in through the real login page."""

import pytest

from tests.factories import TEST_PASSWORD


@pytest.fixture
def login(page, live_server):
    def do(username: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do

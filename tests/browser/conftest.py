"""Helpers for the browser tests: log in through the real login page."""

import pytest

from tests.browser.helpers import log_in


@pytest.fixture
def login(page, live_server):
    def do(username: str):
        log_in(page, live_server.url, username)
        return page

    return do

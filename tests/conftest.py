"""Shared fixtures: a region tree, users per role and street, the Playwright browser setup."""

import datetime
import os
import shutil
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from registry import roles
from tests.factories import UserFactory, make_region_tree

# pytest-django's live_server runs the ORM from the test's thread while Playwright's
# sync API keeps an event loop open in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The clocks every test marked ``dates`` runs under, besides the machine's own: the hours when the
# Shanghai date and the UTC date differ (CI runs at any hour), a leap day, and a New Year's Eve whose
# UTC year is still the old one. ``TEST_CLOCK=2028-02-29T23:30`` (Shanghai time) runs the whole suite
# under one chosen clock.
DATE_CLOCKS = {
    "晚间23点30": datetime.datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI),
    "闰日": datetime.datetime(2028, 2, 29, 23, 30, tzinfo=SHANGHAI),
    "元旦凌晨": datetime.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI),
}


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("dates"):
        metafunc.parametrize("clock", [None, *DATE_CLOCKS.values()], ids=["本机时钟", *DATE_CLOCKS], indirect=True)


@pytest.fixture(autouse=True)
def clock(request):
    """The moment a test runs at: the machine's clock, or one of DATE_CLOCKS / TEST_CLOCK, ticking on from there."""
    moment = getattr(request, "param", None)
    if moment is None and os.environ.get("TEST_CLOCK"):
        moment = datetime.datetime.fromisoformat(os.environ["TEST_CLOCK"])
        moment = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    if moment is None:
        yield None
        return
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # the production hasher takes ~0.5 s per password by design; tests create many users
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, built once per test module that asks for it (~40 s) through the real command, rolled back
    after the module."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        call_command("demo_data", "--quiet")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def tree(db):
    return make_region_tree()


@pytest.fixture
def street_a_user(tree):
    return UserFactory(username="street_a", region=tree["street_a"], role=roles.STREET_STAFF)


@pytest.fixture
def client_a(client, street_a_user):
    """A client logged in as staff of street A (民治街道): they add and change their street's records."""
    client.force_login(street_a_user)
    return client


@pytest.fixture
def street_b_user(tree):
    return UserFactory(username="street_b", region=tree["street_b"], role=roles.STREET_STAFF)


@pytest.fixture
def district_admin(tree):
    return UserFactory(username="district_admin", region=tree["district"], role=roles.DISTRICT_ADMIN, is_staff=True)


@pytest.fixture
def analyst(tree):
    return UserFactory(username="analyst", region=tree["district"], role=roles.ANALYST)


@pytest.fixture
def viewer(tree):
    return UserFactory(username="viewer", region=tree["district"], role=roles.VIEWER)


@pytest.fixture
def superuser(tree):
    return UserFactory(username="root", is_superuser=True, is_staff=True, all_regions=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI 必须运行浏览器测试：找不到 /usr/bin/chromium")
        pytest.skip("本机未安装 Debian 的 chromium（apt-get install chromium fonts-noto-cjk）")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}

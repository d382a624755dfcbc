"""Shared fixtures: a region tree, users per role and street, the Playwright browser setup."""

import os
import shutil

import pytest

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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # the production hasher takes ~0.5 s per password by design; tests create many users
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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

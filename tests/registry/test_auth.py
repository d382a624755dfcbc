"""Security baseline: login required, lockout, session expiry, password rules, CSRF."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("registry:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(reverse("registry:region_list")).status_code == 302


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "用户名" in body and "密码" in body and "登录" in body


def test_login_with_right_password_reaches_dashboard(client, street_a_user):
    response = client.post(reverse("login"), {"username": "street_a", "password": TEST_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "工作台" in response.content.decode()
    assert "龙华区民治街道" in response.content.decode()


def test_wrong_password_says_so_in_chinese(client, street_a_user):
    response = client.post(reverse("login"), {"username": "street_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_lockout_after_repeated_failures(client, street_a_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("login"), {"username": "street_a", "password": "wrong"}).status_code == 200
    locked = client.post(reverse("login"), {"username": "street_a", "password": "wrong"})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # even the right password is refused while locked
    again = client.post(reverse("login"), {"username": "street_a", "password": TEST_PASSWORD})
    assert again.status_code == 429
    # another user from the same address is not locked out
    from tests.factories import UserFactory

    UserFactory(username="other_user", region=street_a_user.region)
    other = client.post(reverse("login"), {"username": "other_user", "password": TEST_PASSWORD})
    assert other.status_code == 302


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # idle timeout, renewed by activity
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_expired_session_is_logged_out(client, street_a_user):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(street_a_user)
    assert client.get(reverse("registry:dashboard")).status_code == 200
    Session.objects.update(expire_date=timezone.now())
    assert client.get(reverse("registry:dashboard")).status_code == 302


@pytest.mark.parametrize("weak", ["12345678901", "password123", "abc"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_password_change_form_enforces_rules(client, street_a_user):
    client.force_login(street_a_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "密码" in body and "is-invalid" in body


def test_csrf_is_enforced(street_a_user):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("login"), {"username": "street_a", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_logout_needs_post(client, street_a_user):
    client.force_login(street_a_user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("registry:dashboard")).status_code == 302

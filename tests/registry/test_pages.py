import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_users_scope(client, street_a_user):
    client.force_login(street_a_user)
    body = client.get(reverse("registry:dashboard")).content.decode()
    assert "管辖区域" in body and "龙华区民治街道" in body
    assert "街道工作人员" in body


def test_pages_load_no_inline_script_and_send_csp(client, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("registry:dashboard"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    body = response.content.decode()
    # every <script> either loads a file or carries JSON data
    import re

    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "cdn" not in body.lower()


def test_unknown_page_is_a_friendly_chinese_404(client, street_a_user):
    client.force_login(street_a_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_admin_is_chinese(client, superuser):
    client.force_login(superuser)
    body = client.get(reverse("admin:index")).content.decode()
    assert "同心库 管理后台" in body and "行政区划" in body and "用户" in body


def test_dashboard_query_count_is_bounded(client, street_a_user, django_assert_max_num_queries):
    client.force_login(street_a_user)
    # session and user, the menu's permissions, one or two per panel, the 待办 rules (one aggregate over
    # the organizations, the instructors' loads and 1:1 cases, the instructors in scope), the duplicate-name check
    # and one query per 12-month trend (coverage, registrations, pool, volunteer 人次)
    with django_assert_max_num_queries(27):
        client.get(reverse("registry:dashboard"))

"""The API under attack: authentication, bad input, protected deletes, 404s and its own description."""

import base64
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from organizations.models import Liaison, Organization, PartyOrganization
from registry.choices import AccessAction
from registry.models import AccessLog
from tests.factories import (
    TEST_PASSWORD,
    AssignmentFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    RepresentativeFactory,
    valid_credit_code,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/api/v1/organizations/organizations/"


def basic(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


# ---- authentication ----


def test_api_takes_no_passwords_so_the_lockout_cannot_be_bypassed(client, street_a_user):
    # a password with every request would be guessed without limit: the login form alone takes one
    for password in ["wrong-1", "wrong-2", TEST_PASSWORD]:
        response = client.get(ORGANIZATIONS, **basic("street_a", password))
        assert response.status_code in (401, 403)
        assert "身份认证信息未提供" in response.json()["detail"]


def test_a_token_opens_the_api_until_it_is_revoked(client, street_a_user):
    call_command("drf_create_token", "street_a", verbosity=0)
    token = Token.objects.get(user=street_a_user).key
    assert client.get(ORGANIZATIONS, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    Token.objects.filter(user=street_a_user).delete()  # revoked (管理后台 › 令牌)
    refused = client.get(ORGANIZATIONS, HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "认证令牌无效。"


def test_one_account_guessed_from_many_addresses_is_locked(client, street_a_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "street_a", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n + 1}")
    locked = client.post(reverse("login"), {"username": "street_a", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.9.9")
    assert locked.status_code == 429


# ---- bad input answers 400 in Chinese, never 500 ----


@pytest.mark.parametrize("path", ["/api/v1/talents/status-changes/", ORGANIZATIONS])
@pytest.mark.parametrize(
    "params",
    [
        {"limit": "9" * 30},
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "1.5"},
        {"limit": "abc"},
        {"limit": ["1", "2"]},
        {"offset": "9" * 30},
        {"offset": "-5"},
    ],
)
def test_bad_limit_or_offset_is_a_clear_400(client, district_admin, path, params):
    client.force_login(district_admin)
    response = client.get(path, params)
    assert response.status_code == 400
    (name,) = params
    assert "之间的一个整数" in response.json()[name][0]


def test_good_limit_and_offset_still_page(client, district_admin, tree):
    OrganizationFactory.create_batch(3, region=tree["community_a1"])
    client.force_login(district_admin)
    page = client.get(ORGANIZATIONS, {"limit": "2", "offset": "1"}).json()
    assert page["count"] == 3
    assert len(page["results"]) == 2


@pytest.mark.parametrize("year", ["-1", "2020.5", "9" * 30, "abc"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/talents/trainings/",
        "/api/v1/talents/evaluations/",
        "/api/v1/talents/nominations/",
        "/api/v1/organizations/surveys/",
    ],
)
def test_bad_year_is_a_clear_400(client, district_admin, path, year):
    client.force_login(district_admin)
    response = client.get(path, {"year": year})
    assert response.status_code == 400
    assert response.json()["year"]


# ---- deleting a record still referenced: 409 with the page's reason ----


def test_protected_deletes_answer_409_with_the_pages_reason(client, district_admin, tree):
    liaison = LiaisonFactory(region=tree["community_a1"])
    AssignmentFactory(liaison=liaison, organization=OrganizationFactory(region=tree["community_a1"]))
    organization = OrganizationFactory(region=tree["community_a1"])
    RepresentativeFactory(region=tree["community_a1"], organization=organization)
    parent = PartyOrganizationFactory(region=tree["street_a"])
    PartyOrganizationFactory(region=tree["community_a1"], parent=parent)
    client.force_login(district_admin)
    cases = [
        (f"/api/v1/organizations/liaisons/{liaison.pk}/", liaison, "任职"),
        (f"{ORGANIZATIONS}{organization.pk}/", organization, "代表人士"),
        (f"/api/v1/organizations/party-organizations/{parent.pk}/", parent, "党组织"),
    ]
    for path, record, related in cases:
        response = client.delete(path)
        assert response.status_code == 409, path
        detail = response.json()["detail"]
        assert detail.startswith(f"无法删除“{record}”：仍有关联的")
        assert related in detail
    assert Liaison.objects.filter(pk=liaison.pk).exists()
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert PartyOrganization.objects.filter(pk=parent.pk).exists()
    # the page says the same
    page = client.post(reverse("organizations:liaison_delete", args=[liaison.pk]), follow=True)
    assert client.delete(f"/api/v1/organizations/liaisons/{liaison.pk}/").json()["detail"] in page.content.decode()


# ---- what a create answers is what a read answers ----


def test_create_answers_with_the_counts_a_read_shows(client, district_admin, tree):
    client.force_login(district_admin)
    liaison = client.post(
        "/api/v1/organizations/liaisons/",
        {"name": "王联络", "gender": "male", "mobile": "13912345678", "region": tree["community_a1"].pk},
        content_type="application/json",
    )
    assert liaison.status_code == 201, liaison.json()
    assert liaison.json()["active_count"] == 0
    group = client.post(
        "/api/v1/talents/service-groups/",
        {"name": "法律服务小组", "kind": "functional", "region": tree["district"].pk},
        content_type="application/json",
    )
    assert group.status_code == 201, group.json()
    assert group.json()["member_count"] == 0


# ---- the description: behind login, and true ----


def test_schema_and_docs_need_login(client, street_a_user):
    schema = client.get("/api/schema/")
    assert schema.status_code in (401, 403)
    assert "身份认证信息未提供" in schema.json()["detail"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith(reverse("login"))
    client.force_login(street_a_user)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_docs_page_runs_under_the_csp(client, street_a_user):
    client.force_login(street_a_user)
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<style" not in html  # an inline style block is refused by style-src 'self'
    assert html.count("<script") == html.count("<script src=")
    assert client.get("/api/docs/", {"script": ""}).status_code == 200


@pytest.fixture
def schema(client, district_admin):
    client.force_login(district_admin)
    response = client.get("/api/schema/", {"format": "json"})
    return json.loads(response.content)


def test_schema_says_age_may_be_null(schema):
    assert schema["components"]["schemas"]["Representative"]["properties"]["age"]["nullable"] is True


def test_schema_documents_the_errors(schema):
    detail = schema["paths"]["/api/v1/organizations/liaisons/{id}/"]
    assert {"403", "404", "409"} <= set(detail["delete"]["responses"])
    assert {"400", "403", "404"} <= set(detail["patch"]["responses"])
    listing = schema["paths"]["/api/v1/organizations/liaisons/"]
    assert {"400", "403"} <= set(listing["get"]["responses"])
    assert {"400", "403"} <= set(listing["post"]["responses"])


def test_schema_bounds_limit_and_offset(schema):
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/talents/status-changes/"]["get"]["parameters"]
    }
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["offset"]["minimum"] == 0
    assert parameters["offset"]["type"] == "integer"


# ---- not found, in Chinese ----


def test_api_not_found_is_chinese(client, street_a_user, tree):
    other_street = OrganizationFactory(region=tree["community_b1"])
    client.force_login(street_a_user)
    for path in [f"{ORGANIZATIONS}{other_street.pk}/", f"{ORGANIZATIONS}999999/", "/api/v1/no-such-endpoint/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "记录不存在或不在您的管辖区域内。"}


def test_page_not_found_is_the_projects_chinese_page(client, street_a_user):
    client.force_login(street_a_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert "URLconf" not in body


def test_without_debug_the_demo_still_serves_its_assets(client, settings):
    # scripts/run runs with DEBUG off (so a 404 is the Chinese page, not Django's list of every URL)
    assert settings.DEBUG is False
    assert client.get("/static/css/app.css").status_code == 200


# ---- a duplicate that exists in another street ----


def test_duplicate_credit_code_of_another_street_names_nobody_and_is_logged(client, street_a_user, tree):
    code = valid_credit_code(55)
    OrganizationFactory(name="观澜某某协会", credit_code=code, region=tree["community_b1"], legal_representative="赵六")
    client.force_login(street_a_user)
    response = client.post(
        ORGANIZATIONS,
        {
            "name": "新协会",
            "credit_code": code,
            "kind": "service_institution",
            "status": "normal",
            "region": tree["community_a1"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.content.decode("utf-8")
    assert response.json()["credit_code"] == [
        "该统一社会信用代码已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"
    ]
    for secret in ["观澜", "某某协会", "赵六", code]:
        assert secret not in body
    log = AccessLog.objects.get()
    assert (log.username, log.action, log.target_model) == (
        "street_a",
        AccessAction.SEARCH,
        "organizations.Organization",
    )
    assert Organization.objects.count() == 1


def test_duplicate_id_number_of_another_street_names_nobody_and_is_logged(client, street_a_user, tree):
    number = valid_id_number("19900615", 244)
    RepresentativeFactory(name="李秀英", id_number=number, region=tree["community_b1"])
    client.force_login(street_a_user)
    response = client.post(
        "/api/v1/talents/representatives/",
        {"name": "李秀", "gender": "female", "id_number": number, "region": tree["community_a1"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.content.decode("utf-8")
    assert "区级管理员" in response.json()["id_number"][0]
    for secret in ["观澜", "李秀英", number]:
        assert secret not in body
    log = AccessLog.objects.get()
    assert log.fields == "身份证号"
    assert number not in str(log.detail)


def test_duplicate_inside_the_area_keeps_its_own_message(client, street_a_user, tree):
    code = valid_credit_code(56)
    OrganizationFactory(credit_code=code, region=tree["community_a2"])
    client.force_login(street_a_user)
    response = client.post(
        ORGANIZATIONS,
        {
            "name": "新协会",
            "credit_code": code,
            "kind": "service_institution",
            "status": "normal",
            "region": tree["community_a1"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "管辖区域以外" not in response.json()["credit_code"][0]
    assert not AccessLog.objects.exists()


def test_a_nul_byte_in_a_unique_field_is_a_400(client, district_admin, tree):
    client.force_login(district_admin)
    response = client.post(
        "/api/v1/talents/service-groups/",
        {"name": "法律\x00小组", "kind": "functional", "region": tree["district"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["name"]


def test_the_create_page_says_the_same_about_a_duplicate_of_another_street(client, street_a_user, tree):
    code = valid_credit_code(57)
    OrganizationFactory(name="观澜某某协会", credit_code=code, region=tree["community_b1"])
    client.force_login(street_a_user)
    response = client.post(
        reverse("organizations:organization_create"),
        {
            "name": "新协会",
            "credit_code": code,
            "kind": "service_institution",
            "status": "normal",
            "region": tree["community_a1"].pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "该统一社会信用代码已登记在您管辖区域以外的记录中" in body
    assert "观澜某某协会" not in body
    assert AccessLog.objects.get().username == "street_a"
    assert Organization.objects.count() == 1


def test_a_malformed_body_is_explained_in_chinese(client, district_admin):
    client.force_login(district_admin)
    response = client.post("/api/v1/organizations/liaisons/", "{bad json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体无法解析，不是有效的 JSON 或表单数据（第 1 行第 2 列附近）。"}

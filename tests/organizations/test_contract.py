"""The same checks for every page model (NetBox-style): scope, roles, anonymous — page, export, API."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import (
    AssignmentFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


def _org(tree, key, name):
    return OrganizationFactory(name=name, region=tree[f"community_{key}1"])


MODELS = {
    "organization": {
        "make": lambda tree, key: _org(tree, key, f"组织{key.upper()}"),
        "api": "/api/v1/organizations/organizations/",
        "detail": True,
    },
    "partyorganization": {
        "make": lambda tree, key: PartyOrganizationFactory(name=f"党支部{key.upper()}", region=tree[f"street_{key}"]),
        "api": "/api/v1/organizations/party-organizations/",
        "detail": True,
    },
    "liaison": {
        "make": lambda tree, key: LiaisonFactory(name=f"联络员{key.upper()}", region=tree[f"street_{key}"]),
        "api": "/api/v1/organizations/liaisons/",
        "detail": True,
    },
    "assignment": {
        "make": lambda tree, key: AssignmentFactory(
            liaison=LiaisonFactory(name=f"任职人{key.upper()}", region=tree[f"street_{key}"]),
            organization=_org(tree, key, f"任职组织{key.upper()}"),
        ),
        "api": "/api/v1/organizations/assignments/",
        "detail": False,
    },
    "annualsurvey": {
        "make": lambda tree, key: SurveyFactory(organization=_org(tree, key, f"调查组织{key.upper()}")),
        "api": "/api/v1/organizations/surveys/",
        "label": lambda survey: survey.organization.name,
        "detail": False,
    },
    "venue": {
        "make": lambda tree, key: __import__("organizations.models", fromlist=["Venue"]).Venue.objects.create(
            name=f"阵地{key.upper()}", kind="station", level="town", region=tree[f"street_{key}"]
        ),
        "api": "/api/v1/organizations/venues/",
        "detail": True,
    },
}


@pytest.fixture(params=list(MODELS))
def model_case(request, tree):
    spec = MODELS[request.param]
    return {"name": request.param, "own": spec["make"](tree, "a"), "other": spec["make"](tree, "b"), **spec}


def url(case, suffix, *args):
    return reverse(f"organizations:{case['name']}_{suffix}", args=args)


def test_anonymous_is_redirected_to_login(client, model_case):
    for target in (url(model_case, "list"), url(model_case, "export"), url(model_case, "update", model_case["own"].pk)):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get(model_case["api"]).status_code in (401, 403)


def test_street_user_list_shows_only_their_street(client, model_case, street_a_user):
    client.force_login(street_a_user)
    body = client.get(url(model_case, "list")).content.decode()
    label = model_case.get("label", lambda obj: str(obj).split(" · ")[0])
    assert label(model_case["own"]) in body
    assert label(model_case["other"]) not in body


def test_street_user_gets_404_outside_their_street(client, model_case, street_a_user):
    client.force_login(street_a_user)
    other = model_case["other"].pk
    own = model_case["own"].pk
    if model_case["detail"]:
        assert client.get(url(model_case, "detail", own)).status_code == 200
        assert client.get(url(model_case, "detail", other)).status_code == 404
    assert client.get(url(model_case, "update", own)).status_code == 200
    assert client.get(url(model_case, "update", other)).status_code == 404
    assert client.post(url(model_case, "update", other), {}).status_code == 404
    assert client.get(f"{model_case['api']}{other}/").status_code == 404
    assert client.get(f"{model_case['api']}{own}/").status_code == 200


def test_street_user_export_and_api_list_stay_in_scope(client, model_case, street_a_user):
    client.force_login(street_a_user)
    response = client.get(url(model_case, "export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.max_row == 2  # header + the one record of street A
    api = client.get(model_case["api"]).json()
    assert [row["id"] for row in api["results"]] == [model_case["own"].pk]


def test_admin_of_another_street_is_404(client, model_case, tree):
    from tests.factories import UserFactory

    staff = UserFactory(username="street_a_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    admin_url = f"admin:organizations_{model_case['name']}_change"
    assert client.get(reverse(admin_url, args=[model_case["own"].pk])).status_code == 200
    assert client.get(reverse(admin_url, args=[model_case["other"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("role_fixture", "can_view", "can_add", "can_delete", "can_export"),
    [
        ("district_admin", True, True, True, True),
        ("street_a_user", True, True, False, True),
        ("analyst", True, False, False, True),
        ("viewer", True, False, False, False),
    ],
)
def test_permission_matrix(request, client, model_case, role_fixture, can_view, can_add, can_delete, can_export):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    own = model_case["own"].pk

    def status(path):
        return client.get(path).status_code

    assert status(url(model_case, "list")) == (200 if can_view else 403)
    assert status(url(model_case, "create")) == (200 if can_add else 403)
    assert status(url(model_case, "update", own)) == (200 if can_add else 403)
    assert status(url(model_case, "delete", own)) == (200 if can_delete else 403)
    assert status(url(model_case, "export")) == (200 if can_export else 403)
    api_write = client.patch(f"{model_case['api']}{own}/", {}, content_type="application/json").status_code
    assert api_write == (200 if can_add else 403)

"""The same checks for every page model of the pool (NetBox-style): scope, roles, anonymous — pages, API, admin."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import (
    EvaluationFactory,
    NominationFactory,
    RepresentativeFactory,
    ServiceGroupFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _person(tree, key, name):
    return RepresentativeFactory(name=name, region=tree[f"community_{key}1"])


MODELS = {
    "representative": {
        "make": lambda tree, key: _person(tree, key, f"代表{key.upper()}"),
        "api": "/api/v1/talents/representatives/",
        "detail": True,
    },
    "evaluation": {
        "make": lambda tree, key: EvaluationFactory(representative=_person(tree, key, f"受评人{key.upper()}")),
        "api": "/api/v1/talents/evaluations/",
        "label": lambda evaluation: evaluation.representative.name,
        "detail": False,
    },
    "nomination": {
        "make": lambda tree, key: NominationFactory(representative=_person(tree, key, f"被推荐人{key.upper()}")),
        "api": "/api/v1/talents/nominations/",
        "label": lambda nomination: nomination.representative.name,
        "detail": False,
    },
    "training": {
        "make": lambda tree, key: TrainingFactory(title=f"街道培训{key.upper()}", region=tree[f"street_{key}"]),
        "api": "/api/v1/talents/trainings/",
        "label": lambda training: training.title,
        "detail": True,
    },
    "servicegroup": {
        "make": lambda tree, key: ServiceGroupFactory(name=f"街道服务队{key.upper()}", region=tree[f"street_{key}"]),
        "api": "/api/v1/talents/service-groups/",
        "detail": True,
    },
}


@pytest.fixture(params=list(MODELS))
def model_case(request, tree):
    spec = MODELS[request.param]
    return {"name": request.param, "own": spec["make"](tree, "a"), "other": spec["make"](tree, "b"), **spec}


def url(case, suffix, *args):
    return reverse(f"talents:{case['name']}_{suffix}", args=args)


def label(case, obj):
    return case.get("label", str)(obj)


def test_anonymous_is_redirected_to_login(client, model_case):
    for target in (url(model_case, "list"), url(model_case, "export"), url(model_case, "update", model_case["own"].pk)):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get(model_case["api"]).status_code in (401, 403)


def test_street_user_list_shows_only_their_street(client, model_case, street_a_user):
    client.force_login(street_a_user)
    body = client.get(url(model_case, "list")).content.decode()
    assert label(model_case, model_case["own"]) in body
    assert label(model_case, model_case["other"]) not in body


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
    assert client.patch(f"{model_case['api']}{other}/", {}, content_type="application/json").status_code == 404
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
    staff = UserFactory(username="street_a_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    admin_url = f"admin:talents_{model_case['name']}_change"
    assert client.get(reverse(admin_url, args=[model_case["own"].pk])).status_code == 200
    assert client.get(reverse(admin_url, args=[model_case["other"].pk])).status_code == 404
    changelist = client.get(reverse(f"admin:talents_{model_case['name']}_changelist")).content.decode()
    assert label(model_case, model_case["other"]) not in changelist


@pytest.mark.parametrize(
    ("role_fixture", "can_add", "can_delete", "can_export"),
    [
        ("district_admin", True, True, True),
        ("street_a_user", True, False, True),
        ("analyst", False, False, True),
        ("viewer", False, False, False),
    ],
)
def test_permission_matrix(request, client, model_case, role_fixture, can_add, can_delete, can_export):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    own = model_case["own"].pk

    def status(path):
        return client.get(path).status_code

    assert status(url(model_case, "list")) == 200
    if model_case["detail"]:
        assert status(url(model_case, "detail", own)) == 200
    assert status(url(model_case, "create")) == (200 if can_add else 403)
    assert status(url(model_case, "update", own)) == (200 if can_add else 403)
    assert status(url(model_case, "delete", own)) == (200 if can_delete else 403)
    assert status(url(model_case, "export")) == (200 if can_export else 403)
    api_write = client.patch(f"{model_case['api']}{own}/", {}, content_type="application/json").status_code
    assert api_write == (200 if can_add else 403)


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("district_admin", 200), ("street_a_user", 200), ("analyst", 403), ("viewer", 403)],
)
def test_status_page_needs_change_permission(request, client, tree, role_fixture, expected):
    person = _person(tree, "a", "代表A")
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("talents:representative_status", args=[person.pk])).status_code == expected


def test_delete_through_the_page(client, tree, district_admin):
    person = _person(tree, "a", "待删除")
    client.force_login(district_admin)
    response = client.post(reverse("talents:representative_delete", args=[person.pk]))
    assert response.status_code == 302 and response.url == reverse("talents:representative_list")

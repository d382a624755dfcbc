"""Credit codes and other rules are checked the same on the create page, the edit page and the API."""

import pytest
from django.urls import reverse

from organizations.models import Organization
from tests.factories import OrganizationFactory, valid_credit_code

pytestmark = pytest.mark.django_db


def form_data(tree, **overrides):
    data = {
        "name": "深圳市龙华区新建社工服务中心",
        "credit_code": valid_credit_code(77),
        "kind": "service_institution",
        "status": "normal",
        "region": tree["community_a1"].pk,
    }
    data.update(overrides)
    return data


def test_create_page_refuses_a_bad_check_character_and_keeps_input(client, tree, street_a_user):
    client.force_login(street_a_user)
    bad = valid_credit_code(77)[:-1] + ("0" if valid_credit_code(77)[-1] != "0" else "1")
    response = client.post(reverse("organizations:organization_create"), form_data(tree, credit_code=bad))
    assert response.status_code == 400
    body = response.content.decode()
    assert "统一社会信用代码校验位错误" in body
    assert 'value="深圳市龙华区新建社工服务中心"' in body  # what the user typed is kept
    assert not Organization.objects.exists()


def test_create_page_accepts_and_normalizes(client, tree, street_a_user):
    client.force_login(street_a_user)
    code = valid_credit_code(77)
    response = client.post(
        reverse("organizations:organization_create"), form_data(tree, credit_code=f" {code.lower()} ")
    )
    assert response.status_code == 302
    org = Organization.objects.get()
    assert org.credit_code == code
    assert org.name_initials == "szslhqxjsgfwzx lhqxjsgfwzx xjsgfwzx"


def test_duplicate_credit_code_in_other_case_is_refused(client, tree, street_a_user):
    OrganizationFactory(credit_code=valid_credit_code(77), region=tree["community_a1"])
    client.force_login(street_a_user)
    response = client.post(
        reverse("organizations:organization_create"), form_data(tree, credit_code=valid_credit_code(77).lower())
    )
    assert response.status_code == 400
    assert "统一社会信用代码已存在" in response.content.decode()


def test_edit_page_refuses_a_bad_code(client, tree, street_a_user):
    org = OrganizationFactory(region=tree["community_a1"])
    client.force_login(street_a_user)
    response = client.post(
        reverse("organizations:organization_update", args=[org.pk]),
        form_data(tree, name=org.name, credit_code="91440300708461136A"),
    )
    assert response.status_code == 400
    assert "末位应为 T" in response.content.decode()
    org.refresh_from_db()
    assert org.credit_code != "91440300708461136A"


def test_region_outside_scope_is_not_a_choice(client, tree, street_a_user):
    client.force_login(street_a_user)
    response = client.post(
        reverse("organizations:organization_create"), form_data(tree, region=tree["community_b1"].pk)
    )
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not Organization.objects.exists()


def test_edit_cannot_move_a_record_out_of_scope(client, tree, street_a_user):
    org = OrganizationFactory(region=tree["community_a1"])
    client.force_login(street_a_user)
    client.post(
        reverse("organizations:organization_update", args=[org.pk]),
        form_data(tree, name=org.name, credit_code=org.credit_code, region=tree["community_b1"].pk),
    )
    org.refresh_from_db()
    assert org.region == tree["community_a1"]


def test_api_create_refuses_a_bad_code_with_chinese_message(client, tree, street_a_user):
    client.force_login(street_a_user)
    payload = form_data(tree, credit_code="91440300708461136A")
    response = client.post("/api/v1/organizations/organizations/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "末位应为 T" in response.json()["credit_code"][0]
    assert not Organization.objects.exists()


def test_api_create_and_update(client, tree, street_a_user):
    client.force_login(street_a_user)
    response = client.post("/api/v1/organizations/organizations/", form_data(tree), content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.patch(
        f"/api/v1/organizations/organizations/{pk}/", {"credit_code": "123"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "应为18位" in response.json()["credit_code"][0]
    response = client.patch(
        f"/api/v1/organizations/organizations/{pk}/",
        {"region": tree["community_b1"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400  # not a choice for this user


def test_api_duplicate_code_in_lower_case(client, tree, street_a_user):
    OrganizationFactory(credit_code=valid_credit_code(77), region=tree["community_a1"])
    client.force_login(street_a_user)
    response = client.post(
        "/api/v1/organizations/organizations/",
        form_data(tree, credit_code=valid_credit_code(77).lower()),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "已存在" in str(response.json())


def test_database_refuses_a_malformed_code_even_bypassing_forms(tree):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Organization.objects.bulk_create(
            [Organization(name="x", credit_code="SHORT", kind="foundation", region=tree["community_a1"])]
        )


def test_rating_needs_a_year(client, tree, street_a_user):
    client.force_login(street_a_user)
    response = client.post(reverse("organizations:organization_create"), form_data(tree, rating="4A"))
    assert response.status_code == 400
    assert "请同时填写评估年度" in response.content.decode()


def test_only_a_joint_branch_covers_several(client, tree, district_admin):
    from tests.factories import PartyOrganizationFactory

    a = OrganizationFactory(region=tree["community_a1"])
    b = OrganizationFactory(region=tree["community_a1"])
    parent = PartyOrganizationFactory(name="区党委", kind="committee", tier="district", region=tree["district"])
    client.force_login(district_admin)
    data = {
        "name": "中共某支部",
        "kind": "branch",
        "tier": "grassroots",
        "parent": parent.pk,
        "region": tree["street_a"].pk,
        "organizations": [a.pk, b.pk],
        "member_count": 3,
    }
    response = client.post(reverse("organizations:partyorganization_create"), data)
    assert response.status_code == 400
    assert "只有联合党支部可以覆盖多家社会组织" in response.content.decode()
    data["kind"] = "joint_branch"
    assert client.post(reverse("organizations:partyorganization_create"), data).status_code == 302

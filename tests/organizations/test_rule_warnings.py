"""Warn before, not after: an assignment that would breach a coverage rule says so on the form, naming the rule,
and saves only once the user confirms."""

import datetime

import pytest
from django.urls import reverse

from organizations.models import Assignment
from tests.factories import (
    AssignmentFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def post(client, *, liaison, organization, role, confirm=False):
    data = {
        "liaison": liaison.pk,
        "organization": organization.pk,
        "role": role,
        "start_date": datetime.date(2024, 1, 1).isoformat(),
    }
    if confirm:
        data["confirm_breach"] = "on"
    return client.post(reverse("organizations:assignment_create"), data)


def warnings(response) -> list[str]:
    return [f"{w.rule}：{w.detail}" for w in response.context["form"].rule_warnings]


def test_a_united_front_member_without_a_party_organization_is_warned_then_saved_on_confirmation(client_a, tree):
    organization = OrganizationFactory(name="民治长者服务中心", region=tree["community_a1"])
    liaison = LiaisonFactory(name="王芳", region=tree["street_a"])
    response = post(client_a, liaison=liaison, organization=organization, role="uf_member")
    assert response.status_code == 400
    assert warnings(response) == [
        "未建党组织却设统战委员：民治长者服务中心尚未建立党组织；统战委员设在党组织中，未建党组织的应选派统战联络员。"
    ]
    body = response.content.decode()
    assert 'data-testid="rule-warnings"' in body and "已知晓上述规则提示，仍然保存" in body
    assert not Assignment.objects.exists()
    assert post(client_a, liaison=liaison, organization=organization, role="uf_member", confirm=True).status_code == 302
    assert Assignment.objects.count() == 1


def test_a_united_front_member_where_a_party_organization_exists_is_not_warned(client_a, tree):
    organization = OrganizationFactory(region=tree["community_a1"])
    PartyOrganizationFactory(region=tree["community_a1"], covers=[organization])
    liaison = LiaisonFactory(region=tree["street_a"])
    assert post(client_a, liaison=liaison, organization=organization, role="uf_member").status_code == 302


def test_an_instructors_eleventh_organization_is_warned(client_a, tree):
    liaison = LiaisonFactory(name="陈刚", region=tree["street_a"])
    for _ in range(10):
        AssignmentFactory(liaison=liaison, organization=OrganizationFactory(region=tree["community_a1"]))
    eleventh = OrganizationFactory(region=tree["community_a1"])
    response = post(client_a, liaison=liaison, organization=eleventh, role="instructor")
    assert response.status_code == 400
    assert warnings(response) == [
        "党建指导员指导超过10家：陈刚已指导10家社会组织，这将是第11家（每名党建指导员指导5—10家）。"
    ]
    assert Assignment.objects.filter(organization=eleventh).count() == 0


def test_taking_a_one_to_one_instructor_to_a_second_organization_is_warned(client_a, tree):
    large = OrganizationFactory(name="民治大型社工机构", region=tree["community_a1"])
    SurveyFactory(organization=large, staff_count=45)
    liaison = LiaisonFactory(name="赵敏", region=tree["street_a"])
    AssignmentFactory(liaison=liaison, organization=large)
    second = OrganizationFactory(name="民治小型协会", region=tree["community_a1"])
    response = post(client_a, liaison=liaison, organization=second, role="instructor")
    assert response.status_code == 400
    assert warnings(response) == [
        "30人以上未按1:1选派党建指导员：赵敏是民治大型社工机构（从业人员45人）1:1选派的党建指导员，"
        "再指导民治小型协会后，民治大型社工机构将没有专门的党建指导员。"
    ]

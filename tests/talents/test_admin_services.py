"""The admin saves and deletes through the services the pages call: their rules and messages hold there too."""

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization
from talents.models import Nomination, Representative
from tests.factories import OrganizationFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
NO_INLINE_ROWS = {
    f"{prefix}-{key}": value
    for prefix in ("status_changes", "evaluations", "nominations", "memberships")
    for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


def _person_form(person, **changes):
    return {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": "01",
        "birth_date": person.birth_date.isoformat(),
        "political_affiliation": "masses",
        "stratum": "social_org",
        "region": person.region_id,
        **NO_INLINE_ROWS,
        **changes,
    }


def test_editing_a_merged_representative_in_the_admin_is_refused(client, tree, district_admin, person_a, person_b):
    Representative.objects.filter(pk=person_b.pk).update(merged_into=person_a)
    client.force_login(district_admin)
    response = client.post(
        reverse("admin:talents_representative_change", args=[person_b.pk]), _person_form(person_b, name="改名")
    )
    assert response.status_code == 200
    assert f"该记录已合并到“{person_a}”，请编辑保留的记录。" in response.content.decode()
    person_b.refresh_from_db()
    assert person_b.name != "改名"


def test_a_valid_edit_in_the_admin_is_saved_through_the_service(client, tree, district_admin, person_a):
    client.force_login(district_admin)
    response = client.post(
        reverse("admin:talents_representative_change", args=[person_a.pk]), _person_form(person_a, name="后台改名")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person_a.refresh_from_db()
    assert person_a.name == "后台改名"


def test_a_nomination_without_evaluation_is_refused_in_the_admin_inline(client, tree, district_admin, person_a):
    client.force_login(district_admin)
    rows = {
        "nominations-TOTAL_FORMS": "1",
        "nominations-0-kind": "npc",
        "nominations-0-level": "district",
        "nominations-0-year": str(THIS_YEAR),
        "nominations-0-outcome": "pending",
    }
    response = client.post(
        reverse("admin:talents_representative_change", args=[person_a.pk]), _person_form(person_a, **rows)
    )
    assert response.status_code == 200
    assert "推荐使用须有" in response.content.decode()
    assert not Nomination.objects.exists()


def test_deleting_a_referenced_organization_in_the_admin_is_explained(client, tree, district_admin):
    organization = OrganizationFactory(region=tree["community_a1"], name="被引用的组织")
    RepresentativeFactory(region=tree["community_a1"], organization=organization)
    client.force_login(district_admin)
    response = client.post(reverse("admin:organizations_organization_delete", args=[organization.pk]), {"post": "yes"})
    assert response.status_code in (200, 302)
    assert Organization.objects.filter(pk=organization.pk).exists()
    response = client.post(
        reverse("admin:organizations_organization_changelist"),
        {"action": "delete_selected", "_selected_action": [organization.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "代表人士" in response.content.decode()
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_deleting_through_the_admin_uses_the_delete_service(client, tree, district_admin, person_a):
    client.force_login(district_admin)
    response = client.post(reverse("admin:talents_representative_delete", args=[person_a.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Representative.objects.filter(pk=person_a.pk).exists()


def test_a_street_admin_cannot_delete_a_district_group_in_the_admin(client, tree):
    from talents.models import ServiceGroup
    from tests.factories import ServiceGroupFactory, UserFactory

    group = ServiceGroupFactory(region=tree["district"], name="区级服务小组")
    staff = UserFactory(username="street_a_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    response = client.post(
        reverse("admin:talents_servicegroup_delete", args=[group.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "无法删除：“区级服务小组”由上级统战部门管理" in response.content.decode()
    assert ServiceGroup.objects.filter(pk=group.pk).exists()
    response = client.post(
        reverse("admin:talents_servicegroup_changelist"),
        {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"},
        follow=True,
    )
    assert "未删除任何记录" in response.content.decode()
    assert ServiceGroup.objects.filter(pk=group.pk).exists()


def test_a_withdrawn_person_cannot_join_a_group_through_the_admin_inline(client, tree, district_admin, person_a):
    from talents.models import Membership
    from tests.factories import ServiceGroupFactory

    group = ServiceGroupFactory(region=tree["district"])
    Representative.objects.filter(pk=person_a.pk).update(status="withdrawn")
    person_a.refresh_from_db()
    client.force_login(district_admin)
    rows = {
        "memberships-TOTAL_FORMS": "1",
        "memberships-0-group": group.pk,
        "memberships-0-role": "member",
        "memberships-0-joined_on": "2025-01-01",
    }
    response = client.post(
        reverse("admin:talents_representative_change", args=[person_a.pk]), _person_form(person_a, **rows)
    )
    assert response.status_code == 200
    assert f"{person_a.name}已退出代表人士库，不能加入服务小组。" in response.content.decode()
    assert not Membership.objects.exists()


def test_the_delete_confirmation_does_not_name_another_streets_people(client, tree):
    from tests.factories import UserFactory

    organization = OrganizationFactory(region=tree["community_a1"], name="民治某协会")
    RepresentativeFactory(region=tree["community_b1"], organization=organization, name="观澜某人")
    RepresentativeFactory(region=tree["community_a1"], organization=organization, name="民治某人")
    staff = UserFactory(username="street_a_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    body = client.get(reverse("admin:organizations_organization_delete", args=[organization.pk])).content.decode()
    assert "民治某人" in body and "代表人士：（其他辖区的记录）" in body
    assert "观澜某人" not in body
    response = client.post(
        reverse("admin:organizations_organization_changelist"),
        {"action": "delete_selected", "_selected_action": [organization.pk]},
    )
    assert "观澜某人" not in response.content.decode() and "民治某人" in response.content.decode()
    assert Organization.objects.filter(pk=organization.pk).exists()

"""The scoping rule: a street-A user never sees a street-B record — ORM, page, admin."""

import pytest
from django.urls import reverse

from registry.models import Region, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_orm_street_user_sees_own_subtree_only(tree, street_a_user):
    visible = set(Region.objects.visible_to(street_a_user))
    assert visible == {tree["street_a"], tree["community_a1"], tree["community_a2"], tree["grid_a"]}
    assert tree["street_b"] not in visible
    assert tree["district"] not in visible


def test_orm_unrestricted_users_see_everything(tree, superuser):
    everyone = UserFactory(username="all", all_regions=True)
    assert Region.objects.visible_to(superuser).count() == Region.objects.count()
    assert Region.objects.visible_to(everyone).count() == Region.objects.count()


def test_orm_user_without_region_or_inactive_or_anonymous_sees_nothing(tree, street_a_user):
    from django.contrib.auth.models import AnonymousUser

    assert not Region.objects.visible_to(UserFactory(username="nowhere")).exists()
    assert not Region.objects.visible_to(AnonymousUser()).exists()
    street_a_user.is_active = False
    assert not Region.objects.visible_to(street_a_user).exists()


def test_scope_follows_related_region_path(tree, street_a_user):
    """Users are scoped by their own region the same way."""
    UserFactory(username="b_person", region=tree["community_b1"])
    UserFactory(username="a_person", region=tree["grid_a"])
    names = set(User.objects.visible_to(street_a_user).values_list("username", flat=True))
    assert "a_person" in names and "street_a" in names
    assert "b_person" not in names


def test_page_other_street_record_is_404(client, tree, street_a_user):
    client.force_login(street_a_user)
    own = client.get(reverse("registry:region_detail", args=[tree["community_a1"].pk]))
    assert own.status_code == 200
    other = client.get(reverse("registry:region_detail", args=[tree["community_b1"].pk]))
    assert other.status_code == 404
    assert "不在您的管辖区域内" in other.content.decode()


def test_region_list_page_shows_scope_only(client, tree, street_a_user):
    client.force_login(street_a_user)
    body = client.get(reverse("registry:region_list")).content.decode()
    assert "民治1社区" in body
    assert "观澜1社区" not in body


def test_admin_other_street_record_is_404(client, tree):
    staff = UserFactory(username="street_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    assert client.get(reverse("admin:registry_region_change", args=[tree["community_a1"].pk])).status_code == 200
    assert client.get(reverse("admin:registry_region_change", args=[tree["community_b1"].pk])).status_code == 404
    assert client.get(reverse("admin:registry_region_history", args=[tree["community_b1"].pk])).status_code == 404
    changelist = client.get(reverse("admin:registry_region_changelist")).content.decode()
    assert "民治1社区" in changelist and "观澜1社区" not in changelist


def test_admin_parent_choices_are_narrowed_and_moving_out_is_refused(client, tree):
    staff = UserFactory(username="street_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    grid = tree["grid_a"]
    url = reverse("admin:registry_region_change", args=[grid.pk])
    response = client.post(
        url, {"code": grid.code, "name": grid.name, "level": "grid", "parent": tree["community_b1"].pk}
    )
    assert response.status_code == 200  # the form refuses the out-of-scope choice
    assert "选择一个有效的选项" in response.content.decode()
    grid.refresh_from_db()
    assert grid.parent == tree["community_a1"]


def test_admin_users_of_other_streets_are_invisible(client, tree, street_b_user):
    staff = UserFactory(username="street_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    client.force_login(staff)
    assert client.get(reverse("admin:registry_user_change", args=[street_b_user.pk])).status_code == 404


def test_admin_non_superuser_cannot_widen_scope(client, tree, district_admin, street_a_user):
    client.force_login(district_admin)
    body = client.get(reverse("admin:registry_user_change", args=[street_a_user.pk])).content.decode()
    assert 'name="all_regions"' not in body
    assert 'name="is_superuser"' not in body

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


# ---- restrict(user, action): the permission and the scope in one call ----
def test_restrict_needs_the_model_permission_as_well_as_the_scope(tree, street_a_user, analyst):
    from organizations.models import Organization
    from tests.factories import OrganizationFactory

    own = OrganizationFactory(region=tree["community_a1"])
    other = OrganizationFactory(region=tree["community_b1"])
    assert set(Organization.objects.restrict(street_a_user, "view")) == {own}
    assert set(Organization.objects.restrict(street_a_user, "change")) == {own}
    assert not Organization.objects.restrict(street_a_user, "delete").exists()  # street staff delete nothing
    assert set(Organization.objects.restrict(analyst, "view")) == {own, other}
    assert not Organization.objects.restrict(analyst, "change").exists()


def test_restrict_after_visible_to_filters_the_scope_once(tree, street_a_user):
    from organizations.models import Liaison

    scoped = Liaison.objects.visible_to(street_a_user)
    assert str(scoped.restrict(street_a_user, "view").query) == str(scoped.query)


def test_a_service_refuses_a_change_without_the_permission(tree, analyst):
    from django.core.exceptions import PermissionDenied

    from organizations.services import organization_update
    from tests.factories import OrganizationFactory

    organization = OrganizationFactory(region=tree["community_a1"], name="原名称")
    with pytest.raises(PermissionDenied, match="您没有编辑"):
        organization_update(user=analyst, instance=organization, data={"name": "新名称"})
    organization.refresh_from_db()
    assert organization.name == "原名称"


# ---- one helper narrows choices: forms, filters, serializers, admin ----
def test_narrow_choices_narrows_a_field_a_drf_many_field_and_a_queryset(tree, street_a_user):
    from django import forms
    from rest_framework import serializers

    own = set(Region.objects.visible_to(street_a_user))
    field = forms.ModelChoiceField(queryset=Region.objects.all())
    from registry.scoping import narrow_choices

    narrow_choices(field, street_a_user)
    assert set(field.queryset) == own
    many = serializers.PrimaryKeyRelatedField(many=True, queryset=Region.objects.all())
    narrow_choices(many, street_a_user)
    assert set(many.child_relation.queryset) == own
    assert set(narrow_choices(Region.objects.all(), street_a_user)) == own


# ---- a scoped prefetch: related rows scoped, one query for the page ----
def test_scoped_prefetch_keeps_other_streets_attendees_out(tree, street_a_user):
    from registry.scoping import scoped_prefetch
    from talents.models import Attendance, Representative, Training
    from tests.factories import RepresentativeFactory, TrainingFactory

    training = TrainingFactory(region=tree["district"])
    mine = RepresentativeFactory(region=tree["community_a1"])
    theirs = RepresentativeFactory(region=tree["community_b1"])
    for person in (mine, theirs):
        Attendance.objects.create(training=training, representative=person)
    prefetch = scoped_prefetch("attendees", user=street_a_user, queryset=Representative.objects.all())
    fetched = Training.objects.prefetch_related(prefetch).get(pk=training.pk)
    assert list(fetched.attendees.all()) == [mine]


def test_trainings_api_lists_only_the_attendees_in_scope(client, tree, street_a_user):
    from talents.models import Attendance
    from tests.factories import RepresentativeFactory, TrainingFactory

    training = TrainingFactory(region=tree["district"])
    mine = RepresentativeFactory(region=tree["community_a1"])
    theirs = RepresentativeFactory(region=tree["community_b1"])
    for person in (mine, theirs):
        Attendance.objects.create(training=training, representative=person)
    client.force_login(street_a_user)
    listed = client.get("/api/v1/talents/trainings/").json()["results"]
    assert [row["attendees"] for row in listed if row["id"] == training.pk] == [[mine.pk]]
    assert client.get(f"/api/v1/talents/trainings/{training.pk}/").json()["attendees"] == [mine.pk]


# ---- import records and the access log: one owner-scope rule ----
def test_import_records_and_access_log_share_one_owner_rule(
    tree, street_a_user, street_b_user, district_admin, analyst
):
    from registry.models import AccessLog, ImportRecord

    superuser = UserFactory(username="root_owner", is_superuser=True, all_regions=True)
    for user in (street_a_user, street_b_user, district_admin, analyst):
        ImportRecord.objects.create(user=user, username=user.username, model_key="k", model_label="l", file_name="f")
        AccessLog.objects.create(user=user, username=user.username, action="export")
    for model in (ImportRecord, AccessLog):
        def owners(user, model=model):
            return set(model.objects.visible_to(user).values_list("username", flat=True))

        assert owners(street_a_user) == {"street_a"}
        assert owners(analyst) == {"analyst"}  # a district analyst answers only for their own
        assert owners(district_admin) == {"street_a", "street_b", "district_admin", "analyst"}
        assert len(owners(superuser)) == 4
    assert not AccessLog.objects.restrict(street_a_user, "view").exists()  # no view_accesslog permission
    assert AccessLog.objects.restrict(district_admin, "view").count() == 4


# ---- permissions as named rules ----
def test_named_rules(tree, street_a_user, district_admin, analyst, viewer):
    from registry import permissions
    from registry.models import ImportRecord
    from tests.factories import TrainingFactory

    assert permissions.may_see_personal(district_admin) and not permissions.may_see_personal(street_a_user)
    assert permissions.may_reveal_personal(street_a_user) and not permissions.may_reveal_personal(analyst)
    assert permissions.may_export(analyst) and not permissions.may_export(viewer)
    district_training = TrainingFactory(region=tree["district"])
    street_training = TrainingFactory(region=tree["street_a"])
    assert permissions.manages_level(district_admin, district_training)
    assert not permissions.manages_level(street_a_user, district_training)
    assert permissions.manages_level(street_a_user, street_training)
    record = ImportRecord.objects.create(
        user=street_a_user, username="street_a", model_key="k", model_label="l", file_name="f"
    )
    assert permissions.is_uploader(street_a_user, record) and not permissions.is_uploader(analyst, record)
    assert permissions.may_download_import_errors(district_admin, record)
    assert not permissions.may_download_import_errors(analyst, record)
    # the same rules through user.has_perm (rules.permissions.ObjectPermissionBackend)
    assert analyst.has_perm("registry.export") and not viewer.has_perm("registry.export")
    assert street_a_user.has_perm("registry.manage_level", street_training)
    assert not street_a_user.has_perm("registry.manage_level", district_training)


def test_party_organizations_api_lists_only_the_covered_organizations_in_scope(client, tree, street_a_user):
    from tests.factories import OrganizationFactory, PartyOrganizationFactory

    mine = OrganizationFactory(region=tree["community_a1"])
    theirs = OrganizationFactory(region=tree["community_b1"])
    party = PartyOrganizationFactory(region=tree["street_a"], covers=[mine, theirs])
    client.force_login(street_a_user)
    listed = client.get("/api/v1/organizations/party-organizations/").json()["results"]
    assert [row["organizations"] for row in listed if row["id"] == party.pk] == [[mine.pk]]


def test_rules_of_the_pool_and_of_the_admin(tree, street_a_user, district_admin, superuser):
    from registry.permissions import may_widen_scope
    from talents.permissions import may_change_status, may_merge_representatives

    assert may_merge_representatives(district_admin) and not may_merge_representatives(street_a_user)
    assert may_change_status(street_a_user)
    assert may_widen_scope(superuser) and not may_widen_scope(district_admin)


def test_restrict_still_scopes_a_scoped_queryset_combined_with_an_unscoped_one(tree, street_a_user):
    from organizations.models import Organization
    from tests.factories import OrganizationFactory

    own = OrganizationFactory(region=tree["community_a1"])
    OrganizationFactory(region=tree["community_b1"])
    combined = Organization.objects.visible_to(street_a_user) | Organization.objects.all()
    assert list(combined.restrict(street_a_user)) == [own]
    unioned = Organization.objects.visible_to(street_a_user).union(Organization.objects.all())
    assert unioned._scoped_for is None

"""The access log follows one rule in the admin and on its page: own rows, rows about records inside the scope."""

import pytest
from django.urls import reverse

from registry import roles
from registry.choices import AccessAction
from registry.models import AccessLog
from tests.factories import RepresentativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_admin(tree):
    return UserFactory(username="street_admin", region=tree["street_a"], role=roles.DISTRICT_ADMIN, is_staff=True)


@pytest.fixture
def logs(tree, street_admin, street_a_user, street_b_user, district_admin):
    person_a = RepresentativeFactory(region=tree["community_a1"], name="甲街道人士")
    person_b = RepresentativeFactory(region=tree["community_b1"], name="乙街道人士")

    def reveal(user, person, reason):
        return AccessLog.objects.create(
            user=user,
            username=user.username,
            action=AccessAction.REVEAL,
            target_model="talents.Representative",
            target_id=str(person.pk),
            target_repr=person.name,
            reason=reason,
        )

    return {
        "own": reveal(street_admin, person_a, "本人核对"),
        "staff_a": reveal(street_a_user, person_a, "甲街道走访"),
        "district_on_a": reveal(district_admin, person_a, "区里核对甲"),
        "district_on_b": reveal(district_admin, person_b, "区里核对乙"),
        "staff_b": reveal(street_b_user, person_b, "乙街道走访"),
    }


def _visible(logs, rows):
    ids = {row.pk for row in rows}
    return {key for key, log in logs.items() if log.pk in ids}


def test_street_admin_sees_only_rows_about_their_street_in_the_admin(client, street_admin, logs):
    client.force_login(street_admin)
    response = client.get(reverse("admin:registry_accesslog_changelist"))
    assert response.status_code == 200
    assert _visible(logs, response.context["cl"].queryset) == {"own", "staff_a", "district_on_a"}
    body = response.content.decode()
    assert "乙街道人士" not in body
    other = logs["district_on_b"].pk
    assert client.get(reverse("admin:registry_accesslog_change", args=[other])).status_code == 404


def test_street_admin_sees_the_same_rows_on_the_access_log_page(client, street_admin, logs):
    client.force_login(street_admin)
    response = client.get(reverse("registry:accesslog_list"))
    assert response.status_code == 200
    assert _visible(logs, response.context["page"].objects) == {"own", "staff_a", "district_on_a"}
    assert "区里核对乙" not in response.content.decode()


def test_district_admin_and_superuser_see_every_row(client, district_admin, superuser, logs):
    for user in (district_admin, superuser):
        client.force_login(user)
        response = client.get(reverse("admin:registry_accesslog_changelist"))
        assert _visible(logs, response.context["cl"].queryset) == set(logs)


def test_street_staff_see_their_own_rows_and_their_street(street_a_user, street_b_user, logs):
    assert _visible(logs, AccessLog.objects.visible_to(street_b_user)) == {"district_on_b", "staff_b"}

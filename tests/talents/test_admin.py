"""The admin goes through the same rules: new records get their first status change, actions use the status service,
the nomination rule holds, inlines stay in scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from talents.models import Attendance, Nomination, Representative, StatusChange
from tests.factories import EvaluationFactory, MembershipFactory, ServiceGroupFactory, TrainingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def this_year() -> int:
    return timezone.localdate().year


def test_adding_in_the_admin_writes_the_first_status_change(client, tree, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("admin:talents_representative_add"),
        {
            "name": "后台新增",
            "gender": "female",
            "ethnicity": "01",
            "birth_date": "1990-01-01",
            "political_affiliation": "masses",
            "stratum": "social_org",
            "region": tree["community_a1"].pk,
            **{
                f"{prefix}-{key}": value
                for prefix in ("status_changes", "evaluations", "nominations", "memberships")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Representative.objects.get(name="后台新增")
    change = StatusChange.objects.get(representative=person)
    assert (change.to_status, change.changed_by) == ("candidate", district_admin)


def test_admin_actions_change_status_through_the_service(client, tree, district_admin, person_a):
    membership = MembershipFactory(representative=person_a, group=ServiceGroupFactory(region=tree["district"]))
    client.force_login(district_admin)
    response = client.post(
        reverse("admin:talents_representative_changelist"),
        {"action": "mark_withdrawn_keep", "_selected_action": [person_a.pk]},
    )
    assert response.status_code == 302
    person_a.refresh_from_db()
    membership.refresh_from_db()
    assert person_a.status == "withdrawn" and membership.left_on == timezone.localdate()
    assert StatusChange.objects.get(representative=person_a).note == "管理后台批量变更"


def test_admin_nomination_keeps_the_rule(client, district_admin, person_a):
    client.force_login(district_admin)
    data = {"representative": person_a.pk, "kind": "npc", "level": "district", "year": this_year()}
    data["outcome"] = "pending"
    response = client.post(reverse("admin:talents_nomination_add"), data)
    assert response.status_code == 200 and "推荐使用须有" in response.content.decode()
    assert not Nomination.objects.exists()
    EvaluationFactory(representative=person_a, year=this_year())
    assert client.post(reverse("admin:talents_nomination_add"), data).status_code == 302


def test_admin_inlines_list_only_the_users_scope(client, tree, person_a, person_b):
    from tests.factories import UserFactory

    staff = UserFactory(username="street_a_admin", region=tree["street_a"], is_staff=True, role="区级管理员")
    training = TrainingFactory(region=tree["street_a"], held_on=datetime.date(2025, 5, 1))
    Attendance.objects.create(training=training, representative=person_a)
    Attendance.objects.create(training=training, representative=person_b)
    client.force_login(staff)
    body = client.get(reverse("admin:talents_training_change", args=[training.pk])).content.decode()
    assert "张建国" in body and "李秀英" not in body

"""Pool pages: query counts pinned, filters, forms, overview, dashboard panel, API filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from talents.models import Attendance, Evaluation, Membership, Representative
from tests.factories import (
    EvaluationFactory,
    MembershipFactory,
    NominationFactory,
    RepresentativeFactory,
    ServiceGroupFactory,
    SpecialtyFactory,
    TrainingFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def today():
    return timezone.localdate()


@pytest.fixture
def many_people(tree):
    law = SpecialtyFactory(name="法律")
    group = ServiceGroupFactory(name="法律服务组", region=tree["district"])
    training = TrainingFactory(region=tree["district"], held_on=today())
    people = []
    for index in range(60):
        person = RepresentativeFactory(
            name=f"测试人员{index:02d}",
            region=tree["community_a1" if index % 2 else "community_a2"],
            birth_date=datetime.date(1960 + index // 2, 1, 1),
            political_affiliation="jiusan" if index % 5 == 0 else "masses",
        )
        person.specialties.add(law)
        EvaluationFactory(representative=person, year=today().year - 1)
        MembershipFactory(representative=person, group=group)
        Attendance.objects.create(training=training, representative=person)
        people.append(person)
    return people


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries), response


def names(response):
    return [row["object"].name for row in response.context["rows"]]


def test_list_query_count_does_not_grow_with_rows(client, street_a_user, many_people):
    client.force_login(street_a_user)
    url = reverse("talents:representative_list")
    few, response_few = count_queries(client, url, {"q": "测试人员0"})
    many, response_many = count_queries(client, url)
    assert len(response_few.context["rows"]) == 10 and len(response_many.context["rows"]) == 50
    assert few <= many <= 18  # a page with a next page also counts (capped)


def test_detail_query_count_is_bounded(client, street_a_user, many_people, django_assert_max_num_queries):
    person = many_people[0]
    for year in (today().year - 3, today().year - 2):
        EvaluationFactory(representative=person, year=year)
    NominationFactory(representative=person, outcome="elected", year=today().year - 1)
    for _ in range(5):
        Attendance.objects.create(training=TrainingFactory(region=person.region), representative=person)
    client.force_login(street_a_user)
    # 25: three are the activities app's sections (its rows, its hours by year; the 志愿服务记录证明), whatever
    # the number of rows
    with django_assert_max_num_queries(25):
        response = client.get(reverse("talents:representative_detail", args=[person.pk]))
    assert response.status_code == 200


def test_other_pages_have_bounded_queries(client, street_a_user, many_people, django_assert_max_num_queries):
    client.force_login(street_a_user)
    for name in ("evaluation_list", "nomination_list", "training_list", "servicegroup_list", "duplicates"):
        with django_assert_max_num_queries(18):
            assert client.get(reverse(f"talents:{name}")).status_code == 200, name
    with django_assert_max_num_queries(28):  # one aggregate per breakdown, whatever the number of people
        assert client.get(reverse("talents:overview")).status_code == 200
    group = many_people[0].memberships.get().group
    training = many_people[0].trainings.get()
    for url in (
        reverse("talents:servicegroup_detail", args=[group.pk]),
        reverse("talents:training_detail", args=[training.pk]),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_filters(client, tree, street_a_user, many_people):
    client.force_login(street_a_user)
    url = reverse("talents:representative_list")
    group = many_people[0].memberships.get().group
    law = many_people[0].specialties.get()
    assert client.get(url, {"political_affiliation": "democratic"}).context["page"].count == 12
    assert client.get(url, {"political_affiliation": "jiusan"}).context["page"].count == 12
    assert client.get(url, {"region": tree["community_a1"].pk}).context["page"].count == 30
    assert client.get(url, {"service_group": group.pk}).context["page"].count == 60
    assert client.get(url, {"specialty": law.pk}).context["page"].count == 60
    # born 1960–1989: at most one band boundary away from the computed age
    bands = {
        band: client.get(url, {"age_band": band}).context["page"].count
        for band in ("under35", "35to45", "45to55", "over55")
    }
    assert sum(bands.values()) == 60 and bands["under35"] == 0 and bands["over55"] > 0
    assert client.get(url, {"status": "candidate"}).context["page"].count == 0
    assert client.get(url, {"level": "district"}).context["page"].count == 60
    assert client.get(url, {"q": "csry"}).context["page"].count == 60  # pinyin initials
    assert names(client.get(url, {"q": "测试人员05"})) == ["测试人员05"]
    assert client.get(url, {"sort": "-birth_date"}).context["rows"][0]["object"].name == "测试人员59"


def test_create_pages_for_each_record(client, tree, street_a_user):
    client.force_login(street_a_user)
    response = client.post(
        reverse("talents:representative_create"),
        {
            "name": "王芳",
            "gender": "female",
            "ethnicity": "01",
            "birth_date": "1988-08-08",
            "mobile": "13600001111",
            "political_affiliation": "cdl",
            "stratum": "social_org",
            "region": tree["community_a1"].pk,
            "status": "admitted",
            "level": "district",
        },
    )
    assert response.status_code == 302
    person = Representative.objects.get(name="王芳")
    assert (person.status, person.level) == ("admitted", "district")
    assert person.status_changes.get().changed_by == street_a_user
    group = ServiceGroupFactory(region=tree["district"])
    training = TrainingFactory(region=tree["district"])
    for name, data in (
        (
            "evaluation",
            {
                "representative": person.pk,
                "year": today().year - 1,
                "political_stance": 25,
                "deliberation": 22,
                "social_influence": 23,
                "duty_performance": 24,
                "evaluator": "区委统战部",
            },
        ),
        ("membership", {"group": group.pk, "representative": person.pk, "role": "member", "joined_on": today()}),
        ("attendance", {"training": training.pk, "representative": person.pk}),
        (
            "nomination",
            {
                "representative": person.pk,
                "kind": "cppcc",
                "level": "district",
                "year": today().year,
                "outcome": "pending",
            },
        ),
    ):
        assert client.get(reverse(f"talents:{name}_create"), {"representative": person.pk}).status_code == 200
        response = client.post(reverse(f"talents:{name}_create"), data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        assert response.url == reverse("talents:representative_detail", args=[person.pk])
    evaluation = Evaluation.objects.get(representative=person)
    assert (evaluation.total, evaluation.get_grade_display()) == (94, "优秀")  # grade from the total when left blank
    page = client.get(reverse("talents:representative_detail", args=[person.pk])).content.decode()
    for expected in ("综合评价", "94", "优秀", "参加培训", group.name, "政协委员", "入库（区级）"):
        assert expected in page


def test_training_form_sets_attendees_of_the_users_scope(client, tree, street_a_user):
    people = [RepresentativeFactory(region=tree["community_a1"]) for _ in range(3)]
    client.force_login(street_a_user)
    response = client.post(
        reverse("talents:training_create"),
        {
            "title": "街道培训",
            "held_on": today().isoformat(),
            "organizer": "民治街道统战办",
            "hours": "3",
            "region": tree["street_a"].pk,
            "attendees": [people[0].pk, people[1].pk],
        },
    )
    assert response.status_code == 302
    training = people[0].trainings.get()
    assert set(training.attendees.all()) == {people[0], people[1]}
    detail = client.get(reverse("talents:training_detail", args=[training.pk])).content.decode()
    assert people[0].name in detail and people[2].name not in detail


def test_overview_and_dashboard_panel(client, tree, street_a_user, many_people):
    RepresentativeFactory(region=tree["community_a1"], status="candidate", level="")
    RepresentativeFactory(region=tree["community_b1"])  # another street: not counted for street A
    client.force_login(street_a_user)
    response = client.get(reverse("talents:overview"))
    stats = response.context["stats"]
    assert stats["status_count"]["admitted"] == 60 and stats["status_count"]["candidate"] == 1
    assert stats["trainings"] == 1 and stats["attendance"] == 60
    assert {row["label"]: row["count"] for row in stats["by_group"]}["法律服务组"] == 60
    body = response.content.decode()
    assert 'data-chart="chart-status"' in body and "目标≥3期" in body
    dashboard = client.get(reverse("registry:dashboard")).content.decode()
    assert 'data-testid="panel-talents"' in dashboard and "重点联系对象" in dashboard


def test_api_filters_like_the_page(client, street_a_user, many_people):
    client.force_login(street_a_user)
    api = client.get("/api/v1/talents/representatives/", {"political_affiliation": "democratic", "sort": "name"}).json()
    assert api["count"] == 12 and api["results"][0]["political_affiliation_display"] == "九三学社"
    detail = client.get(f"/api/v1/talents/representatives/{many_people[0].pk}/").json()
    assert detail["current_roles"] == []
    changes = client.get("/api/v1/talents/status-changes/", {"representative": many_people[0].pk}).json()
    assert changes["count"] == 0
    members = client.get("/api/v1/talents/memberships/", {"representative": many_people[0].pk}).json()
    assert members["count"] == 1
    assert client.get("/api/v1/talents/specialties/").status_code == 200


def test_merged_records_cannot_be_edited(client, tree, district_admin):
    kept = RepresentativeFactory(region=tree["community_a1"])
    merged = RepresentativeFactory(region=tree["community_a1"], merged_into=kept)
    client.force_login(district_admin)
    assert client.get(reverse("talents:representative_update", args=[merged.pk])).status_code == 404
    page = client.get(reverse("talents:representative_detail", args=[merged.pk])).content.decode()
    assert "本记录已合并到" in page and reverse("talents:representative_update", args=[merged.pk]) not in page
    assert Membership.objects.count() == 0


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("district_admin", 200), ("street_a_user", 200), ("analyst", 403), ("viewer", 403)],
)
def test_status_page_needs_change_permission(request, client, tree, role_fixture, expected):
    person = RepresentativeFactory(name="代表A", region=tree["community_a1"])
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("talents:representative_status", args=[person.pk])).status_code == expected


def test_delete_through_the_page(client, tree, district_admin):
    person = RepresentativeFactory(name="待删除", region=tree["community_a1"])
    client.force_login(district_admin)
    response = client.post(reverse("talents:representative_delete", args=[person.pk]))
    assert response.status_code == 302 and response.url == reverse("talents:representative_list")
    assert not Representative.objects.filter(pk=person.pk).exists()

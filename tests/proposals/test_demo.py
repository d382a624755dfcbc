"""The tracked items' demo: the 居家养老 consultation's 15 assigned 建言 and the 30 社情民意 in 12 categories, on the
list page, in its export and in the 承办单位办理情况 table; the demo contact's login; built once only."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from proposals import demo
from proposals.models import Consultation, ItemEvent, Opinion, OpinionCategory, Proposal, TrackedItem
from registry import demo as registry_demo
from registry.models import Region, User
from tests.factories import LiaisonFactory, RepresentativeFactory, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(db):
    registry_demo.build_regions()
    registry_demo.build_accounts()
    communities = list(Region.objects.filter(level="community").order_by("code")[:10])
    for number in range(60):
        RepresentativeFactory(
            region=communities[number % 10],
            id_number=valid_id_number("19800101", number + 1),
            status="admitted" if number % 4 else "key_contact",
        )
    for number in range(10):
        LiaisonFactory(region=communities[number])
    demo.build_proposals()
    return Consultation.objects.get(topic=demo.CONSULTATION_TOPIC)


def _export_rows(client, url, params) -> int:
    response = client.get(url, params)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.worksheets[0].max_row - 1


def test_fifteen_of_the_consultations_proposals_are_assigned_everywhere_they_are_counted(client, built):
    client.force_login(User.objects.get(username="quadmin"))
    params = {"consultation": built.pk, "assigned": "true"}
    assert Proposal.objects.filter(consultation=built).count() == 25
    assert client.get(reverse("proposals:proposal_list"), params).context["page"].count == 15
    assert _export_rows(client, reverse("proposals:proposal_export"), params) == 15
    figures = client.get("/proposals/departments/figures/", {"consultation": built.pk})
    assert figures.context["table"]["total"][0]["value"] == 15
    assert sum(row["cells"][0]["value"] for row in figures.context["table"]["rows"]) == 15
    # the rest: not adopted with a reason, or waiting
    others = Proposal.objects.filter(consultation=built, lead_department__isnull=True)
    assert sorted(others.values_list("state", flat=True)) == ["accepted"] * 2 + ["not_adopted"] * 6 + ["submitted"] * 2
    assert all(item.screening_note for item in others.filter(state="not_adopted"))
    # at various stages: concluded 满意 and 基本满意, one reopened after 不满意, at least two overdue today
    assigned = Proposal.objects.filter(consultation=built, lead_department__isnull=False)
    assert assigned.filter(state="concluded", verdict="satisfied").count() == 3
    assert assigned.filter(state="concluded", verdict="basically").count() == 2
    assert assigned.filter(round=2, state="handling", verdict="unsatisfied").count() == 1
    assert Proposal.objects.overdue().filter(consultation=built).count() >= 2
    overdue = client.get(reverse("proposals:proposal_list"), {**params, "overdue": "true"}).context["page"].count
    assert overdue == Proposal.objects.overdue().filter(consultation=built).count()


def test_thirty_opinions_in_twelve_categories_on_the_list_and_the_export(client, built):
    client.force_login(User.objects.get(username="quadmin"))
    assert OpinionCategory.objects.count() == 12
    assert client.get(reverse("proposals:opinioncategory_list")).context["page"].count == 12
    assert client.get(reverse("proposals:opinion_list")).context["page"].count == 30
    assert _export_rows(client, reverse("proposals:opinion_export"), {}) == 30
    assert Opinion.objects.values("category").distinct().count() == 12
    assert client.get(reverse("proposals:opinion_list"), {"adopted": "true"}).context["page"].count >= 5
    assert Opinion.objects.exclude(instruction_level="").count() >= 3


def test_the_demo_contact_logs_in_and_sees_their_units_items(client, built):
    contact = User.objects.get(username=demo.CONTACT_USERNAME)
    assert contact.check_password(registry_demo.DEMO_PASSWORD)
    client.force_login(contact)
    assert contact.departments.get().name == "区民政局"
    response = client.get("/")
    assert response.status_code == 200
    todos = {item["label"]: item["count"] for p in response.context["panels"] for item in p.get("todo_items") or []}
    assert todos["建言待签收"] >= 1 and todos["建言已逾期"] >= 1
    listed = client.get(reverse("proposals:proposal_list")).context["page"].count
    assert listed == Proposal.objects.filter(lead_department__name="区民政局").count()
    logins = registry_demo.credentials_table()
    assert "minzheng" in logins and "区民政局（承办单位）" in logins


def test_meetings_with_attendance_and_decisions_and_every_step_dated_in_order(built):
    from proposals.models import Meeting

    meetings = Meeting.objects.order_by("held_on")
    assert meetings.count() == 3
    assert all(meeting.attendees.exists() and meeting.decisions.exists() for meeting in meetings)
    for item in TrackedItem.objects.all():
        moments = list(ItemEvent.objects.filter(item=item).order_by("pk").values_list("at", flat=True))
        assert moments == sorted(moments), item


def test_building_again_adds_nothing(built):
    counts = (TrackedItem.objects.count(), ItemEvent.objects.count(), User.objects.count())
    demo.build_proposals()
    assert (TrackedItem.objects.count(), ItemEvent.objects.count(), User.objects.count()) == counts

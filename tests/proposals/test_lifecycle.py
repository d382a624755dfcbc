"""One life cycle for 建言, 社情民意 and 议定事项: each legal step logged, each illegal one refused, logged nowhere."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from proposals.models import ItemEvent, Opinion, Proposal, TrackedItem
from tests.factories import (
    DecisionFactory,
    DepartmentFactory,
    MeetingFactory,
    OpinionFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


def _step(client, item, name, **data):
    return client.post(reverse("proposals:item_transition", args=[item.pk, name]), data)


def _states(item):
    return list(ItemEvent.objects.filter(item=item).order_by("at", "pk").values_list("action", "to_state"))


def test_a_proposal_from_submission_to_conclusion_with_a_reopening(client, tree, district_admin, contact, department):
    client.force_login(district_admin)
    response = client.post(
        reverse("proposals:proposal_create"),
        {
            "title": "关于增设社区长者饭堂的建议",
            "content": "每个社区设一处长者饭堂。",
            "region": tree["district"].pk,
            "submitted_on": "2026-05-21",
        },
    )
    item = Proposal.objects.get()
    assert response.status_code == 302 and item.state == "submitted" and item.kind == "proposal"
    due = timezone.localdate() + datetime.timedelta(days=30)
    assert _step(client, item, "screen_in").status_code == 302
    assert _step(client, item, "assign", department=department.pk, due_date=due.isoformat()).status_code == 302

    client.force_login(contact)
    page = client.get(reverse("proposals:proposal_detail", args=[item.pk]))
    assert page.status_code == 200 and "签收" in page.content.decode()
    for name, data in [("sign", {}), ("start", {}), ("answer", {"answer": "已在12个社区试点长者饭堂。"})]:
        assert _step(client, item, name, **data).status_code == 302, name

    client.force_login(district_admin)
    new_due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    assert _step(client, item, "unsatisfied", remark="仅试点，未覆盖全区。", due_date=new_due).status_code == 302
    item.refresh_from_db()
    assert item.state == "handling" and item.round == 2 and item.verdict == "unsatisfied"
    assert item.state_display == "办理中（第2轮）"

    client.force_login(contact)
    assert _step(client, item, "answer", answer="年内覆盖全区56个社区。").status_code == 302
    client.force_login(district_admin)
    assert _step(client, item, "satisfied").status_code == 302
    item.refresh_from_db()
    assert item.state == "concluded" and item.verdict == "satisfied" and item.concluded_on == timezone.localdate()
    assert _states(item) == [
        ("submit", "submitted"),
        ("screen_in", "accepted"),
        ("assign", "assigned"),
        ("sign", "signed"),
        ("start", "handling"),
        ("answer", "answered"),
        ("unsatisfied", "handling"),
        ("answer", "answered"),
        ("satisfied", "concluded"),
    ]
    events = ItemEvent.objects.filter(item=item)
    assert set(events.values_list("actor__username", flat=True)) == {"district_admin", "minzheng"}
    assert events.get(action="unsatisfied").remark == "仅试点，未覆盖全区。"


@pytest.mark.parametrize("name", ["satisfied", "sign", "answer", "conclude", "assign"])
def test_an_illegal_step_is_refused_in_chinese_and_changes_nothing(client, tree, district_admin, department, name):
    item = ProposalFactory(region=tree["district"])
    before = (item.state, item.version, ItemEvent.objects.count())
    client.force_login(district_admin)
    response = client.post(
        f"/api/v1/proposals/proposals/{item.pk}/transition/",
        {"name": name, "answer": "x", "department": department.pk, "due_date": "2099-01-01"},
        content_type="application/json",
    )
    assert response.status_code in (400, 403)
    body = response.content.decode()
    assert "不能" in body or "没有" in body or "只有" in body
    item.refresh_from_db()
    assert (item.state, item.version, ItemEvent.objects.count()) == before


def test_concluding_an_item_never_assigned_says_why(client, tree, district_admin):
    item = OpinionFactory(region=tree["district"])
    client.force_login(district_admin)
    response = _step(client, item, "conclude")
    assert response.status_code == 400
    assert "当前状态为“已提交”，不能办结（办结只适用于已答复的事项）" in response.content.decode()
    assert not ItemEvent.objects.filter(item=item).exists() and Opinion.objects.get().state == "submitted"


def test_assigning_needs_a_department_and_a_deadline_not_in_the_past(client, tree, district_admin, department):
    item = ProposalFactory(region=tree["district"], state="accepted")
    client.force_login(district_admin)
    body = _step(client, item, "assign").content.decode()
    assert "请选择主办单位。" in body and "请填写办理期限。" in body
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = _step(client, item, "assign", department=department.pk, due_date=past)
    assert response.status_code == 400 and "办理期限不能早于今天" in response.content.decode()
    assert TrackedItem.objects.get().state == "accepted"


def test_the_contact_sees_only_what_was_assigned_to_their_unit(client, tree, district_admin, contact, department):
    other_unit = DepartmentFactory(name="区住建局")
    due = timezone.localdate() + datetime.timedelta(days=10)
    mine = ProposalFactory(region=tree["street_a"], state="assigned", lead_department=department, due_date=due)
    theirs = ProposalFactory(region=tree["street_a"], state="assigned", lead_department=other_unit, due_date=due)
    waiting = ProposalFactory(region=tree["street_a"], state="accepted")
    client.force_login(contact)
    listed = client.get(reverse("proposals:proposal_list")).context["rows"]
    assert [row["object"].pk for row in listed] == [mine.pk]
    for item in (theirs, waiting):
        assert client.get(reverse("proposals:proposal_detail", args=[item.pk])).status_code == 404
        assert client.get(f"/api/v1/proposals/proposals/{item.pk}/").status_code == 404
        assert _step(client, item, "sign").status_code == 404
    assert client.get("/api/v1/proposals/proposals/").json()["count"] == 1
    assert client.get(reverse("proposals:proposal_export")).status_code in (200, 403)
    # nothing else in the registry
    assert client.get(reverse("organizations:organization_list")).status_code == 403
    assert client.get("/api/v1/talents/representatives/").status_code == 403
    # and the contact cannot do the office's part (筛选、交办、评价)
    assert _step(client, mine, "withdraw", remark="x").status_code == 403


def test_street_staff_cannot_sign_for_a_department(client, tree, street_a_user, department):
    item = ProposalFactory(
        region=tree["street_a"],
        state="assigned",
        lead_department=department,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    client.force_login(street_a_user)
    assert _step(client, item, "sign").status_code == 403
    assert TrackedItem.objects.get().state == "assigned"


@pytest.mark.dates
def test_an_item_past_its_deadline_is_overdue_the_next_local_day(client, tree, district_admin, contact, department):
    with time_machine.travel(datetime.datetime(2027, 3, 10, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        item = DecisionFactory(region=tree["district"], meeting=MeetingFactory(region=tree["district"]))
        client.force_login(district_admin)
        assert _step(client, item, "assign", department=department.pk, due_date="2027-03-31").status_code == 302
        listed = client.get(reverse("proposals:decision_list"), {"overdue": "true"}).context["rows"]
        assert listed == []
    # 23:59 on the deadline day, Shanghai: still on time; 00:01 the next day: overdue
    zone = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(2027, 3, 31, 23, 59, tzinfo=zone), tick=False):
        assert not TrackedItem.objects.overdue().exists()
        assert TrackedItem.objects.due_within(7).filter(pk=item.pk).exists()
    with time_machine.travel(datetime.datetime(2027, 4, 1, 0, 1, tzinfo=zone), tick=False):
        item.refresh_from_db()
        assert item.is_overdue
        client.force_login(district_admin)
        listed = client.get(reverse("proposals:decision_list"), {"overdue": "true"}).context["rows"]
        assert [row["object"].pk for row in listed] == [item.pk]
        assert "已逾期" in client.get(reverse("proposals:decision_detail", args=[item.pk])).content.decode()


def test_a_decision_starts_waiting_for_assignment_and_an_opinion_reads_resolved(
    client, tree, district_admin, contact, department
):
    client.force_login(district_admin)
    meeting = MeetingFactory(region=tree["district"])
    response = client.post(
        reverse("proposals:decision_create"),
        {
            "title": "建立社会组织党建指导员名册",
            "content": "民政局牵头。",
            "meeting": meeting.pk,
            "region": tree["district"].pk,
            "submitted_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert TrackedItem.objects.get(title="建立社会组织党建指导员名册").state == "accepted"
    opinion = OpinionFactory(
        region=tree["district"],
        state="answered",
        lead_department=department,
        answer="已处理",
        due_date=timezone.localdate(),
    )
    assert _step(client, opinion, "conclude").status_code == 302
    opinion.refresh_from_db()
    assert opinion.state_display == "已解决"
    # 满意/不满意 belong to 建言 only
    assert _step(client, ProposalFactory(region=tree["district"]), "conclude").status_code == 400

"""The pages of tracked items as their users read them: a consultation with its 建言, a meeting with its 议定事项,
an item as a case file (its kind's facts, its deadline, its answer, its log), the transition form, the lists'
state badges; and a 承办单位联络人 who reaches nothing but their own unit's items, on any path."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals import lifecycle
from proposals.forms import DEFAULT_DAYS_TO_ANSWER
from proposals.models import Proposal
from tests.factories import (
    ConsultationFactory,
    DecisionFactory,
    DepartmentFactory,
    MeetingFactory,
    OpinionFactory,
    ProposalFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db


def _due(days=30):
    return timezone.localdate() + datetime.timedelta(days=days)


def _assigned(user, item, department, days=30):
    lifecycle.transition(user=user, item=item, name="screen_in")
    return lifecycle.transition(user=user, item=item, name="assign", department=department, due_date=_due(days))


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---- 专题协商会 and 联席会议 ----
def test_a_consultation_page_lists_its_participants_and_proposals_and_adds_one_preset(
    client, tree, district_admin, street_a_user
):
    consultation = ConsultationFactory(topic="居家养老专题协商会", region=tree["street_a"])
    mine = RepresentativeFactory(name="林晓红", region=tree["street_a"])
    elsewhere = RepresentativeFactory(name="周建国", region=tree["street_b"])
    consultation.participants.set([mine, elsewhere])
    ProposalFactory(title="关于增设长者饭堂的建议", region=tree["street_a"], consultation=consultation)
    ProposalFactory(
        title="另一场协商会的建言", region=tree["district"], consultation=ConsultationFactory(region=tree["district"])
    )

    client.force_login(district_admin)
    response = client.get(reverse("proposals:consultation_detail", args=[consultation.pk]))
    body = _body(response)
    sections = {section["testid"]: section for section in response.context["sections"]}
    assert [row["object"].title for row in sections["consultation-proposals"]["rows"]] == ["关于增设长者饭堂的建议"]
    assert {row["object"].name for row in sections["consultation-participants"]["rows"]} == {"林晓红", "周建国"}
    add_url = sections["consultation-proposals"]["add_url"]
    assert add_url.startswith(reverse("proposals:proposal_create")) and "添加建言" in body

    # the form opens with the consultation (and its region) chosen
    form = client.get(add_url).context["form"]
    assert str(form["consultation"].value()) == str(consultation.pk)
    assert str(form["region"].value()) == str(tree["street_a"].pk)

    # a street sees only its own people among the participants (a guest from another street is not theirs to open)
    client.force_login(street_a_user)
    sections = {
        s["testid"]: s
        for s in client.get(reverse("proposals:consultation_detail", args=[consultation.pk])).context["sections"]
    }
    assert [row["object"].name for row in sections["consultation-participants"]["rows"]] == ["林晓红"]


def test_a_meeting_page_lists_its_attendees_and_decisions_and_adds_one_preset(client, tree, district_admin, viewer):
    meeting = MeetingFactory(title="联席会议第一次全体会议", region=tree["district"])
    meeting.attendees.set([DepartmentFactory(name="区民政局"), DepartmentFactory(name="区住建局")])
    DecisionFactory(title="建立党建指导员名册", region=tree["district"], meeting=meeting)

    client.force_login(district_admin)
    response = client.get(reverse("proposals:meeting_detail", args=[meeting.pk]))
    body = _body(response)
    sections = {section["testid"]: section for section in response.context["sections"]}
    assert [row["object"].title for row in sections["meeting-decisions"]["rows"]] == ["建立党建指导员名册"]
    assert {row["object"].name for row in sections["meeting-attendees"]["rows"]} == {"区民政局", "区住建局"}
    assert "添加议定事项" in body
    form = client.get(sections["meeting-decisions"]["add_url"]).context["form"]
    assert str(form["meeting"].value()) == str(meeting.pk)

    # a read-only account sees the meeting but is offered no 添加
    client.force_login(viewer)
    response = client.get(reverse("proposals:meeting_detail", args=[meeting.pk]))
    assert "添加议定事项" not in _body(response)
    assert {s["testid"]: s for s in response.context["sections"]}["meeting-decisions"]["add_url"] is None


# ---- an item's page ----
def _labels(response) -> list[str]:
    return [row["label"] for row in response.context["field_rows"]]


def test_each_kind_shows_its_own_facts(client, tree, district_admin):
    consultation = ConsultationFactory(topic="居家养老专题协商会", region=tree["district"])
    proposal = ProposalFactory(region=tree["district"], consultation=consultation)
    proposal.proposers.set([RepresentativeFactory(name="林晓红", region=tree["street_a"])])
    opinion = OpinionFactory(
        region=tree["district"], reporter=RepresentativeFactory(name="黄丽", region=tree["street_a"])
    )
    decision = DecisionFactory(
        region=tree["district"], meeting=MeetingFactory(title="第一次全体会议", region=tree["district"])
    )
    client.force_login(district_admin)

    response = client.get(reverse("proposals:proposal_detail", args=[proposal.pk]))
    assert _labels(response) == ["专题协商会", "建言人", "所属区域", "提交日期"]
    body = _body(response)
    assert "林晓红" in body and "采用情况" not in body and "联席会议" not in _labels(response)
    # the consultation it came from, one click away
    assert reverse("proposals:consultation_detail", args=[consultation.pk]) in body

    response = client.get(reverse("proposals:opinion_detail", args=[opinion.pk]))
    assert _labels(response) == ["类别", "反映人", "采用情况", "领导批示", "所属区域", "提交日期"]
    assert "黄丽" in _body(response) and "建言人" not in _body(response)

    response = client.get(reverse("proposals:decision_detail", args=[decision.pk]))
    assert _labels(response) == ["会议", "所属区域", "提交日期"]
    assert reverse("proposals:meeting_detail", args=[decision.meeting.pk]) in _body(response)


def test_an_items_page_reads_as_a_case_file(client, tree, district_admin, contact, department):
    item = ProposalFactory(title="关于增设长者饭堂的建议", region=tree["district"], content="每个社区设一处。")
    lifecycle.record_submission(user=district_admin, item=item)
    _assigned(district_admin, item, department, days=10)
    lifecycle.transition(user=contact, item=item, name="sign")
    lifecycle.transition(user=contact, item=item, name="answer", answer="已在12个社区试点长者饭堂。")
    client.force_login(district_admin)
    response = client.get(reverse("proposals:proposal_detail", args=[item.pk]))
    body = _body(response)
    # the answer is on top, the next steps are the verdicts, the log names every step and who took it
    assert 'data-testid="item-answer"' in body and "已在12个社区试点长者饭堂。" in body
    assert [t.name for t in response.context["transitions"]] == ["satisfied", "basically", "unsatisfied"]
    timeline = response.context["timeline"]
    assert [(step["label"], step["actor"]) for step in timeline] == [
        ("录入", district_admin.display_name),
        ("筛选：采纳并待交办", district_admin.display_name),
        ("交办", district_admin.display_name),
        ("签收", contact.display_name),
        ("答复", contact.display_name),
    ]
    assert timeline[2]["department"] == "区民政局" and timeline[2]["due_date"] == _due(10).isoformat()
    handling = {row["label"]: row["text"] for row in response.context["handling_rows"]}
    assert handling["主办单位"] == "区民政局" and handling["签收日期"] == timezone.localdate().isoformat()
    # once screened an item cannot be deleted, so the page does not offer it; editing stays
    assert response.context["delete_url"] is None and "bi-trash" not in body and "bi-pencil" in body
    assert 'id="history"' in body


def test_a_held_item_shows_its_deadline_and_the_overdue_badge(client, tree, district_admin, department):
    item = _assigned(district_admin, ProposalFactory(region=tree["district"]), department, days=3)
    client.force_login(district_admin)
    body = _body(client.get(reverse("proposals:proposal_detail", args=[item.pk])))
    assert "还剩 3 天" in body and 'data-testid="overdue"' not in body
    Proposal.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    body = _body(client.get(reverse("proposals:proposal_detail", args=[item.pk])))
    assert 'data-testid="overdue"' in body and "已逾期 2 天" in body


def test_the_contact_sees_no_edit_or_delete_and_only_their_steps(client, tree, district_admin, contact, department):
    item = _assigned(district_admin, ProposalFactory(region=tree["district"]), department)
    client.force_login(contact)
    response = client.get(reverse("proposals:proposal_detail", args=[item.pk]))
    body = _body(response)
    assert [t.name for t in response.context["transitions"]] == ["sign"]
    assert "bi-pencil" not in body and "bi-trash" not in body
    # the log tells them what happened; the keepers' edit history (names, addresses) is not theirs
    assert 'data-testid="item-timeline"' in body and 'id="history"' not in body
    assert reverse("proposals:proposal_update", args=[item.pk]) not in body
    assert client.get(reverse("proposals:proposal_update", args=[item.pk])).status_code == 403


# ---- the transition form ----
@pytest.mark.dates
def test_the_assign_form_offers_pickers_and_a_deadline_a_month_ahead(client, tree, district_admin, department):
    item = ProposalFactory(region=tree["district"], state="accepted")
    client.force_login(district_admin)
    response = client.get(reverse("proposals:item_transition", args=[item.pk, "assign"]))
    body = _body(response)
    form = response.context["form"]
    assert list(form.fields) == ["department", "co_departments", "due_date", "remark"]
    assert "data-picker" in str(form["department"]) and "data-picker" in str(form["co_departments"])
    expected = timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS_TO_ANSWER)
    assert f'value="{expected.isoformat()}"' in str(form["due_date"])
    assert "tom-select" in body and "区民政局" in body


def test_the_verdict_form_shows_the_answer_it_judges(client, tree, district_admin, contact, department):
    item = _assigned(district_admin, ProposalFactory(region=tree["district"]), department)
    lifecycle.transition(user=contact, item=item, name="sign")
    lifecycle.transition(user=contact, item=item, name="answer", answer="年内覆盖全区。")
    client.force_login(district_admin)
    response = client.get(reverse("proposals:item_transition", args=[item.pk, "unsatisfied"]))
    assert "年内覆盖全区。" in _body(response) and list(response.context["form"].fields) == ["due_date", "remark"]


# ---- the lists ----
def test_the_list_shows_states_as_badges_and_marks_overdue_rows(client, tree, district_admin, department):
    waiting = ProposalFactory(title="待筛选的建言", region=tree["district"])
    late = _assigned(district_admin, ProposalFactory(title="逾期的建言", region=tree["district"]), department)
    Proposal.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(district_admin)
    response = client.get(reverse("proposals:proposal_list"))
    body = _body(response)
    rows = {row["object"].pk: row for row in response.context["rows"]}
    state = {pk: next(c for c in row["cells"] if c["column"].key == "state") for pk, row in rows.items()}
    assert (state[waiting.pk]["text"], state[waiting.pk]["badge"]) == ("已提交", "secondary")
    assert (state[late.pk]["text"], state[late.pk]["badge"]) == ("已交办·已逾期", "danger")
    assert rows[late.pk]["css"] == "row-overdue" and rows[waiting.pk]["css"] == ""
    assert '<tr class="row-overdue">' in body and '<span class="badge text-bg-danger">已交办·已逾期</span>' in body
    assert "cards-on-phone" in body


# ---- a contact reaches only their unit's items, on every path ----
def _sheet_titles(response) -> list[str]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True)) if "标题" in row)
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[header_row].index("标题")
    return [row[column] for row in rows[header_row + 1 :] if row[column]]


def test_a_contact_gets_404_for_another_units_item_everywhere_and_exports_only_their_own(
    client, tree, district_admin, contact, department
):
    mine = _assigned(district_admin, ProposalFactory(title="交给民政局的建言", region=tree["street_a"]), department)
    other_unit = DepartmentFactory(name="区住建局")
    theirs = _assigned(district_admin, ProposalFactory(title="交给住建局的建言", region=tree["street_a"]), other_unit)
    not_yet = ProposalFactory(title="尚未交办的建言", region=tree["street_a"])
    client.force_login(contact)
    for item in (theirs, not_yet):
        assert client.get(reverse("proposals:proposal_detail", args=[item.pk])).status_code == 404
        assert client.get(f"/api/v1/proposals/proposals/{item.pk}/").status_code == 404
        transition_url = reverse("proposals:item_transition", args=[item.pk, "sign"])
        assert client.get(transition_url).status_code == 404
        assert client.post(transition_url).status_code == 404
    assert client.get(reverse("proposals:proposal_detail", args=[mine.pk])).status_code == 200
    assert _sheet_titles(client.get(reverse("proposals:proposal_export"))) == ["交给民政局的建言"]
    assert theirs.__class__.objects.get(pk=theirs.pk).state == "assigned"


# ---- the pages stay fast ----
def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_consultation_and_meeting_pages_do_not_query_per_row(client, tree, district_admin):
    consultation = ConsultationFactory(region=tree["district"])
    meeting = MeetingFactory(region=tree["district"])

    def grow(count):
        for _ in range(count):
            person = RepresentativeFactory(region=tree["street_a"])
            consultation.participants.add(person)
            ProposalFactory(region=tree["district"], consultation=consultation).proposers.set([person])
            DecisionFactory(region=tree["district"], meeting=meeting)
            meeting.attendees.add(DepartmentFactory())

    client.force_login(district_admin)
    urls = [
        reverse("proposals:consultation_detail", args=[consultation.pk]),
        reverse("proposals:meeting_detail", args=[meeting.pk]),
    ]
    grow(2)
    for url in urls:
        client.get(url)  # warm the caches
    before = [_query_count(client, url) for url in urls]
    grow(4)
    assert [_query_count(client, url) for url in urls] == before

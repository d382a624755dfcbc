"""督办: the 工作台 lines a unit's contact and the office's staff act on, and the 承办单位办理情况 table —
every figure the count of the list it links to, overdue from the day after the deadline (Shanghai)."""

import contextlib
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals import lifecycle
from proposals.catalog import DEPARTMENT_CONTACT
from registry.navigation import menu_for
from tests.factories import (
    ConsultationFactory,
    DecisionFactory,
    DepartmentFactory,
    MeetingFactory,
    OpinionFactory,
    ProposalFactory,
    UserFactory,
)
from tests.registry.figures import assert_each_figure_matches_its_list

pytestmark = pytest.mark.django_db

ZONE = timezone.get_current_timezone()
# a fixed working day: deadlines are set from it, then the clock moves past them
MONDAY = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=ZONE)


@contextlib.contextmanager
def at(day: datetime.date, hour=10, minute=0, *, client=None, user=None):
    """The clock on ``day`` (Shanghai), with ``user`` logged in then: a session does not outlive a jump in time."""
    moment = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)
    with time_machine.travel(moment, tick=False):
        if client is not None:
            client.force_login(user)
        yield


@pytest.fixture
def units(department):
    department.sort_order = 10
    department.save()
    return {
        "minzheng": department,
        "zhujian": DepartmentFactory(name="区住房建设局", is_conference_member=True, sort_order=20),
        "idle": DepartmentFactory(name="区妇联", sort_order=30),
    }


def _drive(item, admin, contact, *steps, due_days=10, department=None):
    """Move ``item`` through ``steps`` with the real life cycle, as the office and the unit's contact."""
    for name in steps:
        facts = {}
        if name == "assign":
            facts = {"department": department, "due_date": timezone.localdate() + datetime.timedelta(days=due_days)}
        elif name == "answer":
            facts = {"answer": "已办理。"}
        elif name in ("unsatisfied", "reopen"):
            facts = {"remark": "未解决。", "due_date": timezone.localdate() + datetime.timedelta(days=due_days)}
        actor = contact if lifecycle.BY_NAME[name].actor == lifecycle.DEPARTMENT else admin
        item = lifecycle.transition(user=actor, item=item, name=name, **facts)
    return item


@pytest.fixture
def world(tree, district_admin, contact, units):
    """On 1 March 2027: items of both units at every stage; the contact of 民政局 signs and answers for it."""
    minzheng, zhujian = units["minzheng"], units["zhujian"]
    zhujian_contact = UserFactory(username="zhujian", region=None, role=DEPARTMENT_CONTACT)
    zhujian.contacts.add(zhujian_contact)
    consultation = ConsultationFactory(region=tree["district"], held_on=datetime.date(2027, 2, 20))
    items = {}
    with time_machine.travel(MONDAY, tick=False):

        def proposal(key, *steps, unit=minzheng, who=contact, region=tree["street_a"], **options):
            item = ProposalFactory(region=region, consultation=consultation, submitted_on=datetime.date(2027, 2, 21))
            items[key] = _drive(item, district_admin, who, *steps, department=unit, **options)

        proposal("waiting")
        proposal("accepted", "screen_in")
        proposal("to_sign", "screen_in", "assign", due_days=20)
        proposal("due_in_3", "screen_in", "assign", "sign", due_days=3)
        proposal("handling", "screen_in", "assign", "sign", "start", due_days=30)
        proposal("answered", "screen_in", "assign", "sign", "answer")
        proposal("satisfied", "screen_in", "assign", "sign", "answer", "satisfied")
        proposal("reopened", "screen_in", "assign", "sign", "answer", "unsatisfied", due_days=5)
        proposal("other_unit", "screen_in", "assign", "sign", unit=zhujian, who=zhujian_contact, due_days=2)
        proposal("street_b", "screen_in", "assign", region=tree["street_b"], due_days=2)
        items["opinion"] = _drive(
            OpinionFactory(region=tree["district"], submitted_on=datetime.date(2027, 2, 22)),
            district_admin,
            contact,
            "screen_in",
            "assign",
            "sign",
            "answer",
            department=minzheng,
        )
        meeting = MeetingFactory(region=tree["district"], held_on=datetime.date(2027, 2, 25))
        items["decision"] = _drive(
            DecisionFactory(region=tree["district"], meeting=meeting, submitted_on=datetime.date(2027, 2, 25)),
            district_admin,
            contact,
            "assign",
            department=minzheng,
            due_days=1,
        )
    return items


def _todos(client) -> dict[str, tuple[int, str]]:
    response = client.get("/")
    assert response.status_code == 200
    panel = next(p for p in response.context["panels"] if p["key"] == "todo")
    return {item["label"]: (item["count"], item["url"]) for item in panel["todo_items"]}


def _list_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filterset"].error_messages, url
    return response.context["page"].count


def _each_todo_opens_its_rows(client, todos):
    assert todos
    for label, (count, url) in todos.items():
        assert _list_count(client, url) == count, label


@pytest.mark.dates
def test_the_contact_sees_what_their_unit_must_do_and_the_overdue_the_day_after_the_deadline(client, world, contact):
    with at(MONDAY.date() + datetime.timedelta(days=1), client=client, user=contact):
        todos = _todos(client)
        # 民政局 signs for two 建言 (one of street B's) and a 议定事项; due within 7 days: three 建言 (on the
        # 3rd, the 4th and the reopened one on the 6th) and the 议定事项 (today)
        assert {label: count for label, (count, _) in todos.items()} == {
            "建言待签收": 2,
            "议定事项待签收": 1,
            "建言7天内到期": 3,
            "议定事项7天内到期": 1,
        }
        _each_todo_opens_its_rows(client, todos)
    # the 议定事项 was due on 2 March: overdue from 00:00 on the 3rd, Shanghai; the 建言 due on the 4th, from the 5th
    with at(datetime.date(2027, 3, 2), 23, 59, client=client, user=contact):
        assert "议定事项已逾期" not in _todos(client)
    with at(datetime.date(2027, 3, 3), 0, 1, client=client, user=contact):
        todos = _todos(client)
        assert todos["议定事项已逾期"][0] == 1 and "建言已逾期" not in todos
        _each_todo_opens_its_rows(client, todos)
    with at(datetime.date(2027, 3, 5), client=client, user=contact):
        todos = _todos(client)
        assert todos["建言已逾期"][0] == 2  # street B's (due the 3rd) and due_in_3 (the 4th); not the reopened one
        _each_todo_opens_its_rows(client, todos)


def test_the_contact_opens_the_dashboard_and_the_menu_names_only_the_items(client, world, contact):
    client.force_login(contact)
    response = client.get("/")
    assert response.status_code == 200
    keys = [panel["key"] for panel in response.context["panels"]]
    assert keys == ["todo"]  # no scope panel linking to the regions they may not open
    menu = {section["label"]: [item.label for item in section["items"]] for section in menu_for(contact)}
    # nothing else of the registry: not even the import log, as they may import nothing
    assert menu == {"建言与督办": ["建言", "社情民意", "议定事项"]}
    assert client.get(reverse("proposals:department_figures")).status_code == 403


@pytest.mark.dates
def test_the_office_sees_what_waits_for_it_in_its_scope(client, world, district_admin, street_a_user):
    # 4 March: street B's 建言 and the 议定事项 are overdue
    with at(MONDAY.date() + datetime.timedelta(days=3), client=client, user=district_admin):
        todos = _todos(client)
        counts = {label: count for label, (count, _) in todos.items()}
        assert counts["建言待筛选"] == 1
        assert counts["建言待交办"] == 1
        assert counts["建言已答复待评价"] == 1
        assert counts["社情民意已答复待办结"] == 1
        assert counts["建言已逾期（督办）"] == 2  # other_unit (due the 3rd) and street B's (due the 3rd)
        assert counts["议定事项已逾期（督办）"] == 1
        assert not any("待签收" in label for label in counts)  # signing is the unit's part
        _each_todo_opens_its_rows(client, todos)
        # a street's staff: only their street's items (street B's overdue 建言 is not theirs)
        client.force_login(street_a_user)
        todos = _todos(client)
        assert todos["建言已逾期（督办）"][0] == 1
        _each_todo_opens_its_rows(client, todos)


# ---- 承办单位办理情况 ----
FIGURES_URL = "/proposals/departments/figures/"


def _row(response, name):
    return next(row for row in response.context["table"]["rows"] if row["department"].name == name)


def _values(cells):
    return [cell["value"] for cell in cells]


@pytest.mark.dates
def test_each_department_figure_is_the_count_of_the_list_it_opens(client, world, district_admin):
    with at(datetime.date(2027, 3, 4), client=client, user=district_admin):
        response = client.get(FIGURES_URL, {"year": 2027})
        assert response.status_code == 200
        assert response.context["table"]["headers"] == [
            "承办单位",
            "交办",
            "已签收",
            "已答复",
            "已办结",
            "当前逾期",
            "满意",
            "基本满意",
            "不满意（重新办理）",
            "平均答复天数",
        ]
        # 民政局's 建言: to_sign, due_in_3, handling, answered, satisfied, reopened, street_b (assigned, not signed,
        # overdue since the 3rd)
        assert _values(_row(response, "区民政局")["cells"]) == [7, 5, 2, 1, 1, 1, 0, 1, 0]
        assert _values(_row(response, "区住房建设局")["cells"]) == [1, 1, 0, 0, 1, 0, 0, 0, None]
        assert _values(_row(response, "区妇联")["cells"]) == [0, 0, 0, 0, 0, 0, 0, 0, None]
        assert _values(response.context["table"]["total"]) == [8, 6, 2, 1, 2, 1, 0, 1, 0]
        assert_each_figure_matches_its_list(client, f"{FIGURES_URL}?year=2027", at_least=27)
        for kind in ("opinion", "decision"):
            assert_each_figure_matches_its_list(client, f"{FIGURES_URL}?kind={kind}&year=2027", at_least=15)
        everything = client.get(FIGURES_URL, {"kind": "all"})
        assert _values(everything.context["table"]["total"])[:5] == [10, 7, 3, 1, 3]


def test_average_days_from_assignment_to_answer(client, tree, district_admin, contact, units):
    consultation = ConsultationFactory(region=tree["district"])
    item = ProposalFactory(region=tree["district"], consultation=consultation)
    with time_machine.travel(MONDAY, tick=False):
        _drive(item, district_admin, contact, "screen_in", "assign", "sign", department=units["minzheng"])
    with at(MONDAY.date() + datetime.timedelta(days=9)):
        _drive(item, district_admin, contact, "answer")
    other = ProposalFactory(region=tree["district"], consultation=consultation)
    with time_machine.travel(MONDAY, tick=False):
        _drive(other, district_admin, contact, "screen_in", "assign", "sign", department=units["minzheng"])
    with at(MONDAY.date() + datetime.timedelta(days=4)):
        _drive(other, district_admin, contact, "answer")
    client.force_login(district_admin)
    response = client.get(FIGURES_URL, {"consultation": consultation.pk})
    assert str(_row(response, "区民政局")["cells"][-1]["value"]) == "6.5"
    api = client.get("/api/v1/proposals/department-figures/", {"consultation": consultation.pk}).json()
    row = next(r for r in api["results"] if r["name"] == "区民政局")
    assert row["answer_days"] == "6.5" and row["answered"] == 2 and api["total"]["answered"] == 2


@pytest.mark.dates
def test_the_export_and_the_api_give_the_page_numbers(client, world, district_admin):
    with at(datetime.date(2027, 3, 4), client=client, user=district_admin):
        page = client.get(FIGURES_URL, {"year": 2027})
        response = client.get(reverse("proposals:department_figures_export"), {"year": 2027})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["承办单位办理情况（建言）"]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == page.context["table"]["headers"]
        exported = {row[0]: list(row[1:]) for row in rows[1:]}
        assert exported["区民政局"] == [7, 5, 2, 1, 1, 1, 0, 1, 0]
        assert exported["区住房建设局"] == [1, 1, 0, 0, 1, 0, 0, 0, None]
        api = client.get("/api/v1/proposals/department-figures/", {"year": 2027}).json()
        assert api["kind"] == "proposal"
        by_name = {row["name"]: row for row in api["results"]}
        assert by_name["区民政局"]["assigned"] == 7 and by_name["区民政局"]["overdue"] == 1
        assert by_name["区住房建设局"]["overdue"] == 1 and api["total"]["assigned"] == 8


def test_bad_filters_say_why_and_change_nothing(client, world, district_admin, viewer):
    client.force_login(district_admin)
    response = client.get(FIGURES_URL, {"year": "二〇二七"})
    assert response.status_code == 200 and "table" not in response.context
    assert "年度：请填写四位数字的年份" in response.content.decode()
    assert "不是有效的选项" in client.get(FIGURES_URL, {"kind": "petition"}).content.decode()
    export = client.get(reverse("proposals:department_figures_export"), {"year": "x"})
    assert export.status_code == 302
    api = client.get("/api/v1/proposals/department-figures/", {"kind": "petition"})
    assert api.status_code == 400 and "kind" in api.json()
    assert client.get("/api/v1/proposals/department-figures/", {"year": "x"}).status_code == 400
    client.force_login(viewer)  # reads the table, may not export it
    assert client.get(FIGURES_URL).status_code == 200
    assert client.get(reverse("proposals:department_figures_export")).status_code == 403


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


def test_the_table_costs_the_same_queries_for_3_and_12_departments(client, tree, district_admin, contact, units):
    client.force_login(district_admin)
    due = timezone.localdate() + datetime.timedelta(days=5)

    def add_units(count):
        for _ in range(count):
            unit = DepartmentFactory()
            for state in ("assigned", "answered", "concluded"):
                ProposalFactory(region=tree["district"], state=state, lead_department=unit, due_date=due)

    urls = [FIGURES_URL, f"{FIGURES_URL}?kind=all", reverse("proposals:department_figures_export")]
    urls.append("/api/v1/proposals/department-figures/")
    for url in urls:
        client.get(url)  # warm the session and permission caches
    at_3 = [_query_count(client, url) for url in urls]
    add_units(9)
    assert [_query_count(client, url) for url in urls] == at_3

"""活动 through the real stack: its rules as a street worker meets them on the page and in the API, 登记参与人员
(several at once, all or nothing), and the activities shown on a person's and an organization's page."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from activities.models import Activity, Participation
from tests.factories import (
    ActivityFactory,
    OrganizationFactory,
    ParticipationFactory,
    RepresentativeFactory,
    last_year,
    local_datetime,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/activities/activities/"
PARTICIPATIONS_API = "/api/v1/activities/participations/"


def _form(tree, **changes) -> dict:
    """What the activity form posts: a volunteer activity last March in street A, with its counted figures."""
    data = {
        "title": "关爱长者志愿服务",
        "kind": "volunteer",
        "party_day_kind": "",
        "status": "held",
        "start_at": f"{last_year()}-03-12T09:00",
        "end_at": f"{last_year()}-03-12T11:30",
        "place": "民治社区党群服务中心",
        "region": tree["street_a"].pk,
        "headcount": 12,
        "service_hours": "30",
        "beneficiaries": 80,
        "donation_amount": "1500.00",
        "goods_value": "800.00",
        "description": "",
    }
    data.update(changes)
    return data


def _api(tree, **changes) -> dict:
    data = _form(tree, **changes)
    data["start_at"] = f"{data['start_at']}:00+08:00"
    data["end_at"] = f"{data['end_at']}:00+08:00"
    return data


def _errors(response, field) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


# ---- the activity's own rules ----
@pytest.mark.dates
def test_a_street_worker_records_an_activity_on_the_page_and_through_the_api(client_a, tree):
    response = client_a.post(reverse("activities:activity_create"), _form(tree))
    activity = Activity.objects.get(title="关爱长者志愿服务")
    assert response.status_code == 302 and response.url == reverse("activities:activity_detail", args=[activity.pk])
    assert activity.local_start_date == datetime.date(last_year(), 3, 12)
    assert (activity.headcount, activity.service_hours, activity.goods_value) == (12, Decimal("30"), Decimal("800"))

    api = client_a.post(API, _api(tree, title="防汛值守"), content_type="application/json")
    assert api.status_code == 201, api.content.decode()
    assert api.json()["region_name"].endswith("民治街道")
    assert Activity.objects.filter(title="防汛值守", region=tree["street_a"]).exists()


def test_an_end_before_the_start_is_refused_on_the_end_time(client_a, tree):
    response = client_a.post(reverse("activities:activity_create"), _form(tree, end_at=f"{last_year()}-03-12T08:00"))
    assert response.status_code == 400
    assert "结束时间不能早于开始时间" in _errors(response, "end_at")
    api = client_a.post(API, _api(tree, end_at=f"{last_year()}-03-12T08:00"), content_type="application/json")
    assert api.status_code == 400 and "结束时间不能早于开始时间" in str(api.json()["end_at"])
    assert not Activity.objects.exists()


def test_an_activity_in_the_future_cannot_be_marked_held(client_a, tree):
    with time_machine.travel(datetime.datetime(2026, 5, 10, 8, 0, tzinfo=datetime.UTC), tick=False):
        tomorrow = _form(tree, start_at="2026-05-11T09:00", end_at="2026-05-11T11:00")
        response = client_a.post(reverse("activities:activity_create"), tomorrow)
        assert response.status_code == 400 and "活动尚未开始" in _errors(response, "status")
        planned = client_a.post(reverse("activities:activity_create"), {**tomorrow, "status": "planned"})
    assert planned.status_code == 302
    assert list(Activity.objects.values_list("status", flat=True)) == ["planned"]


def test_a_negative_donation_is_refused_in_chinese(client_a, tree):
    response = client_a.post(reverse("activities:activity_create"), _form(tree, donation_amount="-5"))
    assert response.status_code == 400 and "不能为负数" in _errors(response, "donation_amount")
    api = client_a.post(API, _api(tree, donation_amount="-5"), content_type="application/json")
    # the API's own range check speaks Chinese on the same field
    assert api.status_code == 400 and "大于或者等于 0" in str(api.json()["donation_amount"])
    assert not Activity.objects.exists()


def test_a_party_day_kind_belongs_to_a_party_day_only(client_a, tree):
    response = client_a.post(reverse("activities:activity_create"), _form(tree, party_day_kind="charity"))
    assert response.status_code == 400 and "只有“主题党日”" in _errors(response, "party_day_kind")
    party_day = client_a.post(
        reverse("activities:activity_create"), _form(tree, kind="party_day", party_day_kind="charity")
    )
    assert party_day.status_code == 302
    assert Activity.objects.get().kind_display == "主题党日·聚善日"


def test_the_form_groups_the_counted_figures_and_hides_the_party_day_kind_by_script(client_a, tree):
    body = client_a.get(reverse("activities:activity_create")).content.decode()
    counted = body.split('data-testid="fieldset-统计数字"')[1]
    assert 'name="headcount"' in counted and 'name="goods_value"' in counted and 'name="title"' not in counted
    assert 'type="datetime-local"' in body
    assert 'data-show-when-field="kind"' in body and "js/show_when.js" in body


# ---- participants and the counted figures ----
@pytest.fixture
def held_activity(tree):
    """2½ hours in street A last March, counted for 3 人次 and 6 hours."""
    start = local_datetime(last_year(), 3, 12, 9)
    return ActivityFactory(
        region=tree["street_a"],
        start_at=start,
        end_at=start + datetime.timedelta(hours=2, minutes=30),
        headcount=3,
        service_hours=6,
    )


def test_a_participant_with_hours_over_the_duration_is_refused_on_the_hours(client_a, held_activity):
    response = client_a.post(
        reverse("activities:participation_create"),
        {"activity": held_activity.pk, "name": "王芳", "role": "volunteer", "hours": "3"},
    )
    assert response.status_code == 400 and "超过活动时长（2.5小时" in _errors(response, "hours")
    assert not Participation.objects.exists()


def test_a_named_participant_beyond_the_headcount_is_refused(client_a, held_activity):
    for name in ("甲", "乙", "丙"):
        ParticipationFactory(activity=held_activity, name=name, hours=1)
    data = {"activity": held_activity.pk, "name": "丁", "role": "volunteer", "hours": "1"}
    response = client_a.post(reverse("activities:participation_create"), data)
    assert response.status_code == 400 and "参与人次为3" in _errors(response, "activity")
    api = client_a.post(PARTICIPATIONS_API, data, content_type="application/json")
    assert api.status_code == 400 and "参与人次为3" in api.content.decode()
    assert held_activity.participations.count() == 3


def test_lowering_the_headcount_below_the_named_is_refused_on_the_headcount(client_a, tree, held_activity):
    ParticipationFactory(activity=held_activity, name="甲", hours=1)
    ParticipationFactory(activity=held_activity, name="乙", hours=1)
    data = _form(tree, headcount=1, service_hours="6", start_at=f"{last_year()}-03-12T09:00")
    data["end_at"] = f"{last_year()}-03-12T11:30"
    data["version"] = held_activity.version
    response = client_a.post(reverse("activities:activity_update", args=[held_activity.pk]), data)
    assert response.status_code == 400
    assert "参与人次（1）少于已具名登记的参与人员（2人）" in _errors(response, "headcount")
    held_activity.refresh_from_db()
    assert held_activity.headcount == 3


# ---- who sees and who keeps an activity ----
def test_another_streets_activity_is_a_404_but_a_co_organized_district_one_is_seen_not_edited(
    client_a, tree, held_activity
):
    elsewhere = ActivityFactory(region=tree["street_b"], title="观澜的活动")
    own_organization = OrganizationFactory(region=tree["community_a1"])
    district = ActivityFactory(region=tree["district"], title="全区联谊会", organizations=[own_organization])
    for name in ("activity_detail", "activity_update"):
        assert client_a.get(reverse(f"activities:{name}", args=[elsewhere.pk])).status_code == 404
    assert client_a.get(f"{API}{elsewhere.pk}/").status_code == 404
    assert client_a.get(reverse("activities:participants_add", args=[elsewhere.pk])).status_code == 404

    page = client_a.get(reverse("activities:activity_detail", args=[district.pk]))
    assert page.status_code == 200 and "全区联谊会" in page.content.decode()
    assert client_a.get(reverse("activities:activity_update", args=[district.pk])).status_code == 404
    assert client_a.get(reverse("activities:participants_add", args=[district.pk])).status_code == 404
    patch = client_a.patch(f"{API}{district.pk}/", {"title": "改名"}, content_type="application/json")
    assert patch.status_code == 404
    district.refresh_from_db()
    assert district.title == "全区联谊会"
    # the page offers no 登记 on an activity the street does not keep
    assert reverse("activities:participants_add", args=[district.pk]) not in page.content.decode()


# ---- 登记参与人员: several at once, all or nothing ----
def test_several_participants_are_recorded_at_once(client_a, tree, held_activity):
    first = RepresentativeFactory(name="李华", region=tree["community_a1"])
    second = RepresentativeFactory(name="陈静", region=tree["community_a2"])
    url = reverse("activities:participants_add", args=[held_activity.pk])
    detail = client_a.get(reverse("activities:activity_detail", args=[held_activity.pk])).content.decode()
    assert url in detail
    form = client_a.get(url)
    assert form.status_code == 200 and "李华" in form.content.decode()
    response = client_a.post(
        url, {"representatives": [first.pk, second.pk], "outside_names": "王芳\n", "role": "volunteer", "hours": "2"}
    )
    assert response.status_code == 302 and response.url == reverse(
        "activities:activity_detail", args=[held_activity.pk]
    )
    saved = held_activity.participations.order_by("name")
    assert sorted(p.display_name for p in saved) == ["李华", "王芳", "陈静"]
    assert {p.hours for p in saved} == {Decimal("2")}
    assert sorted(p.representative_id or 0 for p in saved) == [0, first.pk, second.pk]


def test_a_row_that_breaks_a_rule_names_the_person_and_saves_nobody(client_a, tree, held_activity):
    ParticipationFactory(activity=held_activity, name="甲", hours=1)
    person = RepresentativeFactory(name="李华", region=tree["community_a1"])
    url = reverse("activities:participants_add", args=[held_activity.pk])
    # 3 人次 with 甲 already named: 李华 and 王芳 fit, 赵强 does not
    response = client_a.post(
        url, {"representatives": [person.pk], "outside_names": "王芳\n赵强", "role": "volunteer", "hours": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    refused = body.split('data-testid="refused-rows"')[1].split("</div>")[0]
    assert "赵强" in refused and "参与人次为3" in refused and "李华" not in refused
    assert list(held_activity.participations.values_list("name", flat=True)) == ["甲"]

    # hours over the 2.5-hour activity: every row is named
    over = client_a.post(
        url, {"representatives": [person.pk], "outside_names": "王芳", "hours": "3", "role": "volunteer"}
    )
    refused = over.content.decode().split('data-testid="refused-rows"')[1].split("</div>")[0]
    assert over.status_code == 400 and "李华" in refused and "王芳" in refused and "超过活动时长" in refused
    assert held_activity.participations.count() == 1


def test_the_sum_of_hours_over_the_service_hours_is_refused(client_a, held_activity):
    url = reverse("activities:participants_add", args=[held_activity.pk])
    # 6 hours counted: 2.5 + 2.5 fit, the third would make 7.5
    response = client_a.post(url, {"outside_names": "甲\n乙\n丙", "role": "volunteer", "hours": "2.5"})
    refused = response.content.decode().split('data-testid="refused-rows"')[1].split("</div>")[0]
    assert response.status_code == 400 and "丙" in refused and "超过活动登记的服务时长（6" in refused
    assert not held_activity.participations.exists()


def test_an_empty_or_bad_batch_is_a_clear_message(client_a, held_activity):
    url = reverse("activities:participants_add", args=[held_activity.pk])
    empty = client_a.post(url, {"outside_names": "  \n", "role": "volunteer", "hours": "1"})
    assert empty.status_code == 400 and "请至少选择一名库内人员或填写一名库外人员" in empty.content.decode()
    twice = client_a.post(url, {"outside_names": "王芳\n王芳", "role": "volunteer", "hours": "1"})
    assert twice.status_code == 400 and "姓名重复填写：王芳" in twice.content.decode()
    negative = client_a.post(url, {"outside_names": "王芳", "role": "volunteer", "hours": "-1"})
    assert negative.status_code == 400 and "时长不能为负数" in negative.content.decode()
    assert not held_activity.participations.exists()


# ---- the activities on a person's and an organization's page ----
def test_a_persons_page_lists_their_activities_and_hours_by_year(client_a, tree):
    person = RepresentativeFactory(name="李华", region=tree["community_a1"])
    year = last_year()
    for month, hours in ((3, 2), (5, Decimal("1.5"))):
        activity = ActivityFactory(
            region=tree["street_a"], start_at=local_datetime(year, month, 1), title=f"{month}月服务"
        )
        ParticipationFactory(activity=activity, representative=person, hours=hours, role="organizer")
    earlier = ActivityFactory(region=tree["street_b"], start_at=local_datetime(year - 1, 12, 31, 23), title="跨年守岁")
    ParticipationFactory(activity=earlier, representative=person, hours=1)
    response = client_a.get(reverse("talents:representative_detail", args=[person.pk]))
    body = response.content.decode()
    block = body.split('data-testid="person-activities"')[1].split('class="card mb-3"')[0]
    assert "志愿服务与活动" in block
    # 23:00 on 31 December, Shanghai time, belongs to that year
    assert f"{year}年 3.5小时（2次）" in block and f"{year - 1}年 1小时（1次）" in block
    assert block.index("5月服务") < block.index("3月服务") < block.index("跨年守岁")
    assert "组织者" in block and reverse("activities:activity_detail", args=[earlier.pk]) in block


def test_an_organizations_page_lists_its_activities_and_totals_by_year(client_a, tree):
    organization = OrganizationFactory(region=tree["community_a1"])
    year = last_year()
    for day in (1, 2):
        ActivityFactory(
            region=tree["street_a"],
            organizations=[organization],
            start_at=local_datetime(year, 4, day),
            donation_amount=Decimal("100.50"),
        )
    ActivityFactory(
        region=tree["street_a"], organizations=[organization], status="cancelled", start_at=local_datetime(year, 6, 1)
    )
    ActivityFactory(region=tree["street_a"], title="别的组织的活动")
    body = client_a.get(reverse("organizations:organization_detail", args=[organization.pk])).content.decode()
    block = body.split('data-testid="organization-activities"')[1].split('class="card mb-3"')[0]
    assert "组织的活动" in block and "别的组织的活动" not in block
    totals = block.split('data-testid="years-table"')[1]
    row = totals.split(f"{year}年</a>")[1].split("</tr>")[0]
    # two held activities of 20 人次, 60 hours, 100 受益人次 each; the cancelled one is listed but not counted
    cells = [cell.split(">")[1] for cell in row.split("<td")[1:]]
    assert [c.split("<")[0] for c in cells] == ["2", "40", "120", "200", "201.00", "0.00"]
    assert f"organization={organization.pk}&amp;year={year}&amp;status=held" in totals
    listed = client_a.get(
        reverse("activities:activity_list"), {"organization": organization.pk, "year": year, "status": "held"}
    )
    assert listed.context["page"].count == 2


def test_an_organizations_page_shows_the_latest_twenty_and_links_to_all(client_a, tree):
    organization = OrganizationFactory(region=tree["community_a1"])
    for day in range(1, 23):
        ActivityFactory(
            region=tree["street_a"], organizations=[organization], start_at=local_datetime(last_year(), 1, day)
        )
    body = client_a.get(reverse("organizations:organization_detail", args=[organization.pk])).content.decode()
    block = body.split('data-testid="organization-activities"')[1]
    assert (
        block.count(f"{last_year()}-01-") == 20
        and f"{last_year()}-01-22" in block
        and f"{last_year()}-01-02" not in block
    )
    assert f'href="/activities/?organization={organization.pk}" data-testid="section-more">查看全部（22）' in block


def test_the_sections_show_only_what_the_user_may_see(client, tree, street_b_user):
    organization = OrganizationFactory(region=tree["community_b1"])
    person = RepresentativeFactory(region=tree["community_b1"])
    hidden = ActivityFactory(region=tree["street_a"], title="民治内部活动")
    shown = ActivityFactory(region=tree["street_b"], title="观澜活动", organizations=[organization])
    ParticipationFactory(activity=shown, representative=person)
    client.force_login(street_b_user)
    # street A's activity: neither the person nor the organization of street B took part in it
    for url in (
        reverse("talents:representative_detail", args=[person.pk]),
        reverse("organizations:organization_detail", args=[organization.pk]),
    ):
        body = client.get(url).content.decode()
        assert "观澜活动" in body and hidden.title not in body

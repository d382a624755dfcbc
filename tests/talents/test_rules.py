"""The rules the department works by: nominations need the pool and a recent evaluation, dated status history,
withdrawal ends group memberships, one person one record (merge keeps both histories)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from registry.history import history_for
from talents import selectors, services
from talents.models import Attendance, Evaluation, Membership, MergeRecord, Nomination, Representative, StatusChange
from tests.factories import (
    EvaluationFactory,
    MembershipFactory,
    NominationFactory,
    RepresentativeFactory,
    ServiceGroupFactory,
    TrainingFactory,
)

from .conftest import ID_A

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def this_year() -> int:
    return timezone.localdate().year


def nominate(user, person, year=None):
    year = this_year() if year is None else year
    return services.nomination_create(
        user=user, data={"representative": person, "kind": "cppcc", "level": "district", "year": year}
    )


# ---- 推荐使用 ----
def test_nomination_refused_without_a_recent_evaluation(street_a_user, person_a):
    EvaluationFactory(representative=person_a, year=this_year() - 2)  # too old
    with pytest.raises(ValidationError) as info:
        nominate(street_a_user, person_a)
    assert info.value.message_dict["year"] == [
        f"推荐使用须有{this_year() - 1}年或{this_year()}年的综合评价："
        "张建国尚无这两个年度的综合评价，请先完成综合评价。"
    ]
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("years_ago", [0, 1])
def test_nomination_allowed_with_an_evaluation_that_year_or_the_year_before(street_a_user, person_a, years_ago):
    EvaluationFactory(representative=person_a, year=this_year() - years_ago)
    nomination = nominate(street_a_user, person_a)
    assert nomination.pk and nomination.representative == person_a


def test_nomination_refused_for_a_candidate(street_a_user, tree):
    candidate = RepresentativeFactory(name="候选人", region=tree["community_a1"], status="candidate", level="")
    EvaluationFactory(representative=candidate, year=this_year())
    with pytest.raises(ValidationError) as info:
        nominate(street_a_user, candidate)
    assert "只能推荐已入库或重点联系对象" in info.value.message_dict["representative"][0]


def test_nomination_rule_on_the_page_and_the_api(client, street_a_user, person_a):
    client.force_login(street_a_user)
    data = {"representative": person_a.pk, "kind": "npc", "level": "district", "year": this_year()}
    data["outcome"] = "pending"
    response = client.post(reverse("talents:nomination_create"), data)
    assert response.status_code == 400
    assert "推荐使用须有" in response.content.decode()
    api = client.post("/api/v1/talents/nominations/", data, content_type="application/json")
    assert api.status_code == 400 and "推荐使用须有" in str(api.json())
    EvaluationFactory(representative=person_a, year=this_year() - 1)
    assert client.post(reverse("talents:nomination_create"), data).status_code == 302
    assert client.post("/api/v1/talents/nominations/", data, content_type="application/json").status_code == 201


def test_outcome_of_an_old_nomination_can_be_recorded_after_withdrawal(street_a_user, person_a):
    EvaluationFactory(representative=person_a, year=this_year())
    nomination = nominate(street_a_user, person_a)
    services.representative_change_status(user=street_a_user, representative=person_a, to_status="withdrawn")
    services.nomination_update(user=street_a_user, instance=nomination, data={"outcome": "not_elected"})
    nomination.refresh_from_db()
    assert nomination.outcome == "not_elected"


def test_current_public_roles_appear_on_the_person_page(client, street_a_user, person_a):
    today = timezone.localdate()
    NominationFactory(
        representative=person_a,
        kind="npc",
        level="district",
        outcome="elected",
        term_end=today + datetime.timedelta(days=366),
    )
    NominationFactory(
        representative=person_a,
        kind="cppcc",
        level="city",
        outcome="elected",
        term_end=today - datetime.timedelta(days=1),
    )
    NominationFactory(representative=person_a, kind="cppcc", level="district", outcome="pending")
    client.force_login(street_a_user)
    body = client.get(reverse("talents:representative_detail", args=[person_a.pk])).content.decode()
    roles = body.split('data-testid="current-roles"')[1].split("</div>")[0]
    assert "区人大代表" in roles
    assert "市政协委员" not in roles  # the term has ended
    assert "区政协委员" not in roles  # still only recommended


# ---- 入库状态 ----
def test_status_changes_are_dated_and_signed(street_a_user, tree):
    person = services.representative_create(
        user=street_a_user,
        data={
            "name": "新人",
            "region": tree["community_a1"],
            "gender": "male",
            "birth_date": datetime.date(1990, 1, 1),
            "status_date": timezone.localdate() - datetime.timedelta(days=30),
        },
    )
    assert person.status == "candidate"
    today = timezone.localdate()
    services.representative_change_status(
        user=street_a_user,
        representative=person,
        to_status="admitted",
        level="district",
        changed_on=today - datetime.timedelta(days=5),
        note="经综合评价入库",
    )
    services.representative_change_status(user=street_a_user, representative=person, to_status="key_contact")
    person.refresh_from_db()
    assert (person.status, person.level, person.status_date) == ("key_contact", "district", today)
    changes = list(person.status_changes.order_by("changed_on", "pk"))
    assert [(c.from_status, c.to_status, c.level) for c in changes] == [
        ("", "candidate", ""),
        ("candidate", "admitted", "district"),
        ("admitted", "key_contact", "district"),
    ]
    assert all(c.changed_by == street_a_user for c in changes)
    assert changes[1].note == "经综合评价入库" and changes[1].changed_on == today - datetime.timedelta(days=5)
    # the representative's own 变更记录 has the status fields too
    assert any(change["field"] == "入库状态" for event in history_for(person) for change in event["changes"])


def test_status_change_refusals(street_a_user, person_a):
    today = timezone.localdate()
    cases = [
        ({"to_status": "admitted", "level": "district"}, "状态没有变化"),
        ({"to_status": "admitted", "level": ""}, "入库时请选择入库级别"),
        ({"to_status": "withdrawn", "changed_on": today + datetime.timedelta(days=1)}, "不能晚于今天"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as info:
            services.representative_change_status(user=street_a_user, representative=person_a, **kwargs)
        assert message in " ".join(info.value.messages)
    services.representative_change_status(user=street_a_user, representative=person_a, to_status="key_contact")
    with pytest.raises(ValidationError) as info:
        services.representative_change_status(
            user=street_a_user,
            representative=person_a,
            to_status="withdrawn",
            changed_on=today - datetime.timedelta(days=3),
        )
    assert "不能早于上一次状态变更" in info.value.messages[0]


def test_status_page_and_api(client, street_a_user, person_a, person_b):
    client.force_login(street_a_user)
    url = reverse("talents:representative_status", args=[person_a.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(url, {"to_status": "key_contact", "level": "", "changed_on": today, "note": "重点联系"})
    assert response.status_code == 302
    assert StatusChange.objects.filter(representative=person_a, to_status="key_contact", note="重点联系").exists()
    api = client.post(
        f"/api/v1/talents/representatives/{person_a.pk}/status/",
        {"to_status": "withdrawn"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["to_status"] == "withdrawn"
    # another street's person: not found, whichever way
    assert client.get(reverse("talents:representative_status", args=[person_b.pk])).status_code == 404
    other = client.post(
        f"/api/v1/talents/representatives/{person_b.pk}/status/",
        {"to_status": "withdrawn"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_withdrawing_ends_open_memberships_on_that_date(street_a_user, tree, person_a):
    today = timezone.localdate()
    open_one = MembershipFactory(representative=person_a, group=ServiceGroupFactory(region=tree["district"]))
    ended = MembershipFactory(
        representative=person_a,
        group=ServiceGroupFactory(region=tree["district"]),
        left_on=datetime.date(2024, 6, 1),
    )
    services.representative_change_status(
        user=street_a_user,
        representative=person_a,
        to_status="withdrawn",
        changed_on=today - datetime.timedelta(days=2),
    )
    open_one.refresh_from_db()
    ended.refresh_from_db()
    assert open_one.left_on == today - datetime.timedelta(days=2)
    assert "退出代表人士库" in open_one.note
    assert ended.left_on == datetime.date(2024, 6, 1)
    person_a.refresh_from_db()
    with pytest.raises(ValidationError):
        services.membership_create(
            user=street_a_user,
            data={"group": open_one.group, "representative": person_a, "role": "member", "joined_on": today},
        )


def test_attendees_of_other_streets_survive_a_street_edit(street_a_user, tree, person_a, person_b):
    training = TrainingFactory(region=tree["district"])
    Attendance.objects.create(training=training, representative=person_a)
    Attendance.objects.create(training=training, representative=person_b)
    newcomer = RepresentativeFactory(region=tree["community_a2"])
    services.training_set_attendees(user=street_a_user, training=training, representatives=[newcomer])
    assert set(training.attendances.values_list("representative", flat=True)) == {person_b.pk, newcomer.pk}
    with pytest.raises(ValidationError):
        services.training_set_attendees(user=street_a_user, training=training, representatives=[person_b])


def test_street_staff_see_district_groups_but_do_not_edit_them(client, street_a_user, tree):
    group = ServiceGroupFactory(name="法律服务组", region=tree["district"])
    client.force_login(street_a_user)
    assert client.get(reverse("talents:servicegroup_detail", args=[group.pk])).status_code == 200
    response = client.post(
        reverse("talents:servicegroup_update", args=[group.pk]),
        {"name": "改名", "kind": "functional", "region": tree["street_a"].pk},
    )
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "法律服务组"


# ---- 一人一档 ----
@pytest.fixture
def duplicate_pair(tree, person_a):
    """张建国 entered twice in street A: the second without an ID number, with an evaluation, a training,
    a nomination and a group membership of its own, and one evaluation year that clashes."""
    duplicate = RepresentativeFactory(
        name="张建国",
        region=tree["community_a2"],
        id_number="",
        mobile=person_a.mobile,
        birth_date=person_a.birth_date,
        status="candidate",
        level="",
        title="高级社会工作师",
    )
    EvaluationFactory(representative=person_a, year=2024, evaluator="原记录")
    EvaluationFactory(representative=duplicate, year=2024, evaluator="重复记录")
    EvaluationFactory(representative=duplicate, year=2025, evaluator="重复记录")
    training = TrainingFactory(region=tree["district"])
    Attendance.objects.create(training=training, representative=duplicate)
    NominationFactory(representative=duplicate, year=2025, kind="association")
    MembershipFactory(representative=duplicate, group=ServiceGroupFactory(region=tree["district"]))
    duplicate.title = "社会工作师"
    duplicate.save()  # a 变更记录 of its own
    return person_a, duplicate


def test_likely_duplicates_are_listed_within_scope(client, district_admin, street_b_user, duplicate_pair):
    kept, duplicate = duplicate_pair
    pairs = selectors.duplicate_pairs(user=district_admin)
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(kept.pk, duplicate.pk)]
    assert pairs[0].reason == "姓名、手机号相同"
    assert selectors.duplicate_pairs(user=street_b_user) == []
    client.force_login(district_admin)
    body = client.get(reverse("talents:duplicates")).content.decode()
    assert "姓名、手机号相同" in body and "核对并合并" in body


def test_merge_moves_records_and_keeps_both_histories(client, district_admin, duplicate_pair):
    kept, duplicate = duplicate_pair
    client.force_login(district_admin)
    compare = client.get(reverse("talents:merge"), {"first": kept.pk, "second": duplicate.pk})
    assert compare.status_code == 200
    response = client.post(
        reverse("talents:merge"),
        {"first": kept.pk, "second": duplicate.pk, "keep": str(kept.pk), "note": "同一人两次录入"},
    )
    assert response.status_code == 302 and response.url == reverse("talents:representative_detail", args=[kept.pk])
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.merged_into == kept
    record = MergeRecord.objects.get()
    assert (record.kept, record.merged, record.merged_by) == (kept, duplicate, district_admin)
    assert record.moved == {"evaluations": 1, "attendances": 1, "nominations": 1, "memberships": 1}
    assert record.reason == "姓名、手机号相同" and record.note == "同一人两次录入"
    # the clashing 2024 evaluation stays with the duplicate; everything else moved
    assert list(Evaluation.objects.filter(representative=kept).values_list("year", "evaluator")) == [
        (2025, "重复记录"),
        (2024, "原记录"),
    ]
    assert Attendance.objects.filter(representative=kept).count() == 1
    assert Nomination.objects.filter(representative=kept).count() == 1
    assert Membership.objects.filter(representative=kept).count() == 1
    assert kept.title == "社会工作师"  # a blank detail filled from the duplicate
    # one clear 变更记录 entry on each record, and no status rows that change nothing
    assert not kept.status_changes.filter(note__contains="合并").exists()
    assert not duplicate.status_changes.filter(note__contains="合并").exists()
    kept_merges = [row for row in history_for(kept) if row["merge_note"]]
    duplicate_merges = [row for row in history_for(duplicate) if row["merge_note"]]
    assert len(kept_merges) == 1 and len(duplicate_merges) == 1
    assert kept_merges[0]["label"] == "合并" and kept_merges[0]["user"] == district_admin
    assert kept_merges[0]["merge_note"] == f"合并重复记录：并入“{duplicate.name}”（编号{duplicate.pk}）的记录"
    assert [c["field"] for c in kept_merges[0]["changes"]] == ["职称"]  # the blank detail it took over
    assert duplicate_merges[0]["merge_note"].startswith(f"合并重复记录：本记录并入“{kept.name}”（编号{kept.pk}）")
    # the merged record left every list but keeps its page and history
    assert not selectors.representative_list(user=district_admin).filter(pk=duplicate.pk).exists()
    assert selectors.duplicate_pairs(user=district_admin) == []
    page = client.get(reverse("talents:representative_detail", args=[duplicate.pk])).content.decode()
    assert "本记录已合并到" in page and "社会工作师" in page.split('id="history"')[1]
    assert len(history_for(duplicate)) >= 3  # insert, the title change, the merge mark
    assert page.count('data-testid="history-merge"') == 1
    kept_page = client.get(reverse("talents:representative_detail", args=[kept.pk])).content.decode()
    assert 'data-testid="merge-records"' in kept_page and f"编号{duplicate.pk}" in kept_page


def test_merge_passes_the_id_number_to_the_kept_record(district_admin, tree, person_a):
    without_id = RepresentativeFactory(name="张建国", region=tree["community_a1"], id_number="", mobile=person_a.mobile)
    services.representative_merge(user=district_admin, kept=without_id, duplicate=person_a)
    without_id.refresh_from_db()
    assert without_id.id_number == ID_A
    assert Representative.objects.active().filter(id_number=ID_A).count() == 1


def test_merge_needs_delete_permission_and_scope(client, street_a_user, district_admin, duplicate_pair, person_b):
    kept, duplicate = duplicate_pair
    client.force_login(street_a_user)
    assert client.get(reverse("talents:merge"), {"first": kept.pk, "second": duplicate.pk}).status_code == 403
    client.force_login(district_admin)
    with pytest.raises(ValidationError):
        services.representative_merge(user=district_admin, kept=kept, duplicate=kept)


def test_not_the_same_person_leaves_the_list(client, district_admin, duplicate_pair):
    kept, duplicate = duplicate_pair
    client.force_login(district_admin)
    response = client.post(reverse("talents:not_duplicate"), {"first": duplicate.pk, "second": kept.pk})
    assert response.status_code == 302
    assert selectors.duplicate_pairs(user=district_admin) == []

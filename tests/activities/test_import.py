"""Excel import of activities and of their participants, through the pages: upload → preview → commit.

Every file is a real .xlsx built with openpyxl; dates are computed from last_year(), so the tests hold
whatever the day and hour they run at.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Activity, Participation
from registry import importing
from registry.models import ImportStatus
from registry.personal import mask_id_number
from tests.factories import (
    ActivityFactory,
    ActivityThemeFactory,
    OrganizationFactory,
    ParticipationFactory,
    RepresentativeFactory,
    last_year,
    local_datetime,
    valid_credit_code,
    valid_id_number,
)
from tests.importing import commit, counts, headers, problems, upload, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

ACTIVITY = "activities.activity"
PARTICIPATION = "activities.participation"
ID_WANG = valid_id_number("19850302", 122)


def letter(key: str, header: str) -> str:
    return importing.get_column_letter(headers(key).index(header) + 1)


def where(key: str, header: str) -> str:
    """How a problem names its column: "L列（组织单位）"."""
    return f"{letter(key, header)}列（{header}）"


@pytest.fixture
def themes(db):
    return {name: ActivityThemeFactory(name=name) for name in ("疫情防控", "乡村振兴", "社会治理")}


@pytest.fixture
def organizations(tree):
    return {
        "chunhui": OrganizationFactory(
            name="春晖社工服务中心", credit_code=valid_credit_code(11), region=tree["community_a1"]
        ),
        "yiqi": OrganizationFactory(
            name="益启公益服务中心", credit_code=valid_credit_code(12), region=tree["street_a"]
        ),
        "guanlan": OrganizationFactory(
            name="观澜义工联合会", credit_code=valid_credit_code(13), region=tree["community_b1"]
        ),
    }


def activity_row(title: str = "社区义诊", **overrides) -> dict:
    year = last_year()
    row = {
        "活动名称": title,
        "活动类型": "志愿服务",
        "活动主题": "疫情防控",
        "状态": "已开展",
        "开始时间": f"{year}-03-12 09:00",
        "结束时间": f"{year}-03-12 11:30",
        "活动地点": "民治社区党群服务中心",
        "举办区域": "民治街道",
        "服务区域": "民治1社区",
        "组织单位": "春晖社工服务中心",
        "参与人次": 20,
        "服务时长（小时）": 40,
        "受益人次": 150,
        "捐赠金额（元）": 0,
        "物资折价（元）": "1,500.50",
        "活动内容": "为社区老人义诊。",
    }
    row.update(overrides)
    return row


def participant_row(name: str, activity: Activity, **overrides) -> dict:
    row = {
        "活动名称": activity.title,
        "开始时间": f"{timezone.localtime(activity.start_at):%Y-%m-%d %H:%M}",
        "举办区域": activity.region.name,
        "姓名": name,
        "角色": "志愿者",
        "服务时长（小时）": 2,
    }
    row.update(overrides)
    return row


def snapshot() -> dict:
    return {
        "activities": sorted(Activity.objects.values_list("pk", "title", "updated_at")),
        "participants": sorted(Participation.objects.values_list("pk", "name", "hours", "updated_at")),
    }


# ---- the template and the links ------------------------------------------------------------------


def test_the_templates_have_the_chinese_headers_and_dropdowns(client_a, tree, themes):
    response = client_a.get(reverse("registry:import_template", args=[ACTIVITY]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["活动"]
    assert [c.value for c in sheet[1]] == headers(ACTIVITY)
    assert headers(ACTIVITY)[:6] == ["活动名称", "活动类型", "主题党日类型", "活动主题", "状态", "开始时间"]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    kinds = validations[f"{letter(ACTIVITY, '活动类型')}2"]
    assert "主题党日" in kinds and "志愿服务" in kinds
    assert "聚善日" in validations[f"{letter(ACTIVITY, '主题党日类型')}2"]
    assert set(validations[f"{letter(ACTIVITY, '活动主题')}2"].strip('"').split(",")) == set(themes)
    assert set(validations[f"{letter(ACTIVITY, '举办区域')}2"].strip('"').split(",")) == {
        "民治街道",
        "民治1社区",
        "民治2社区",
    }
    instructions = " ".join(str(row[0]) for row in wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    assert "活动名称、开始时间、举办区域" in instructions and "00:00" in instructions

    response = client_a.get(reverse("registry:import_template", args=[PARTICIPATION]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["参与人员"]
    assert [c.value for c in sheet[1]] == headers(PARTICIPATION)
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "志愿者" in validations[f"{letter(PARTICIPATION, '角色')}2"]
    instructions = " ".join(str(row[0]) for row in wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    assert "须是系统中已登记" in instructions  # the activity is only named, never created


@pytest.mark.parametrize(
    ("url_name", "key"),
    [("activities:activity_list", ACTIVITY), ("activities:participation_list", PARTICIPATION)],
)
def test_the_lists_link_to_their_import(client, tree, street_a_user, analyst, url_name, key):
    upload_url = reverse("registry:import_upload", args=[key])
    client.force_login(street_a_user)
    page = client.get(reverse(url_name)).content.decode()
    assert f'href="{upload_url}" data-testid="import-link"' in page
    client.force_login(analyst)  # views and exports, adds nothing
    assert 'data-testid="import-link"' not in client.get(reverse(url_name)).content.decode()
    assert client.get(upload_url).status_code == 403


# ---- 活动 -----------------------------------------------------------------------------------------


def test_a_good_file_creates_activities_with_organizations_themes_and_times(client_a, tree, themes, organizations):
    year = last_year()
    rows = [
        activity_row(),
        activity_row(
            "居民议事日",
            活动类型="主题党日",
            主题党日类型="居民议事日",
            活动主题="社会治理，乡村振兴",
            # an Excel date-time cell, and a plain date meaning 00:00
            开始时间=datetime.datetime(year, 5, 8, 14, 30),
            结束时间=datetime.date(year, 5, 9),
            举办区域="440309002001",
            服务区域="民治1社区、440309002002",
            组织单位=f"{organizations['yiqi'].credit_code}、春晖社工服务中心",
            参与人次=None,
            **{"服务时长（小时）": None, "物资折价（元）": None},
        ),
    ]
    before = snapshot()
    record = upload(client_a, ACTIVITY, xlsx(ACTIVITY, rows))
    assert counts(record) == (2, 0, 0, 0), problems(record)
    assert snapshot() == before  # the preview writes nothing

    record = commit(client_a, record)
    assert record.status == ImportStatus.DONE, record.message
    clinic = Activity.objects.get(title="社区义诊")
    assert (clinic.kind, clinic.status, clinic.region) == ("volunteer", "held", tree["street_a"])
    assert clinic.start_at == local_datetime(year, 3, 12, 9, 0)
    assert clinic.end_at == local_datetime(year, 3, 12, 11, 30)
    assert [o.name for o in clinic.organizations.all()] == ["春晖社工服务中心"]
    assert [t.name for t in clinic.themes.all()] == ["疫情防控"]
    assert list(clinic.covered_regions.all()) == [tree["community_a1"]]
    assert (clinic.headcount, clinic.service_hours, clinic.goods_value) == (20, Decimal("40"), Decimal("1500.50"))

    council = Activity.objects.get(title="居民议事日")
    assert (council.kind, council.party_day_kind, council.region) == ("party_day", "council", tree["community_a1"])
    assert council.start_at == local_datetime(year, 5, 8, 14, 30)
    assert council.end_at == local_datetime(year, 5, 9, 0, 0)
    assert {o.name for o in council.organizations.all()} == {"春晖社工服务中心", "益启公益服务中心"}
    assert {t.name for t in council.themes.all()} == {"社会治理", "乡村振兴"}
    assert set(council.covered_regions.all()) == {tree["community_a1"], tree["community_a2"]}
    assert (council.headcount, council.service_hours, council.goods_value) == (0, Decimal("0"), Decimal("0"))

    # the same file again changes nothing, and there is nothing to confirm
    written = snapshot()
    again = upload(client_a, ACTIVITY, xlsx(ACTIVITY, rows))
    assert counts(again) == (0, 0, 2, 0), problems(again)
    page = client_a.get(reverse("registry:import_record", args=[again.pk])).content.decode()
    assert 'data-testid="commit-button"' not in page
    assert snapshot() == written


def test_a_changed_figure_updates_the_activity_and_blank_keeps_clear_empties(client_a, tree, themes, organizations):
    record = commit(client_a, upload(client_a, ACTIVITY, xlsx(ACTIVITY, [activity_row()])))
    assert record.status == ImportStatus.DONE, record.message
    row = activity_row(参与人次=25, 活动地点=None, 活动主题="（清空）")
    record = upload(client_a, ACTIVITY, xlsx(ACTIVITY, [row]))
    assert counts(record) == (0, 1, 0, 0), problems(record)
    changed = {change["field"] for change in record.result["updates"][0]["changes"]}
    assert changed == {"参与人次", "活动主题"}
    assert commit(client_a, record).status == ImportStatus.DONE
    clinic = Activity.objects.get(title="社区义诊")
    assert (clinic.headcount, clinic.place, clinic.themes.count()) == (25, "民治社区党群服务中心", 0)


def test_an_unknown_organization_is_a_row_error_and_the_file_writes_nothing(client_a, tree, themes, organizations):
    rows = [activity_row(), activity_row("敬老活动", 组织单位="春晖社工服务中心、不存在的协会")]
    before = snapshot()
    record = upload(client_a, ACTIVITY, xlsx(ACTIVITY, rows))
    assert counts(record) == (1, 0, 0, 1)
    assert problems(record)[3] == [
        f"{where(ACTIVITY, '组织单位')}：找不到名称或统一社会信用代码为“不存在的协会”的社会组织，或不在您的管辖区域内。"
    ]
    # the good row is not written either: the whole file or nothing
    response = client_a.post(
        reverse("registry:import_commit", args=[record.pk]), {"confirmed_errors": str(record.error_count)}, follow=True
    )
    assert "须整个文件没有错误才能导入" in response.content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING
    assert snapshot() == before
    page = client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    assert 'data-testid="all-or-nothing"' in page and 'data-testid="commit-button"' not in page


def test_a_street_cannot_import_for_another_streets_region_or_organization(client_a, tree, themes, organizations):
    rows = [
        activity_row("观澜的活动", 举办区域="观澜街道", 服务区域="观澜1社区"),
        activity_row("借用观澜组织", 组织单位=organizations["guanlan"].credit_code),
        activity_row("按名称借用观澜组织", 组织单位="观澜义工联合会"),
    ]
    record = upload(client_a, ACTIVITY, xlsx(ACTIVITY, rows))
    assert counts(record) == (0, 0, 0, 3)
    found = problems(record)
    assert found[2] == [
        f"{where(ACTIVITY, '举办区域')}：找不到区划“观澜街道”，或它不在您的管辖区域内。",
        f"{where(ACTIVITY, '服务区域')}：找不到区划“观澜1社区”，或它不在您的管辖区域内。",
    ]
    code = organizations["guanlan"].credit_code
    assert found[3] == [
        f"{where(ACTIVITY, '组织单位')}：找不到名称或统一社会信用代码为“{code}”的社会组织，或不在您的管辖区域内。"
    ]
    assert found[4] == [
        f"{where(ACTIVITY, '组织单位')}：找不到名称或统一社会信用代码为“观澜义工联合会”的社会组织，"
        "或不在您的管辖区域内。"
    ]
    assert not Activity.objects.exists()


def test_the_models_rules_are_row_errors_with_their_column(client_a, tree, themes, organizations):
    year = last_year()
    future = year + 3
    rows = [
        activity_row("结束早于开始", 结束时间=f"{year}-03-12 08:00"),  # 2
        activity_row("未来却已开展", 开始时间=f"{future}-01-05 09:00", 结束时间=f"{future}-01-05 10:00"),  # 3
        activity_row("负数捐赠", **{"捐赠金额（元）": -100}),  # 4
        activity_row("缺少党日类型", 活动类型="主题党日"),  # 5
        activity_row("看不懂的时间", 开始时间=f"{year}-03-12 25:00"),  # 6
        activity_row(
            "计划中的未来活动", 状态="计划中", 开始时间=f"{future}-01-05 09:00", 结束时间=f"{future}-01-05 10:00"
        ),
    ]
    record = upload(client_a, ACTIVITY, xlsx(ACTIVITY, rows))
    assert counts(record) == (1, 0, 0, 5)
    found = problems(record)
    assert found[2] == [f"{where(ACTIVITY, '结束时间')}：结束时间不能早于开始时间。"]
    assert found[3] == [
        f"{where(ACTIVITY, '状态')}：活动尚未开始，不能标记为“已开展”：请选择“计划中”，开展后再修改状态。"
    ]
    assert found[4] == [f"{where(ACTIVITY, '捐赠金额（元）')}：金额不能为负数。"]
    assert found[5] == [
        f"{where(ACTIVITY, '主题党日类型')}：主题党日请选择类型（居民议事日、聚善日、公益招聘日或其他）。"
    ]
    assert found[6] == [
        f"{where(ACTIVITY, '开始时间')}：“{year}-03-12 25:00”中的时间不可识别，请填写如 2022-03-12 09:00。"
    ]


def test_headcount_and_duration_below_the_named_participants_are_refused(client_a, tree, themes, organizations):
    activity = ActivityFactory(
        title="社区义诊",
        region=tree["street_a"],
        start_at=local_datetime(last_year(), 3, 12, 9),
        end_at=local_datetime(last_year(), 3, 12, 11, 30),
        headcount=20,
        service_hours=40,
    )
    for name in ("甲", "乙", "丙"):
        ParticipationFactory(activity=activity, name=name, hours=2)
    rows = [activity_row(参与人次=2), activity_row("另一场", **{"服务时长（小时）": 5})]
    # the first row is refused; the second is another activity and fine
    record = upload(client_a, ACTIVITY, xlsx(ACTIVITY, rows))
    assert counts(record) == (1, 0, 0, 1), problems(record)
    assert problems(record)[2] == [f"{where(ACTIVITY, '参与人次')}：参与人次（2）少于已具名登记的参与人员（3人）。"]

    shortened = upload(client_a, ACTIVITY, xlsx(ACTIVITY, [activity_row(结束时间=f"{last_year()}-03-12 10:00")]))
    assert problems(shortened)[2] == [
        f"{where(ACTIVITY, '结束时间')}：有参与人员登记了2.0小时，超过调整后的活动时长（1.0小时），请先修改其时长。"
    ]
    activity.refresh_from_db()
    assert activity.headcount == 20


# ---- 参与人员 -------------------------------------------------------------------------------------


@pytest.fixture
def clinic(tree):
    return ActivityFactory(
        title="社区义诊",
        region=tree["street_a"],
        start_at=local_datetime(last_year(), 3, 12, 9),
        end_at=local_datetime(last_year(), 3, 12, 11, 30),
        headcount=3,
        service_hours=6,
    )


@pytest.fixture
def wang(tree):
    return RepresentativeFactory(name="王丽", id_number=ID_WANG, region=tree["community_a1"])


def test_participants_from_the_pool_and_outside_it_then_reimport_changes_nothing(client_a, tree, clinic, wang):
    rows = [
        participant_row("王丽", clinic, 身份证号=ID_WANG, 角色="组织者"),
        participant_row("张三", clinic, 备注="库外志愿者", **{"服务时长（小时）": 2.5}),
    ]
    record = upload(client_a, PARTICIPATION, xlsx(PARTICIPATION, rows))
    assert counts(record) == (2, 0, 0, 0), problems(record)
    assert ID_WANG not in str(record.result)  # the preview names people, never their ID numbers
    record = commit(client_a, record)
    assert record.status == ImportStatus.DONE, record.message
    stored = {p.name: p for p in Participation.objects.filter(activity=clinic)}
    assert (stored["王丽"].representative, stored["王丽"].role, stored["王丽"].hours) == (wang, "organizer", 2)
    assert (stored["张三"].representative, stored["张三"].hours, stored["张三"].remarks) == (
        None,
        Decimal("2.5"),
        "库外志愿者",
    )

    before = snapshot()
    again = upload(client_a, PARTICIPATION, xlsx(PARTICIPATION, rows))
    assert counts(again) == (0, 0, 2, 0), problems(again)
    assert snapshot() == before


def test_a_list_longer_than_the_headcount_is_refused_row_by_row(client_a, tree, clinic):
    ParticipationFactory(activity=clinic, name="已登记", hours=1)
    rows = [participant_row(name, clinic, **{"服务时长（小时）": 1}) for name in ("甲", "乙", "丙", "丁")]
    before = snapshot()
    record = upload(client_a, PARTICIPATION, xlsx(PARTICIPATION, rows))
    # 人次 3: the stored one and the first two rows fit; the third and fourth rows do not
    assert counts(record) == (2, 0, 0, 2)
    found = problems(record)
    assert found[4] == [
        f"{where(PARTICIPATION, '活动名称')}：活动登记的参与人次为3，少于具名参与人员（加上本人共4人）："
        "请先在活动中调高“参与人次”。（已登记1人，本文件前面的行另有2人）"
    ]
    assert found[5] == found[4]  # a refused row is not counted: the next one reaches the same number
    response = client_a.post(
        reverse("registry:import_commit", args=[record.pk]), {"confirmed_errors": "2"}, follow=True
    )
    assert "须整个文件没有错误才能导入" in response.content.decode()
    assert snapshot() == before


def test_participant_rules_hours_name_and_unknown_activity(client_a, tree, clinic, wang):
    other = RepresentativeFactory(name="观澜的人", id_number=valid_id_number("19900101", 131), region=tree["street_b"])
    rows = [
        participant_row("甲", clinic, **{"服务时长（小时）": 3}),  # 2: over the 2.5-hour activity
        participant_row("王芳", clinic, 身份证号=ID_WANG),  # 3: the ID number is 王丽's
        participant_row("观澜的人", clinic, 身份证号=other.id_number),  # 4: a person of another street
        participant_row("乙", clinic, 活动名称="没有这个活动"),  # 5
        participant_row("丙", clinic, **{"服务时长（小时）": -1}),  # 6
    ]
    record = upload(client_a, PARTICIPATION, xlsx(PARTICIPATION, rows))
    assert counts(record) == (0, 0, 0, 5)
    found = problems(record)
    assert found[2] == [
        f"{where(PARTICIPATION, '服务时长（小时）')}：服务时长（3小时）超过活动时长（2.5小时；每天最多24小时）。"
    ]
    assert found[3] == [
        f"{where(PARTICIPATION, '姓名')}：姓名“王芳”与身份证号对应的代表人士“王丽”不一致，请核对姓名或身份证号。"
    ]
    masked = mask_id_number(other.id_number)
    assert found[4] == [
        f"{where(PARTICIPATION, '身份证号')}：您管辖区域内的代表人士库中没有身份证号为“{masked}”的人员："
        "库外人员请留空身份证号，只填写姓名。"
    ]
    when = f"{last_year()}-03-12 09:00"
    assert found[5] == [
        f"{where(PARTICIPATION, '活动名称')}：找不到活动名称“没有这个活动”、开始时间“{when}”、"
        "举办区域“民治街道（440309002）”的活动，或它不在您的管辖区域内：请先登记或导入该活动。"
    ]
    assert found[6] == [f"{where(PARTICIPATION, '服务时长（小时）')}：时长不能为负数。"]
    # the error report keeps the cells the user typed, the ID number masked as the model declares it
    values = {e["row"]: e["values"] for e in record.result["errors"]}
    id_column = headers(PARTICIPATION).index("身份证号")
    assert values[4][id_column] == masked and values[3][id_column] == mask_id_number(ID_WANG)
    assert "身份证号" in importing.get_spec(PARTICIPATION).personal_headers
    assert not Participation.objects.exists()


def test_a_street_cannot_list_participants_of_another_streets_activity(client, tree, street_b_user, clinic):
    client.force_login(street_b_user)
    record = upload(client, PARTICIPATION, xlsx(PARTICIPATION, [participant_row("甲", clinic)]))
    assert counts(record) == (0, 0, 0, 1)
    assert problems(record)[2] == [
        f"{where(PARTICIPATION, '举办区域')}：找不到区划“民治街道”，或它不在您的管辖区域内。"
    ]

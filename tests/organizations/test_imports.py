"""Excel import of organizations (with the year's survey), party organizations, liaison assignments and venues.

Every file is a real .xlsx built here with openpyxl and goes through the pages: upload → preview → commit.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pghistory.models import Events, MiddlewareEvents

from organizations.models import (
    AnnualSurvey,
    Assignment,
    Liaison,
    Organization,
    PartyCoverage,
    PartyOrganization,
    Venue,
)
from registry import importing
from registry.history import history_for
from registry.importing.plan import WritePlan
from registry.models import ImportRecord, ImportStatus
from tests.factories import (
    IndustryFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
    valid_credit_code,
)
from tests.importing import commit, counts, headers, problems, upload, wrong_check, xlsx

pytestmark = pytest.mark.django_db

ORGANIZATION = "organizations.organization"
PARTY = "organizations.partyorganization"
ASSIGNMENT = "organizations.assignment"
VENUE = "organizations.venue"


def code(n: int) -> str:
    return valid_credit_code(n + 500)


@pytest.fixture
def industries(db):
    return {name: IndustryFactory(name=name) for name in ("社会工作服务", "养老服务")}


def organization_row(n: int, **overrides) -> dict:
    row = {
        "名称": f"深圳市龙华区民治测试社工服务中心{n}",
        "统一社会信用代码": code(n),
        "组织类型": "社会服务机构",
        "登记状态": "正常",
        "所属区域": "民治1社区",
        "行业类别": "社会工作服务",
        "登记管理机关": "深圳市龙华区民政局",
        "登记日期": "2019-06-18",
        "法定代表人": "王芳",
        "联系电话": "13800138000",
        "住所": "深圳市龙华区民治街道人民路1号",
        "枢纽型": "否",
        "品牌性": "否",
        "活动异常名录": "否",
        "摸底调查年度": 2025,
        "从业人员数": 12,
        "正式党员数": 3,
        "预备党员数": 1,
        "流动党员数": 1,
    }
    row.update(overrides)
    return row


NO_SURVEY = dict.fromkeys(["摸底调查年度", "从业人员数", "正式党员数", "预备党员数", "流动党员数"])


def snapshot() -> dict:
    return {
        "organizations": sorted(Organization.objects.values_list("credit_code", "name", "updated_at")),
        "surveys": sorted(AnnualSurvey.objects.values_list("organization_id", "year", "staff_count")),
        "events": Events.objects.count(),
    }


# ---- 社会组织 -------------------------------------------------------------------------------------


def test_organization_template_has_the_survey_columns_and_dropdowns_in_scope(client_a, tree, industries):
    response = client_a.get(reverse("registry:import_template", args=[ORGANIZATION]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["社会组织"]
    assert [c.value for c in sheet[1]] == headers(ORGANIZATION)
    assert headers(ORGANIZATION)[-5:] == ["摸底调查年度", "从业人员数", "正式党员数", "预备党员数", "流动党员数"]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    letter = {h: importing.get_column_letter(i + 1) for i, h in enumerate(headers(ORGANIZATION))}
    assert "社会服务机构（民办非企业单位）" in validations[f"{letter['组织类型']}2"]
    assert set(validations[f"{letter['行业类别']}2"].strip('"').split(",")) == {"社会工作服务", "养老服务"}
    # street and communities of the user's street only: no grid, no other street
    assert set(validations[f"{letter['所属区域']}2"].strip('"').split(",")) == {"民治街道", "民治1社区", "民治2社区"}
    instructions = [row[0] for row in wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row[0]]
    assert any("年度摸底调查" in line and "摸底调查年度" in line for line in instructions)
    survey_year = next(
        r for r in wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True) if r[0] == "摸底调查年度"
    )
    assert survey_year[1] == "填写年度摸底调查时必填"


def test_good_rows_create_organizations_with_their_survey_and_history(client_a, tree, industries, street_a_user):
    before = snapshot()
    content = xlsx(
        ORGANIZATION,
        [
            organization_row(1),
            organization_row(
                2,
                统一社会信用代码=valid_credit_code(502, "1"),  # a 社会团体's code: category 1
                组织类型="社会团体",
                所属区域="440309002",
                行业类别="养老服务",
                联系电话="0755-2345 6789",
                评估等级="4A",
                评估年度=2023,
                枢纽型="是",
                **NO_SURVEY,
            ),
        ],
    )
    record = upload(client_a, ORGANIZATION, content)
    assert (record.status, counts(record)) == (ImportStatus.PENDING, (2, 0, 0, 0))
    assert snapshot() == before  # nothing written before the user commits

    record = commit(client_a, record)
    assert record.status == ImportStatus.DONE, record.message
    first = Organization.objects.get(credit_code=code(1))
    assert (first.kind, first.region, first.industry.name, first.contact_phone) == (
        "service_institution",
        tree["community_a1"],
        "社会工作服务",
        "13800138000",
    )
    survey = AnnualSurvey.objects.get(organization=first)
    assert (survey.year, survey.staff_count, survey.party_member_count) == (2025, 12, 3)
    assert (survey.probationary_member_count, survey.mobile_party_member_count) == (1, 1)
    second = Organization.objects.get(credit_code=valid_credit_code(502, "1"))
    assert (second.kind, second.region, second.rating, second.rating_year, second.is_hub) == (
        "social_group",
        tree["street_a"],
        "4A",
        2023,
        True,
    )
    assert second.contact_phone == "0755-2345 6789"
    assert not AnnualSurvey.objects.filter(organization=second).exists()  # the survey columns were left blank
    for obj in (first, survey):
        event = MiddlewareEvents.objects.tracks(obj).get()
        assert event.pgh_label == "insert"
        assert event.pgh_context["source"] == "Excel导入" and event.pgh_context["import_id"] == record.pk
    assert history_for(first)[0]["user"] == street_a_user


def test_every_bad_cell_is_reported_with_its_row_column_and_reason(client_a, tree, industries):
    OrganizationFactory(credit_code=code(90), name="观澜的组织", region=tree["community_b1"])
    before = snapshot()
    rows = [
        organization_row(1),  # 2: good
        organization_row(3, 统一社会信用代码=wrong_check(code(3))),  # 3
        organization_row(4, 行业类别="航天科技"),  # 4
        organization_row(5, 所属区域="观澜1社区"),  # 5: another street
        organization_row(6, 所属区域="民治1第1网格"),  # 6: a grid
        organization_row(7, 联系电话="1380013800"),  # 7: a mobile one digit short
        organization_row(8, 评估等级="5A"),  # 8: a rating without its year
        organization_row(9, 正式党员数=1, 流动党员数=2),  # 9: more mobile members than members
        organization_row(10, 摸底调查年度=None),  # 10: survey figures without their year
        organization_row(11, 统一社会信用代码=code(12)),  # 11 and 12: the same credit code twice
        organization_row(12),
        organization_row(90, 名称="观澜的组织改名"),  # 13: exists in another street
        organization_row(14, 组织类型="基金", 登记日期="2019-02-30"),  # 14: two problems in one row
    ]
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, rows))
    assert counts(record) == (1, 0, 0, 12)
    found = problems(record)
    assert len(found[3]) == 1
    assert found[3][0].startswith("B列（统一社会信用代码）：统一社会信用代码校验位错误：末位应为")
    assert found[4] == ["F列（行业类别）：“航天科技”不在「行业类别」字典中，请从下拉列表中选择。"]
    assert found[5] == ["E列（所属区域）：找不到区划“观澜1社区”，或它不在您的管辖区域内。"]
    assert found[6] == ["E列（所属区域）：“民治1第1网格”是网格，此列只能填写社区/村/嘎查、街道/镇/苏木乡镇。"]
    assert found[7] == ["K列（联系电话）：手机号应为以1开头的11位数字。"]
    assert found[8] == ["N列（评估年度）：填写了评估等级时，请同时填写评估年度。"]
    assert found[9] == ["Z列（流动党员数）：流动党员数不能多于正式党员数。"]
    assert found[10] == ["V列（摸底调查年度）：填写年度摸底调查时必填，不能为空。"]
    assert found[11] == ["B列（统一社会信用代码）：与第12行重复（统一社会信用代码相同），请只保留一行。"]
    assert found[12] == ["B列（统一社会信用代码）：与第11行重复（统一社会信用代码相同），请只保留一行。"]
    assert found[13] == [
        "B列（统一社会信用代码）：该统一社会信用代码已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"
    ]
    assert [reason.split("：")[0] for reason in found[14]] == ["C列（组织类型）", "H列（登记日期）"]
    assert snapshot() == before


def test_a_credit_code_held_in_another_street_gets_the_pages_answer_and_is_logged(
    client_a, tree, industries, street_a_user
):
    from registry.models import AccessLog

    OrganizationFactory(credit_code=code(90), name="观澜的组织", region=tree["community_b1"])
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [organization_row(90, 名称="观澜的组织改名")]))
    assert counts(record) == (0, 0, 0, 1)
    assert problems(record)[2] == [
        "B列（统一社会信用代码）：该统一社会信用代码已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"
    ]
    page = client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    assert "观澜" not in page
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.fields) == (street_a_user, "search", "统一社会信用代码")
    assert log.detail["结果"] == "管辖区域外已有记录，已拒绝" and log.detail["行"] == 2
    assert log.detail["统一社会信用代码"] == code(90)


def test_reimporting_the_same_file_is_all_unchanged(client_a, tree, industries):
    content = xlsx(ORGANIZATION, [organization_row(1), organization_row(2, **NO_SURVEY)])
    assert commit(client_a, upload(client_a, ORGANIZATION, content)).status == ImportStatus.DONE
    before = snapshot()
    again = upload(client_a, ORGANIZATION, content)
    assert counts(again) == (0, 0, 2, 0)
    page = client_a.get(reverse("registry:import_record", args=[again.pk])).content.decode()
    assert "没有需要新增或更新的数据" in page
    assert snapshot() == before


def test_an_update_changes_exactly_the_changed_fields_and_writes_history(client_a, tree, industries, street_a_user):
    industry = industries["社会工作服务"]
    org = OrganizationFactory(
        credit_code=code(1),
        name="深圳市龙华区民治测试社工服务中心1",
        kind="service_institution",
        region=tree["community_a1"],
        industry=industry,
        registration_authority="深圳市龙华区民政局",
        registration_date=datetime.date(2019, 6, 18),
        legal_representative="王芳",
        contact_phone="13800138000",
        address="深圳市龙华区民治街道人民路1号",
    )
    survey = SurveyFactory(
        organization=org,
        year=2025,
        staff_count=12,
        party_member_count=3,
        probationary_member_count=1,
        mobile_party_member_count=1,
    )
    older = SurveyFactory(organization=org, year=2024, staff_count=9)
    stored = Organization.objects.values().get(pk=org.pk)
    events = Events.objects.count()
    content = xlsx(ORGANIZATION, [organization_row(1, 法定代表人="李明", 从业人员数=15)])
    record = upload(client_a, ORGANIZATION, content)
    assert counts(record) == (0, 1, 0, 0)
    assert record.result["updates"][0]["changes"] == [
        {"field": "法定代表人", "before": "王芳", "after": "李明"},
        {"field": "从业人员数", "before": "12", "after": "15"},
    ]
    assert Events.objects.count() == events
    assert commit(client_a, record).status == ImportStatus.DONE

    after = Organization.objects.values().get(pk=org.pk)
    changed = {k for k, v in after.items() if stored[k] != v}
    assert changed == {"legal_representative", "updated_at", "version"}
    assert after["legal_representative"] == "李明"
    survey.refresh_from_db()
    assert (survey.staff_count, survey.party_member_count, survey.mobile_party_member_count) == (15, 3, 1)
    older.refresh_from_db()
    assert older.staff_count == 9
    event = history_for(org)[0]
    assert event["label"] == "修改" and event["user"] == street_a_user
    assert event["changes"] == [{"field": "法定代表人", "before": "王芳", "after": "李明"}]
    assert history_for(survey)[0]["changes"] == [{"field": "从业人员数", "before": 12, "after": 15}]
    assert Events.objects.count() == events + 2


def test_a_new_year_of_survey_for_an_existing_organization(client_a, tree, industries):
    org = OrganizationFactory(
        credit_code=code(1), name="深圳市龙华区民治测试社工服务中心1", region=tree["community_a1"]
    )
    SurveyFactory(organization=org, year=2024, staff_count=9)
    kept = {"名称", "统一社会信用代码", "组织类型", "所属区域", *NO_SURVEY}
    content = xlsx(ORGANIZATION, [organization_row(1)], leave_out=tuple(set(headers(ORGANIZATION)) - kept))
    record = upload(client_a, ORGANIZATION, content)
    assert counts(record) == (0, 1, 0, 0)
    changes = record.result["updates"][0]["changes"]
    assert changes[0] == {"field": "摸底调查年度", "before": "（空）", "after": "2025"}
    assert {"field": "从业人员数", "before": "（空）", "after": "12"} in changes
    commit(client_a, record)
    assert sorted(org.surveys.values_list("year", "staff_count")) == [(2024, 9), (2025, 12)]


def test_survey_columns_without_the_year_column_are_refused(client_a, tree, industries):
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [organization_row(1)], leave_out=("摸底调查年度",)))
    assert record.status == ImportStatus.FAILED
    assert "年度摸底调查的列" in record.message and "缺少“摸底调查年度”列" in record.message


def test_the_commit_opens_no_savepoint_per_row_and_a_failing_row_undoes_everything(
    client_a, tree, industries, monkeypatch
):
    def savepoints_of_commit(rows: list[dict]) -> int:
        record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, rows))
        with CaptureQueriesContext(connection) as queries:
            assert commit(client_a, record).status == ImportStatus.DONE
        return sum("SAVEPOINT" in q["sql"].upper() for q in queries.captured_queries)

    # the request's and the commit's own transactions, not one per service call: five rows cost what one does
    assert savepoints_of_commit([organization_row(1)]) == savepoints_of_commit(
        [organization_row(n) for n in range(2, 7)]
    )
    assert Organization.objects.count() == 6

    # the database refusing the third row of another file (its survey changed after the preview, in the kept
    # plan, to break a constraint): the two rows before it are rolled back too
    spec = importing.get_spec(ORGANIZATION)
    before = snapshot()
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [organization_row(n) for n in range(11, 15)]))
    plan = WritePlan.loads(spec, record.plan)
    third = next(entry for entry in plan.rows if entry[0] == 4)
    third[5][0][3]["mobile_party_member_count"] = 99
    ImportRecord.objects.filter(pk=record.pk).update(plan=plan.dumps())
    record = commit(client_a, record)
    assert record.status == ImportStatus.FAILED
    assert "已全部撤销" in record.message and "流动党员数不能多于正式党员数" in record.message
    assert snapshot() == before


def test_a_record_changed_by_someone_else_after_the_preview_stops_the_commit(
    client_a, tree, industries, street_a_user
):
    from organizations import services

    stored = OrganizationFactory(credit_code=code(1), name="旧名称", region=tree["community_a1"])
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [organization_row(1), organization_row(2)]))
    assert counts(record) == (1, 1, 0, 0)
    # someone saves the organization row 2 updates while the preview waits for confirmation
    services.organization_update(
        user=street_a_user, instance=Organization.objects.get(pk=stored.pk), data={"legal_representative": "李明"}
    )
    before = snapshot()
    record = commit(client_a, record)
    # nothing written, not even the new organization of row 3; a fresh preview of the data as it is now
    assert snapshot() == before
    assert record.status == ImportStatus.PENDING
    assert "预览之后数据已变化" in record.message and "第2行对应的社会组织已被他人修改" in record.message
    changes = record.result["updates"][0]["changes"]
    assert {"field": "法定代表人", "before": "李明", "after": "王芳"} in changes
    # confirmed again, after seeing the new preview
    assert commit(client_a, record).status == ImportStatus.DONE
    stored.refresh_from_db()
    assert (stored.name, stored.legal_representative) == (organization_row(1)["名称"], "王芳")


def test_a_record_created_by_someone_else_after_the_preview_stops_the_commit(client_a, tree, industries):
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [organization_row(1), organization_row(2)]))
    assert counts(record) == (2, 0, 0, 0)
    OrganizationFactory(credit_code=code(2), name="他人刚登记的", region=tree["community_a1"])
    before = snapshot()
    record = commit(client_a, record)
    assert snapshot() == before
    assert record.status == ImportStatus.PENDING
    assert "第3行的社会组织在预览后已由他人新增，统一社会信用代码相同" in record.message
    assert counts(record) == (1, 1, 0, 0)  # previewed again: row 3 now updates the record just registered


def test_a_bulk_import_keeps_the_history_linked_to_it_and_fills_the_pinyin_initials(
    client_a, tree, industries, street_a_user
):
    from registry.search import name_initials

    rows = [organization_row(n, 名称=f"深圳市龙华区春晖社会工作服务中心{n}") for n in range(1, 4)]
    record = commit(client_a, upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, rows)))
    assert record.status == ImportStatus.DONE, record.message
    organizations = {org.credit_code: org for org in Organization.objects.filter(credit_code__startswith="5")}
    assert set(organizations) == {code(n) for n in range(1, 4)}
    for org in organizations.values():
        assert org.name_initials == name_initials(org.name) and org.name_initials.startswith("szslhqchshgzfwzx")
        assert org.version == 1
        for obj in (org, org.surveys.get()):
            event = MiddlewareEvents.objects.tracks(obj).get()
            assert event.pgh_label == "insert"
            assert event.pgh_context["source"] == "Excel导入" and event.pgh_context["import_id"] == record.pk
        shown = history_for(org)[0]
        assert (shown["label"], shown["user"], shown["import_name"]) == ("新增", street_a_user, record.file_name)
        assert shown["import_url"] == reverse("registry:import_record", args=[record.pk])

    # an update renames one and changes another's survey: the changed fields only, initials derived again
    first = organizations[code(1)]
    rows[0]["名称"] = "龙华区同心志愿者协会"
    rows[1]["从业人员数"] = 30
    updated = commit(client_a, upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, rows)))
    assert counts(updated) == (0, 2, 1, 0)
    first.refresh_from_db()
    assert (first.name, first.name_initials, first.version) == ("龙华区同心志愿者协会", name_initials(first.name), 2)
    shown = history_for(first)[0]
    assert (shown["label"], shown["user"], shown["import_id"]) == ("修改", street_a_user, updated.pk)
    assert {c["field"] for c in shown["changes"]} == {"名称", "拼音首字母"}
    survey = AnnualSurvey.objects.get(organization__credit_code=code(2))
    assert (survey.staff_count, survey.version) == (30, 2)
    event = MiddlewareEvents.objects.tracks(survey).order_by("-pgh_id").first()
    assert event.pgh_label == "update" and event.pgh_context["import_id"] == updated.pk
    assert set(event.pgh_diff) == {"staff_count", "updated_at", "version"}


def test_the_commit_costs_the_same_queries_for_20_and_200_rows(client_a, tree, industries, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1000

    def queries_of_commit(numbers) -> int:
        record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [organization_row(n) for n in numbers]))
        with CaptureQueriesContext(connection) as queries:
            assert commit(client_a, record).status == ImportStatus.DONE
        return len(queries)

    assert queries_of_commit(range(1, 21)) == queries_of_commit(range(100, 300)) == COMMIT_QUERIES


COMMIT_QUERIES = 26  # the request's own, then per batch of 2,000 rows: lock, key check, insert, scope


# ---- 党组织 -------------------------------------------------------------------------------------


@pytest.fixture
def covered(tree):
    return [
        OrganizationFactory(credit_code=code(n), name=f"被覆盖组织{n}", region=tree["community_a1"]) for n in (1, 2, 3)
    ]


def test_a_party_tree_with_joint_coverage_in_one_file(client, district_admin, tree, covered):
    client.force_login(district_admin)
    content = xlsx(
        PARTY,
        [
            # a child before its parent: the file's order does not matter
            {
                "党组织名称": "中共民治测试联合支部",
                "上级党组织": "中共龙华区社会组织委员会",
                "组织类型": "联合党支部",
                "层级": "社会组织基层党组织（N）",
                "所属区域": "民治街道",
                "覆盖的社会组织": f"{code(1)}、{code(2)}\n{code(3)}",
                "党员人数": 7,
            },
            {"党组织名称": "中共龙华区社会组织委员会", "组织类型": "党委", "层级": "1", "所属区域": "龙华区"},
        ],
    )
    record = upload(client, PARTY, content)
    assert counts(record) == (2, 0, 0, 0), record.result["errors"]
    labels = [item["label"] for item in record.result["creates"]]
    assert labels == [
        "中共民治测试联合支部（上级：中共龙华区社会组织委员会（本文件第3行新增））",
        "中共龙华区社会组织委员会（最上级）",
    ]
    assert commit(client, record).status == ImportStatus.DONE
    joint = PartyOrganization.objects.get(name="中共民治测试联合支部")
    assert (joint.parent.name, joint.kind, joint.tier, joint.member_count) == (
        "中共龙华区社会组织委员会",
        "joint_branch",
        "grassroots",
        7,
    )
    assert set(joint.organizations.all()) == set(covered)
    assert all(MiddlewareEvents.objects.tracks(coverage).exists() for coverage in PartyCoverage.objects.all())
    again = upload(client, PARTY, content)
    assert counts(again) == (0, 0, 2, 0)


def test_party_organization_rules_are_checked_before_anything_is_written(client, district_admin, tree, covered):
    root = PartyOrganizationFactory(
        name="中共龙华区社会组织委员会", kind="committee", tier="district", region=tree["district"]
    )
    client.force_login(district_admin)
    base = {"上级党组织": root.name, "组织类型": "党支部", "层级": "N", "所属区域": "民治街道"}
    rows = [
        {**base, "党组织名称": "好支部", "覆盖的社会组织": code(1)},  # 2: good
        {**base, "党组织名称": "两家的普通支部", "覆盖的社会组织": f"{code(1)}；{code(2)}"},  # 3: joint rule
        {**base, "党组织名称": "未知覆盖", "覆盖的社会组织": f"{code(1)}、{code(77)}、{wrong_check(code(78))}"},  # 4
        {**base, "党组织名称": "无上级", "上级党组织": "不存在的党委"},  # 5
        {**base, "党组织名称": "行业党委", "层级": "行业党组织（条）"},  # 6: a sector needs its industry
        {**base, "党组织名称": "第二个区党委", "层级": "区社会组织党委（1）"},  # 7: the district tier has no parent
    ]
    before = sorted(PartyOrganization.objects.values_list("name", flat=True))
    record = upload(client, PARTY, xlsx(PARTY, rows))
    assert counts(record) == (1, 0, 0, 5)
    found = problems(record)
    assert found[3] == ["G列（覆盖的社会组织）：只有联合党支部可以覆盖多家社会组织；其他党组织只覆盖本单位。"]
    assert found[4] == [
        f"G列（覆盖的社会组织）：找不到统一社会信用代码为“{code(77)}”、“{wrong_check(code(78))}”的社会组织，"
        "或不在您的管辖区域内。"
    ]
    assert found[5] == ["B列（上级党组织）：找不到党组织名称为“不存在的党委”的党组织，或它不在您的管辖区域内。"]
    assert found[6] == ["F列（所属行业）：行业党组织（条）请选择所属行业。"]
    assert found[7] == ["B列（上级党组织）：区社会组织党委是最上级，不能有上级党组织。"]
    assert sorted(PartyOrganization.objects.values_list("name", flat=True)) == before
    commit(client, record)
    assert PartyCoverage.objects.get().organization == covered[0]


def test_a_coverage_update_shows_and_writes_the_new_set(client, district_admin, tree, covered):
    root = PartyOrganizationFactory(name="区党委", kind="committee", tier="district", region=tree["district"])
    joint = PartyOrganizationFactory(
        name="联合支部", kind="joint_branch", parent=root, region=tree["street_a"], covers=covered[:2]
    )
    client.force_login(district_admin)
    row = {
        "党组织名称": "联合支部",
        "上级党组织": "区党委",
        "组织类型": "联合党支部",
        "层级": "N",
        "所属区域": "民治街道",
    }
    record = upload(client, PARTY, xlsx(PARTY, [{**row, "覆盖的社会组织": f"{code(3)}、{code(1)}"}]))
    assert record.result["updates"][0]["changes"] == [
        {"field": "覆盖的社会组织", "before": "被覆盖组织1、被覆盖组织2", "after": "被覆盖组织1、被覆盖组织3"}
    ]
    commit(client, record)
    assert set(joint.organizations.all()) == {covered[0], covered[2]}
    assert counts(upload(client, PARTY, xlsx(PARTY, [{**row, "覆盖的社会组织": f"{code(1)}、{code(3)}"}]))) == (
        0,
        0,
        1,
        0,
    )


# ---- 联络员任职 -----------------------------------------------------------------------------------


@pytest.fixture
def assigned_orgs(tree):
    return [
        OrganizationFactory(credit_code=code(n), name=f"任职组织{n}", region=tree["community_a1"]) for n in (1, 2, 3)
    ]


def assignment_row(name: str, org: int, **overrides) -> dict:
    row = {
        "姓名": name,
        "社会组织统一社会信用代码": code(org),
        "角色": "党建指导员",
        "开始日期": "2024-01-01",
    }
    row.update(overrides)
    return row


def test_a_liaison_ledger_creates_each_person_once_and_one_assignment_per_row(
    client_a, tree, assigned_orgs, street_a_user
):
    known = LiaisonFactory(name="赵六", mobile="13900000006", post="社工", region=tree["street_a"])
    rows = [
        assignment_row("张三", 1, 手机号="13912340001", 工作单位="民治街道办", 联络员所属区域="民治街道", 性别="男"),
        assignment_row("张三", 2, 手机号="13912340001"),  # the same person: mobile only
        assignment_row("李四", 1, 工作单位="民治社工站", 联络员所属区域="民治1社区", 角色="统战委员"),
        assignment_row("李四", 3, 工作单位="民治社工站", 角色="统战委员", 开始日期="2024/3/1"),  # by name + unit
        assignment_row("赵六", 2, 手机号="13900000006", 职务="督导", 角色="党建联络员"),  # known: post changes
    ]
    record = upload(client_a, ASSIGNMENT, xlsx(ASSIGNMENT, rows))
    assert counts(record) == (5, 0, 0, 0), record.result["errors"]
    labels = [item["label"] for item in record.result["creates"]]
    assert labels[0] == "张三（新增联络员） · 党建指导员 · 任职组织1"
    assert labels[4] == "赵六 · 党建联络员 · 任职组织2"
    assert not Liaison.objects.filter(name="张三").exists()
    assert commit(client_a, record).status == ImportStatus.DONE

    zhang = Liaison.objects.get(name="张三")
    assert (zhang.mobile, zhang.work_unit, zhang.gender, zhang.region) == (
        "13912340001",
        "民治街道办",
        "male",
        tree["street_a"],
    )
    assert sorted(zhang.assignments.values_list("organization__name", flat=True)) == ["任职组织1", "任职组织2"]
    li = Liaison.objects.get(name="李四")
    assert (li.mobile, li.region) == ("", tree["community_a1"])
    assert sorted(li.assignments.values_list("start_date", flat=True)) == [
        datetime.date(2024, 1, 1),
        datetime.date(2024, 3, 1),
    ]
    known.refresh_from_db()
    assert known.post == "督导"
    assert history_for(known)[0]["changes"] == [{"field": "职务", "before": "社工", "after": "督导"}]
    assert Liaison.objects.count() == 3 and Assignment.objects.count() == 5
    assert history_for(zhang)[0]["user"] == street_a_user

    again = upload(client_a, ASSIGNMENT, xlsx(ASSIGNMENT, rows))
    assert counts(again) == (0, 0, 5, 0)


def test_liaison_rows_that_disagree_or_cannot_be_told_apart_are_refused(client_a, tree, assigned_orgs, street_b_user):
    elsewhere = LiaisonFactory(name="观澜的人", mobile="13900000009", region=tree["street_b"])
    rows = [
        assignment_row(
            "张三", 1, 手机号="13912340001", 工作单位="民治街道办", 职务="指导员", 联络员所属区域="民治街道"
        ),
        assignment_row("张三", 2, 手机号="13912340001", 职务="站长"),  # 3: disagrees with row 2
        assignment_row("张三", 3, 工作单位="民治街道办"),  # 4: no mobile, but row 2 names the same person with one
        assignment_row("王五", 1),  # 5: new, without a region
        assignment_row("观澜的人", 1, 手机号="13900000009"),  # 6: registered in another street
        assignment_row("钱七", 99, 联络员所属区域="民治街道"),  # 7: unknown organization
        assignment_row("孙八", 2, 联络员所属区域="民治街道", 开始日期="2024-05-01", 结束日期="2024-04-30"),  # 8
        assignment_row("周九", 3, 手机号="13912340009", 联络员所属区域="观澜街道"),  # 9: region outside the scope
    ]
    record = upload(client_a, ASSIGNMENT, xlsx(ASSIGNMENT, rows))
    assert counts(record) == (1, 0, 0, 7)
    found = problems(record)
    assert found[3] == [
        "E列（职务）：与第2行的同一联络员填写不一致（第2行为“指导员”，本行为“站长”）。同一联络员的各行请填写一致，或只在第一行填写。"
    ]
    assert found[4] == [
        "B列（手机号）：第2行有姓名+工作单位相同的联络员，并填写了手机号；本行未填写。如是同一联络员，请填写相同的手机号。"
    ]
    assert found[5] == ["G列（联络员所属区域）：新增联络员时请填写联络员所属区域。"]
    assert found[6] == [
        "B列（手机号）：该手机号已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"
    ]
    assert found[7] == [
        f"H列（社会组织统一社会信用代码）：找不到统一社会信用代码为“{code(99)}”的社会组织，或它不在您的管辖区域内。"
    ]
    assert found[8] == ["K列（结束日期）：结束日期不能早于开始日期。"]
    assert found[9] == ["G列（联络员所属区域）：找不到区划“观澜街道”，或它不在您的管辖区域内。"]
    assert Liaison.objects.count() == 1 and not Assignment.objects.exists()
    elsewhere.refresh_from_db()
    assert elsewhere.name == "观澜的人"
    from registry.models import AccessLog

    log = AccessLog.objects.get(target_model="organizations.Liaison")
    assert (log.action, log.fields, log.detail["行"]) == ("search", "手机号", 6)
    assert log.detail["手机号"] == "139****0009"  # the log masks it as the page's refusal does


# ---- 阵地 ---------------------------------------------------------------------------------------


def venue_row(name: str, **overrides) -> dict:
    row = {
        "名称": name,
        "阵地类型": "同心服务室",
        "级别": "社区级",
        "所属区域": "民治1社区",
        "启用日期": "2022-03-01",
        **{label: "是" for _, label in Venue.SIX_STANDARDS},
    }
    row.update(overrides)
    return row


def test_venues_upsert_by_region_and_name_with_the_six_standards(client_a, tree, assigned_orgs):
    rows = [
        venue_row("民治1社区同心服务室", 运营机构=code(1), 有台账="否"),
        venue_row("民治街道统战服务驿站", 阵地类型="统战服务驿站", 级别="街道级", 所属区域="民治街道"),
    ]
    record = upload(client_a, VENUE, xlsx(VENUE, rows))
    assert counts(record) == (2, 0, 0, 0)
    commit(client_a, record)
    room = Venue.objects.get(name="民治1社区同心服务室")
    assert (room.operating_organization, room.standards_met, room.has_records, room.level) == (
        assigned_orgs[0],
        5,
        False,
        "community",
    )
    assert Venue.objects.get(name="民治街道统战服务驿站").level == "town"

    rows[0]["有台账"] = "是"
    record = upload(client_a, VENUE, xlsx(VENUE, rows))
    assert counts(record) == (0, 1, 1, 0)
    assert record.result["updates"][0]["changes"] == [{"field": "有台账", "before": "否", "after": "是"}]
    commit(client_a, record)
    room.refresh_from_db()
    assert room.standards_met == 6
    assert history_for(room)[0]["changes"] == [{"field": "有台账", "before": "否", "after": "是"}]


def test_bad_venue_cells(client_a, tree):
    rows = [
        venue_row("观澜的阵地", 所属区域="观澜1社区"),
        venue_row("不知类型", 阵地类型="文化广场"),
        venue_row("六有不明", 有场地="大概有"),
        venue_row("网格阵地", 所属区域="民治1第1网格"),
    ]
    found = problems(upload(client_a, VENUE, xlsx(VENUE, rows)))
    assert found[2] == ["D列（所属区域）：找不到区划“观澜1社区”，或它不在您的管辖区域内。"]
    assert found[3][0].startswith("B列（阵地类型）：“文化广场”不是可选值")
    assert found[4] == ["I列（有场地）：“大概有”应填写“是”或“否”。"]
    assert found[5][0].startswith("D列（所属区域）：“民治1第1网格”是")
    assert not Venue.objects.exists()


# ---- the 导入Excel button on the lists ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("organizations:organization_list", ORGANIZATION),
        ("organizations:partyorganization_list", PARTY),
        ("organizations:assignment_list", ASSIGNMENT),
        ("organizations:venue_list", VENUE),
    ],
)
def test_lists_with_an_import_show_the_button_to_those_who_may_import(
    client, tree, street_a_user, analyst, url_name, key
):
    upload_url = reverse("registry:import_upload", args=[key])
    client.force_login(street_a_user)
    page = client.get(reverse(url_name)).content.decode()
    assert f'href="{upload_url}" data-testid="import-link"' in page and "导入Excel" in page
    client.force_login(analyst)  # may view and export, not add
    assert 'data-testid="import-link"' not in client.get(reverse(url_name)).content.decode()
    assert client.get(upload_url).status_code == 403


def test_lists_without_an_import_have_no_button(client, tree, street_a_user):
    client.force_login(street_a_user)
    for url_name in ("organizations:liaison_list", "organizations:annualsurvey_list"):
        assert 'data-testid="import-link"' not in client.get(reverse(url_name)).content.decode()


def test_the_upload_page_offers_the_template(client_a, tree):
    page = client_a.get(reverse("registry:import_upload", args=[ORGANIZATION])).content.decode()
    assert reverse("registry:import_template", args=[ORGANIZATION]) in page and "下载导入模板" in page


# ---- blank cells and the clear marker -----------------------------------------------------------


def test_a_blank_cell_leaves_the_stored_value_and_the_clear_marker_empties_it(client_a, tree, industries):
    stored = OrganizationFactory(
        credit_code=code(70), name="深圳市龙华区民治留空测试中心", region=tree["community_a1"], address="人民路1号"
    )
    row = organization_row(70, 名称=stored.name, 住所=None, 法定代表人=None, **NO_SURVEY)
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [row]))
    assert record.error_count == 0, problems(record)
    assert "住所" not in str(record.result["updates"])  # blank: not a change
    commit(client_a, record)
    stored.refresh_from_db()
    assert stored.address == "人民路1号"

    row = organization_row(70, 名称=stored.name, 住所="（清空）", **NO_SURVEY)
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [row]))
    assert record.update_count == 1 and "住所" in str(record.result["updates"]), problems(record)
    commit(client_a, record)
    stored.refresh_from_db()
    assert stored.address == ""

    row = organization_row(70, 名称="（清空）", **NO_SURVEY)
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [row]))
    assert problems(record) == {2: ["A列（名称）：此列不能用（清空）清空。"]}


def test_the_template_names_the_clear_marker(client_a, tree, industries):
    response = client_a.get(reverse("registry:import_template", args=[ORGANIZATION]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    lines = [row[0] for row in wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row[0]]
    assert any("空白单元格表示不修改" in line and "“（清空）”" in line for line in lines)


# ---- every problem at once; codes and dates the rules refuse -----------------------------------


def enterprise_code(n: int) -> str:
    """A well-formed code an enterprise gets from 市场监管 (9) — not a social organization's."""
    from registry.validators import credit_code_check_char

    first17 = f"91440309MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def test_every_problem_of_a_row_is_reported_in_one_upload(client_a, tree, industries):
    row = organization_row(
        80,
        统一社会信用代码=enterprise_code(80),  # a valid code, but not one 民政 gives
        登记日期="2019-02-30",  # a bad cell
        评估等级="5A",  # a rating without its year
        示范性社会组织="市级",  # an honour without its year
        正式党员数=1,
        流动党员数=2,  # the survey's own rule
    )
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [row]))
    found = [reason.split("：")[0] for reason in problems(record)[2]]
    assert sorted(found) == sorted(
        ["H列（登记日期）", "B列（统一社会信用代码）", "N列（评估年度）", "P列（示范性认定年度）", "Z列（流动党员数）"]
    ), problems(record)


@pytest.mark.parametrize(
    ("credit_code", "kind", "message"),
    [
        (enterprise_code(81), "社会服务机构", "应为 5，实际为 9（工商（市场监管））"),
        (valid_credit_code(582, "1"), "社会服务机构", "应为 2，实际为 1（社会团体）"),
        (valid_credit_code(583, "2"), "基金会", "基金会应为 3，实际为 2"),
        (valid_credit_code(584, "3"), "社会团体", "社会团体应为 1，实际为 3（基金会）"),
    ],
)
def test_a_credit_code_of_another_issuer_or_category_is_refused(client_a, tree, industries, credit_code, kind, message):
    row = organization_row(81, 统一社会信用代码=credit_code, 组织类型=kind)
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [row]))
    assert record.error_count == 1
    [reason] = problems(record)[2]
    assert reason.startswith("B列（统一社会信用代码）：") and message in reason
    # the model's rule, so the forms and the API refuse it as well
    kinds = {"社会服务机构": "service_institution", "基金会": "foundation", "社会团体": "social_group"}
    organization = OrganizationFactory.build(credit_code=credit_code, kind=kinds[kind], region=tree["community_a1"])
    with pytest.raises(ValidationError) as refused:
        organization.full_clean(exclude=["industry"])
    assert message in " ".join(refused.value.message_dict["credit_code"])


def test_a_party_organization_founded_in_the_future_is_refused(client, district_admin, tree):
    import time_machine

    root = PartyOrganizationFactory(
        name="中共龙华区社会组织委员会", kind="committee", tier="district", region=tree["district"]
    )
    client.force_login(district_admin)
    row = {
        "党组织名称": "未来支部",
        "上级党组织": root.name,
        "组织类型": "党支部",
        "层级": "N",
        "所属区域": "民治街道",
        "成立日期": "2026-07-02",
    }
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.UTC)):
        record = upload(client, PARTY, xlsx(PARTY, [row]))
        assert problems(record)[2] == ["J列（成立日期）：成立日期不能晚于今天。"]
    with time_machine.travel(datetime.datetime(2026, 7, 3, 10, tzinfo=datetime.UTC)):
        client.force_login(district_admin)  # two days later: a new session
        record = upload(client, PARTY, xlsx(PARTY, [row]))
        assert record.error_count == 0, problems(record)

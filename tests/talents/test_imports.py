"""Excel import of representatives: by ID number, else by name + birth date; candidates only; personal data masked.

Every file is a real .xlsx built here with openpyxl and goes through the pages: upload → preview → commit.
"""

import datetime
import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from openpyxl import load_workbook
from pghistory.models import Events, MiddlewareEvents

from registry import importing
from registry.history import history_for
from registry.models import ImportStatus
from registry.personal import mask_id_number, mask_mobile
from talents import services
from talents.models import Representative, StatusChange
from tests.factories import OrganizationFactory, RepresentativeFactory, SpecialtyFactory, valid_id_number
from tests.importing import commit, counts, headers, problems, upload, wrong_check, xlsx

pytestmark = pytest.mark.django_db

KEY = "talents.representative"
ID_WANG = valid_id_number("19850302", 122)  # a woman born 1985-03-02
ID_LI = valid_id_number("19800101", 131)  # a man born 1980-01-01
ID_OTHER_LI = valid_id_number("19800101", 151)  # another man of the same name, born the same day
ID_ZHAO = valid_id_number("19921120", 246)  # a woman born 1992-11-20
MOBILE_WANG = "13812340001"


@pytest.fixture
def specialties(db):
    SpecialtyFactory(name="停用的特长", is_active=False)
    return {name: SpecialtyFactory(name=name) for name in ("法律", "心理", "医疗")}


@pytest.fixture
def chunhui(tree):
    return OrganizationFactory(name="春晖社工服务中心", region=tree["community_a1"])


def person_row(name: str = "王丽", **overrides) -> dict:
    row = {
        "姓名": name,
        "民族": "汉族",
        "身份证号": ID_WANG,
        "手机号": MOBILE_WANG,
        "政治面貌": "党员",
        "学历": "本科",
        "职称": "中级社会工作师",
        "职务": "主任",
        "群体": "社会组织从业人员",
        "专业特长": "法律、心理",
        "所属区域": "民治1社区",
        "发现渠道": "组织推荐",
    }
    row.update(overrides)
    return row


def snapshot() -> dict:
    return {
        "people": sorted(Representative.objects.values_list("pk", "name", "id_number", "position", "updated_at")),
        "status_changes": StatusChange.objects.count(),
        "events": Events.objects.count(),
    }


def letter(header: str) -> str:
    return importing.get_column_letter(headers(KEY).index(header) + 1)


# ---- the template ------------------------------------------------------------------------------


def test_the_template_has_the_chinese_headers_dropdowns_and_the_rules(client_a, tree, specialties):
    response = client_a.get(reverse("registry:import_template", args=[KEY]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["代表人士"]
    assert [c.value for c in sheet[1]] == headers(KEY)
    assert headers(KEY) == [
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "身份证号",
        "手机号",
        "政治面貌",
        "学历",
        "职称",
        "所在社会组织",
        "工作单位（名录外）",
        "职务",
        "群体",
        "专业特长",
        "所属区域",
        "发现渠道",
        "备注",
    ]
    assert "入库状态" not in headers(KEY) and "入库级别" not in headers(KEY)
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}

    def inline(header):
        return validations[f"{letter(header)}2"].strip('"').split(",")

    assert inline("性别") == ["男", "女"]
    assert "中共党员" in inline("政治面貌") and "九三学社" in inline("政治面貌")
    assert inline("学历")[2] == "大学本科"
    assert "新媒体从业人员" in inline("群体")
    assert "组织推荐" in inline("发现渠道")
    assert set(inline("所属区域")) == {"民治街道", "民治1社区", "民治2社区"}  # the user's street only, no grid
    assert set(inline("专业特长")) == {"法律", "心理", "医疗"}  # the enabled ones
    assert len(inline("民族")) == 56 and inline("民族")[0] == "汉族"
    for header in ("身份证号", "手机号", "出生日期", "所在社会组织", "专业特长"):
        assert sheet[f"{letter(header)}1"].comment.text  # the format and help on the header
    lines = [row[0] for row in wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row[0]]
    assert any("按「身份证号，否则按姓名、出生日期」匹配" in line for line in lines)
    assert any("入库状态和入库级别不能导入" in line and "候选" in line for line in lines)


# ---- creating ----------------------------------------------------------------------------------


def test_good_rows_create_candidates_with_their_specialties_and_history(
    client_a, tree, specialties, chunhui, street_a_user
):
    before = snapshot()
    rows = [
        # the birth date and gender come from the ID number
        person_row(所在社会组织=chunhui.credit_code),
        person_row(
            "李强",
            身份证号=None,
            出生日期="1980/1/1",
            性别="男性",
            手机号=None,
            政治面貌="民盟",
            学历="大专",
            专业特长=None,
            所属区域="民治街道",
            **{"工作单位（名录外）": "龙华律师事务所"},
            群体="自由职业者",
            民族="回",
        ),
    ]
    record = upload(client_a, KEY, xlsx(KEY, rows))
    assert (record.status, counts(record)) == (ImportStatus.PENDING, (2, 0, 0, 0)), record.result["errors"]
    assert [item["label"] for item in record.result["creates"]] == [
        "王丽（民治1社区 · 春晖社工服务中心）",
        "李强（民治街道 · 龙华律师事务所）",
    ]
    assert snapshot() == before  # nothing is written before the user commits

    record = commit(client_a, record)
    assert record.status == ImportStatus.DONE, record.message
    wang = Representative.objects.get(id_number=ID_WANG)
    assert (wang.birth_date, wang.gender, wang.mobile, wang.political_affiliation, wang.education) == (
        datetime.date(1985, 3, 2),
        "female",
        MOBILE_WANG,
        "cpc",
        "bachelor",
    )
    assert (wang.organization, wang.region, wang.status, wang.level) == (chunhui, tree["community_a1"], "candidate", "")
    assert sorted(wang.specialties.values_list("name", flat=True)) == ["心理", "法律"]
    li = Representative.objects.get(name="李强")
    assert (li.id_number, li.birth_date, li.gender, li.ethnicity, li.political_affiliation) == (
        "",
        datetime.date(1980, 1, 1),
        "male",
        "03",
        "cdl",
    )
    assert (li.organization, li.organization_name, li.stratum, li.education) == (
        None,
        "龙华律师事务所",
        "freelance",
        "college",
    )
    assert not li.specialties.exists()
    for person in (wang, li):
        change = person.status_changes.get()
        assert (change.from_status, change.to_status, change.changed_by) == ("", "candidate", street_a_user)
        event = MiddlewareEvents.objects.tracks(person).get()
        assert event.pgh_label == "insert"
        assert event.pgh_context["source"] == "Excel导入" and event.pgh_context["import_id"] == record.pk
        assert history_for(person)[0]["user"] == street_a_user


def test_reimporting_the_same_file_is_all_unchanged(client_a, tree, specialties, chunhui):
    rows = [
        person_row(所在社会组织=chunhui.credit_code),
        person_row("李强", 身份证号=None, 出生日期="1980-01-01", 手机号=None, 专业特长="医疗"),
    ]
    content = xlsx(KEY, rows)
    assert commit(client_a, upload(client_a, KEY, content)).status == ImportStatus.DONE
    before = snapshot()
    again = upload(client_a, KEY, content)
    assert counts(again) == (0, 0, 2, 0), again.result
    page = client_a.get(reverse("registry:import_record", args=[again.pk])).content.decode()
    assert "没有需要新增或更新的数据" in page
    assert snapshot() == before


# ---- bad cells ---------------------------------------------------------------------------------


def test_every_bad_cell_is_reported_with_its_row_column_and_reason(client_a, tree, specialties, chunhui):
    elsewhere = RepresentativeFactory(name="观澜的人", id_number=ID_ZHAO, region=tree["community_b1"], gender="female")
    before = snapshot()
    rows = [
        person_row(),  # 2: good
        person_row("甲", 身份证号=wrong_check(ID_LI)),  # 3
        person_row("乙", 身份证号=valid_id_number("19800101", 171), 出生日期="1980-02-01"),  # 4: the ID says 01-01
        person_row("丙", 身份证号=valid_id_number("19700101", 133), 性别="女"),  # 5: a man's ID number
        person_row("丁", 身份证号=None, 出生日期="1990-01-01", 手机号="1381234000"),  # 6: a digit short
        person_row("戊", 身份证号=None, 出生日期="1990-01-02", 专业特长="法律、占星、停用的特长"),  # 7
        person_row("己", 身份证号=None, 出生日期="1990-01-03", 所属区域="观澜1社区"),  # 8: another street
        person_row("庚", 身份证号=None, 出生日期="1990-01-04", 所属区域="民治1第1网格"),  # 9: a grid
        person_row("辛", 身份证号=None, 出生日期="1990-01-05", 政治面貌="共青团员", 学历="幼儿园"),  # 10
        person_row("壬", 身份证号=None, 出生日期=None),  # 11: no ID number and no birth date
        person_row("癸", 身份证号=ID_ZHAO),  # 12: registered in another street
        person_row(
            "子",
            身份证号=None,
            出生日期="1990-01-06",
            所在社会组织=chunhui.credit_code,
            **{"工作单位（名录外）": "某公司"},
        ),  # 13
        person_row("丑", 身份证号=None, 出生日期="1990-01-07", 所在社会组织=wrong_check(chunhui.credit_code)),  # 14
    ]
    record = upload(client_a, KEY, xlsx(KEY, rows))
    assert counts(record) == (1, 0, 0, 12)
    found = problems(record)
    assert len(found[3]) == 1 and found[3][0].startswith("E列（身份证号）：身份证号校验位错误：末位应为")
    assert found[4] == [
        "D列（出生日期）：出生日期与身份证号不一致（身份证号第7—14位是出生日期），请核对后修改其中之一。"
    ]
    assert found[5] == ["B列（性别）：性别与身份证号不一致（身份证号第17位奇数为男、偶数为女），请核对后修改其中之一。"]
    assert found[6] == ["F列（手机号）：手机号应为以1开头的11位数字。"]
    assert found[7] == ["N列（专业特长）：找不到专业特长名称为“占星”、“停用的特长”的专业特长。"]
    assert found[8] == ["O列（所属区域）：找不到区划“观澜1社区”，或它不在您的管辖区域内。"]
    assert found[9] == ["O列（所属区域）：“民治1第1网格”是网格，此列只能填写社区/村/嘎查、街道/镇/苏木乡镇。"]
    assert [reason.split("：")[0] for reason in found[10]] == ["G列（政治面貌）", "H列（学历）"]
    assert found[10][0].startswith("G列（政治面貌）：“共青团员”不是可选值，可选：中共党员、")
    assert found[11] == ["E列（身份证号）：请填写身份证号，或姓名、出生日期，以确定是哪一条记录。"]
    assert found[12] == [
        "E列（身份证号）：该身份证号已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"
    ]
    assert found[13] == ["K列（工作单位（名录外））：已选择所在社会组织时，“工作单位（名录外）”请留空。"]
    assert found[14] == [
        f"J列（所在社会组织）：找不到统一社会信用代码为“{wrong_check(chunhui.credit_code)}”的社会组织，"
        "或它不在您的管辖区域内。"
    ]
    assert snapshot() == before
    elsewhere.refresh_from_db()
    assert elsewhere.name == "观澜的人"


def test_duplicates_inside_the_file_are_reported_by_either_key(client_a, tree, specialties):
    rows = [
        person_row("王丽", 身份证号=ID_WANG),  # 2 and 3: the same ID number, once with blanks in it
        person_row("王丽", 身份证号=f"{ID_WANG[:6]} {ID_WANG[6:]}".lower()),
        person_row("李强", 身份证号=None, 出生日期="1980-01-01"),  # 4 and 5: the same name and birth date
        person_row("李强", 身份证号=None, 出生日期="1980/1/1"),
        person_row("赵敏", 身份证号=ID_ZHAO),  # 6: born 1992-11-20 by the ID number …
        person_row("赵敏", 身份证号=None, 出生日期="1992-11-20"),  # 7: … so this row names her too
        person_row("钱伟", 身份证号=ID_LI, 出生日期=None),  # 8 and 9: same name and birth date, two ID numbers:
        person_row("钱伟", 身份证号=ID_OTHER_LI, 出生日期=None),  # two people
    ]
    record = upload(client_a, KEY, xlsx(KEY, rows))
    found = problems(record)
    assert found == {
        2: ["E列（身份证号）：与第3行重复（身份证号相同），请只保留一行。"],
        3: ["E列（身份证号）：与第2行重复（身份证号相同），请只保留一行。"],
        4: ["A列（姓名）：与第5行重复（姓名、出生日期相同），请只保留一行。"],
        5: ["A列（姓名）：与第4行重复（姓名、出生日期相同），请只保留一行。"],
        7: [
            "A列（姓名）：与第6行的姓名、出生日期相同，应是同一条记录：如是，请只保留一行；"
            "如不是，请在两行分别填写身份证号。"
        ],
    }
    assert counts(record) == (3, 0, 0, 5)


# ---- matching stored people --------------------------------------------------------------------


def stored_wang(tree, **overrides):
    values = {
        "name": "王丽",
        "gender": "female",
        "birth_date": datetime.date(1985, 3, 2),
        "id_number": ID_WANG,
        "mobile": MOBILE_WANG,
        "political_affiliation": "cpc",
        "education": "bachelor",
        "title": "中级社会工作师",
        "position": "主任",
        "stratum": "social_org",
        "region": tree["community_a1"],
        "discovery_channel": "recommendation",
    }
    values.update(overrides)
    return RepresentativeFactory(**values)


def test_a_row_without_id_number_matches_by_name_and_birth_date_and_changes_exactly_that_field(
    client_a, tree, specialties, street_a_user
):
    wang = stored_wang(tree)
    wang.specialties.set([specialties["法律"], specialties["心理"]])
    stored = Representative.objects.values().get(pk=wang.pk)
    events = Events.objects.count()
    # no ID number in the row: found by name and birth date, and the stored ID number stays
    row = person_row(身份证号=None, 出生日期="1985-03-02", 性别="女", 职务="理事长")
    record = upload(client_a, KEY, xlsx(KEY, [row]))
    assert counts(record) == (0, 1, 0, 0), record.result["errors"]
    assert record.result["updates"] == [
        {"row": 2, "label": "王丽（民治1社区）", "changes": [{"field": "职务", "before": "主任", "after": "理事长"}]}
    ]
    assert commit(client_a, record).status == ImportStatus.DONE
    after = Representative.objects.values().get(pk=wang.pk)
    assert {k: v for k, v in after.items() if stored[k] != v}.keys() == {"position", "updated_at", "version"}
    assert (after["status"], after["level"], after["id_number"]) == ("admitted", "district", ID_WANG)  # as it was
    event = history_for(wang)[0]
    assert event["label"] == "修改" and event["user"] == street_a_user
    assert event["changes"] == [{"field": "职务", "before": "主任", "after": "理事长"}]
    assert Events.objects.count() == events + 1
    assert Representative.objects.count() == 1


def test_a_row_with_id_number_fills_it_in_for_the_person_stored_by_name_and_birth_date(client_a, tree, specialties):
    wang = stored_wang(tree, id_number="")
    wang.specialties.set([specialties["法律"], specialties["心理"]])
    # same name and birth date, but another ID number on record: another person
    other_li = RepresentativeFactory(
        name="李强", id_number=ID_OTHER_LI, birth_date=datetime.date(1980, 1, 1), region=tree["community_a1"]
    )
    rows = [
        person_row(),  # the birth date is left blank: read from the ID number, it finds 王丽
        person_row("李强", 身份证号=ID_LI, 性别=None, 专业特长=None),
    ]
    record = upload(client_a, KEY, xlsx(KEY, rows))
    assert counts(record) == (1, 1, 0, 0), record.result["errors"]
    assert record.result["updates"][0]["changes"] == [
        {"field": "身份证号", "before": "（空）", "after": mask_id_number(ID_WANG)}
    ]
    assert record.result["creates"] == [{"row": 3, "label": "李强（民治1社区）"}]
    assert commit(client_a, record).status == ImportStatus.DONE
    wang.refresh_from_db()
    assert wang.id_number == ID_WANG
    masked = mask_id_number(ID_WANG)  # history masks the declared personal fields for everyone
    assert history_for(wang)[0]["changes"] == [{"field": "身份证号", "before": "（空）", "after": masked}]
    new_li = Representative.objects.get(id_number=ID_LI)
    assert new_li.pk != other_li.pk and new_li.status == "candidate"
    other_li.refresh_from_db()
    assert other_li.id_number == ID_OTHER_LI


def test_a_merged_record_is_not_matched(client_a, tree, street_a_user):
    kept = stored_wang(tree, id_number="", mobile="")
    duplicate = stored_wang(tree, name="王丽丽")
    services.representative_merge(user=street_a_user, kept=kept, duplicate=duplicate)
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert kept.id_number == duplicate.id_number == ID_WANG  # the merge passed the number on; both hold it
    merged_alone = RepresentativeFactory(
        name="李强", id_number=ID_LI, birth_date=datetime.date(1980, 1, 1), region=tree["community_a1"]
    )
    Representative.objects.filter(pk=merged_alone.pk).update(merged_into=kept)
    rows = [
        person_row(职务="理事长", 专业特长=None),  # the live record of this ID number
        person_row("李强", 身份证号=ID_LI, 专业特长=None),  # only a merged record holds it: a new person
    ]
    record = upload(client_a, KEY, xlsx(KEY, rows))
    assert counts(record) == (1, 1, 0, 0), record.result["errors"]
    assert commit(client_a, record).status == ImportStatus.DONE
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert (kept.position, duplicate.position) == ("理事长", "主任")
    assert Representative.objects.active().filter(id_number=ID_LI).exclude(pk=merged_alone.pk).count() == 1


# ---- personal data in the preview ---------------------------------------------------------------


def test_the_preview_never_shows_an_id_number_or_mobile_in_clear_to_staff_without_the_permission(
    client, tree, specialties, street_a_user
):
    stored_wang(tree, id_number="", mobile="13900000001")
    elsewhere = RepresentativeFactory(name="观澜的人", id_number=ID_ZHAO, region=tree["community_b1"], gender="female")
    rows = [
        person_row(),  # an update: fills the ID number, changes the mobile
        person_row("李强", 身份证号=ID_LI, 手机号="13912345678"),  # a new person
        person_row("癸", 身份证号=ID_ZHAO, 手机号="13612345678"),  # registered in another street
        person_row("子", 身份证号=ID_OTHER_LI, 政治面貌="13712345678"),  # a mobile in the wrong column
    ]
    client.force_login(street_a_user)
    record = upload(client, KEY, xlsx(KEY, rows))
    assert counts(record) == (1, 1, 0, 2), record.result["errors"]
    page = client.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    for number in (ID_WANG, ID_LI, ID_ZHAO, ID_OTHER_LI):
        assert number not in page and number.lower() not in page
    for number in (MOBILE_WANG, "13900000001", "13912345678", "13612345678", "13712345678"):
        assert number not in page
    assert mask_id_number(ID_WANG) in page and mask_mobile(MOBILE_WANG) in page
    assert "137****5678" in page  # the echoed cell, masked
    assert elsewhere.name not in page


def test_downloading_the_error_report_of_personal_columns_is_logged_as_an_export(client_a, tree, specialties):
    from registry.models import AccessLog

    record = upload(client_a, KEY, xlsx(KEY, [person_row(身份证号=wrong_check(ID_WANG))]))
    assert record.error_count == 1
    assert not AccessLog.objects.exists()
    report = client_a.get(reverse("registry:import_error_report", args=[record.pk]))
    assert report.status_code == 200 and report["Cache-Control"] == "no-store"
    log = AccessLog.objects.get()
    assert (log.action, log.user.username, log.fields) == ("export", "street_a", "身份证号、手机号")
    assert log.detail["import_record"] == record.pk and log.detail["rows"] == 1


def test_the_cells_of_bad_rows_are_kept_with_personal_data_masked(client_a, tree, specialties):
    bad_id = wrong_check(ID_WANG)
    record = upload(client_a, KEY, xlsx(KEY, [person_row(身份证号=bad_id, 手机号="13812340009", 专业特长="占星")]))
    assert record.error_count == 1
    stored = json.dumps(record.result, ensure_ascii=False)
    assert bad_id not in stored and "13812340009" not in stored  # as the model declares: id_number, mobile
    values = dict(zip(record.result["headers"], record.result["errors"][0]["values"], strict=False))
    assert values["身份证号"] == mask_id_number(bad_id) and values["手机号"] == mask_mobile("13812340009")
    assert values["姓名"] == "王丽"  # not personal: given back as typed
    response = client_a.get(reverse("registry:import_error_report", args=[record.pk]))
    report = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert bad_id not in str(list(report.active.values))


def test_the_cells_of_bad_rows_are_dropped_after_the_retention_period(client_a, tree, specialties):
    import time_machine
    from django.core.management import call_command
    from django.utils import timezone


    record = upload(client_a, KEY, xlsx(KEY, [person_row(身份证号=wrong_check(ID_WANG))]))
    client_a.post(reverse("registry:import_cancel", args=[record.pk]))  # the import ends
    record.refresh_from_db()
    assert record.finished_at is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89)):
        call_command("prune_import_records", stdout=io.StringIO())
    record.refresh_from_db()
    assert record.result["errors"][0]["values"]  # within the period: kept for the error report
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        call_command("prune_import_records", stdout=io.StringIO())
    record.refresh_from_db()
    [error] = record.result["errors"]
    assert error["values"] == [] and error["problems"]  # the reasons stay


# ---- the button, the declaration ----------------------------------------------------------------


def test_the_representative_list_shows_the_import_button_to_those_who_may_import(client, tree, street_a_user, analyst):
    upload_url = reverse("registry:import_upload", args=[KEY])
    client.force_login(street_a_user)
    page = client.get(reverse("talents:representative_list")).content.decode()
    assert f'href="{upload_url}" data-testid="import-link"' in page and "导入Excel" in page
    client.force_login(analyst)  # may view and export, not add
    assert 'data-testid="import-link"' not in client.get(reverse("talents:representative_list")).content.decode()
    assert client.get(upload_url).status_code == 403


def test_alternate_keys_are_checked_when_a_spec_is_declared():
    spec = importing.get_spec(KEY)
    declared = {"model": Representative, "columns": [], "create": spec.create, "update": spec.update}
    columns = [importing.Column("身份证号", "id_number", importing.IdNumber()), importing.Column("姓名", "name")]
    with pytest.raises(ImproperlyConfigured, match="备选键"):
        importing.ImportSpec(
            **{**declared, "columns": columns}, natural_key=("id_number",), alternate_keys=(("name", "birth_date"),)
        )
    with pytest.raises(ImproperlyConfigured, match="自然键"):  # an optional first key column needs another way
        importing.ImportSpec(**{**declared, "columns": columns}, natural_key=("id_number",))


def test_two_stored_people_of_the_same_name_and_birth_date_need_the_id_number(client_a, tree):
    for number in (ID_LI, ID_OTHER_LI):
        RepresentativeFactory(
            name="李强", id_number=number, birth_date=datetime.date(1980, 1, 1), region=tree["community_a1"]
        )
    row = person_row("李强", 身份证号=None, 出生日期="1980-01-01", 专业特长=None)
    record = upload(client_a, KEY, xlsx(KEY, [row]))
    assert problems(record) == {
        2: ["A列（姓名）：系统中有2条姓名、出生日期相同的记录，无法确定是哪一条，请填写身份证号以区分。"]
    }
    assert counts(upload(client_a, KEY, xlsx(KEY, [{**row, "身份证号": ID_LI}]))) == (0, 1, 0, 0)

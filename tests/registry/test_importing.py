"""Excel import of 行政区划 through the pages: template, preview of every bad cell, commit, error report, history."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pghistory.models import Events, MiddlewareEvents

from registry import importing
from registry.history import history_for
from registry.models import ImportRecord, ImportStatus, Region
from tests.importing import problems, workbook

pytestmark = pytest.mark.django_db

HEADERS = ["区划代码", "名称", "层级", "上级区划代码"]


def xlsx(rows, headers=HEADERS, title="行政区划") -> bytes:
    return workbook(headers, rows, title)


def upload(client, content: bytes, name="行政区划.xlsx", key="registry.region"):
    file = SimpleUploadedFile(name, content, content_type=importing.XLSX_CONTENT_TYPE)
    return client.post(reverse("registry:import_upload", args=[key]), {"file": file})


def latest() -> ImportRecord:
    return ImportRecord.objects.latest("pk")


def commit(client, record):
    return client.post(
        reverse("registry:import_commit", args=[record.pk]), {"confirmed_errors": str(record.error_count)}
    )


def region_snapshot():
    return sorted(Region.objects.values_list("code", "name", "level", "parent_id", "path"))


def grant_region_import(user):
    """Street staff may only view regions; importing them needs add and change as well."""
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registry", codename__in=["add_region", "change_region"])
    )
    return user


@pytest.fixture
def importer(street_a_user):
    """Staff of 民治街道 who may add and change regions."""
    return grant_region_import(street_a_user)


@pytest.fixture
def client_a(client, importer):
    client.force_login(importer)
    return client


# ---- template -------------------------------------------------------------------------------


def test_template_has_headers_instructions_dropdowns_and_only_regions_in_scope(client_a, tree):
    response = client_a.get(reverse("registry:import_template", args=["registry.region"]))
    assert response.status_code == 200
    assert response["Content-Type"] == importing.XLSX_CONTENT_TYPE
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data = wb["行政区划"]
    assert [c.value for c in data[1]] == HEADERS
    assert data.max_row == 1  # no example row where the data goes
    validations = {str(v.sqref).split(":")[0]: v for v in data.data_validations.dataValidation}
    assert "社区/村/嘎查" in validations["C2"].formula1
    assert validations["C2"].showErrorMessage
    # the region suggestions hold only the user's street and below; a code may be typed too
    names = set(dropdown_values(wb, validations["D2"]))
    assert names == {"民治街道", "民治1社区", "民治2社区", "民治1第1网格"}
    assert not validations["D2"].showErrorMessage
    help_rows = list(wb[importing.INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    assert help_rows[[r[0] for r in help_rows].index("层级")][:2] == ("层级", "是")
    assert any(row[0] == "440309002008" for row in help_rows)  # the example lives on the instructions sheet


def dropdown_values(wb, validation) -> list[str]:
    formula = validation.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in wb[sheet.strip("'")][f"{first}:{last}"] for c in row]


def test_long_region_lists_go_to_a_hidden_sheet(client, district_admin, tree):
    from tests.factories import RegionFactory

    for n in range(30):
        RegionFactory(
            code=f"440309002{n + 100:03d}", name=f"民治第{n + 100}号社区", level="community", parent=tree["street_a"]
        )
    client.force_login(district_admin)
    response = client.get(reverse("registry:import_template", args=["registry.region"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb[importing.OPTIONS_SHEET].sheet_state == "hidden"
    validation = next(v for v in wb["行政区划"].data_validations.dataValidation if str(v.sqref).startswith("D2"))
    values = dropdown_values(wb, validation)
    assert len(values) == 10 + 30 - 1  # the district's regions (the city is above the scope)
    assert "民治第129号社区" in values and "深圳市" not in values


def test_untouched_template_imports_nothing(client_a, tree):
    template = b"".join(client_a.get(reverse("registry:import_template", args=["registry.region"])).streaming_content)
    before = region_snapshot()
    response = upload(client_a, template)
    assert response.status_code == 200
    assert "文件中没有数据" in response.content.decode()
    assert latest().status == ImportStatus.FAILED
    assert region_snapshot() == before


# ---- preview: every bad cell, with its row and column ---------------------------------------


def test_every_problem_is_reported_with_sheet_row_column_and_reason(client_a, tree):
    content = xlsx(
        [
            ["440309002003", "民治3社区", "社区", "民治街道"],  # 2: good
            ["", "无代码社区", "社区", "民治街道"],  # 3: required
            ["44030900200X", "坏代码社区", "社区", "民治街道"],  # 4: code format
            ["440309002004", "名" * 51, "社区", "民治街道"],  # 5: too long
            ["440309002005", "民治5社区", "乡", "民治街道"],  # 6: not a level
            ["440309002006", "民治6社区", "社区", "不存在街道"],  # 7: no such region
            ["440309002007", "民治7社区", "社区", "观澜街道"],  # 8: outside the scope
            ["440309002008", "民治8社区", "网格", "民治街道"],  # 9: level rule (Region.clean)
            ["440309002009", "民治9社区", "社区", "民治街道"],  # 10: duplicate of 11
            ["４４０３０９００２００９", "民治9社区（重）", "社区", "民治街道"],  # 11: full-width duplicate of 10
            ["440309006001", "观澜1社区", "社区", "民治街道"],  # 12: exists outside the scope
            ["440309002010", "民治1社区", "社区", "民治街道"],  # 13: name taken under the parent
        ]
    )
    response = upload(client_a, content)
    record = latest()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_record", args=[record.pk])
    assert record.status == ImportStatus.PENDING
    assert (record.total_rows, record.create_count, record.error_count) == (12, 1, 11)
    found = problems(record)
    assert found[3] == ["A列（区划代码）：必填，不能为空。"]
    assert found[4] == ["A列（区划代码）：区划代码应为2—20位数字。"]
    assert found[5][0].startswith("B列（名称）：") and "50" in found[5][0]
    assert found[6][0].startswith("C列（层级）：“乡”不是可选值")
    assert found[7] == ["D列（上级区划代码）：找不到区划“不存在街道”，或它不在您的管辖区域内。"]
    assert found[8] == ["D列（上级区划代码）：找不到区划“观澜街道”，或它不在您的管辖区域内。"]
    assert found[9] == ["C列（层级）：“民治街道”的下级应为社区/村/嘎查。"]
    assert found[10] == ["A列（区划代码）：与第11行重复（区划代码相同），请只保留一行。"]
    assert found[11] == ["A列（区划代码）：与第10行重复（区划代码相同），请只保留一行。"]
    assert "已登记在您管辖区域以外" in found[12][0] and found[12][0].startswith("A列")
    assert found[13] == ["B列（名称）：上级区划下已有名为“民治1社区”的区划。"]
    assert record.result["sheet"] == "行政区划"

    page = client_a.get(response["Location"]).content.decode()
    assert "有错误的行（11）" in page
    assert "第 7 行" in page and "D列 · 上级区划代码" in page
    assert "导入其余 1 行有效数据" in page


def test_a_row_with_several_problems_lists_them_all(client_a, tree):
    upload(client_a, xlsx([["abc", "", "乡", "观澜街道"]]))
    reasons = problems(latest())[2]
    assert [r.split("：")[0] for r in reasons] == [
        "A列（区划代码）",
        "B列（名称）",
        "C列（层级）",
        "D列（上级区划代码）",
    ]


def test_stray_spaces_full_width_digits_and_labels_are_tolerated(client_a, tree):
    upload(client_a, xlsx([["  ４４０３０９００２０１１ ", " 民治11社区\u3000", " 社区 ", "４４０３０９００２"]]))
    record = latest()
    assert record.error_count == 0, record.result["errors"]
    commit(client_a, record)
    region = Region.objects.get(code="440309002011")
    assert (region.name, region.level, region.parent) == ("民治11社区", "community", tree["street_a"])


def test_region_given_by_full_name_and_ambiguous_name_asks_for_a_code(client_a, tree):
    from tests.factories import RegionFactory

    # a second "民治1第1网格" elsewhere in the street makes that name ambiguous
    RegionFactory(code="440309002002009", name="民治1第1网格", level="grid", parent=tree["community_a2"])
    upload(
        client_a,
        xlsx(
            [
                ["440309002001002", "民治1第2网格", "网格", "龙华区民治街道民治1社区"],
                ["440309002001003", "民治1第3网格", "网格", "民治1第1网格"],
            ]
        ),
    )
    record = latest()
    assert record.create_count == 1
    assert problems(record)[3][0].startswith("D列（上级区划代码）：区划名称“民治1第1网格”在您的管辖区域内有2个")


# ---- nothing before commit; commit; error report ---------------------------------------------


def test_nothing_is_written_before_commit_then_good_rows_commit_and_bad_rows_come_back(client_a, tree):
    before = region_snapshot()
    events_before = Events.objects.count()
    content = xlsx(
        [
            ["440309002003", "民治3社区", "社区", "民治街道"],
            ["440309002004", "民治4社区", "乡", "民治街道"],
            ["440309002001", "民治一社区", "社区", "440309002"],
            ["=1+1", "公式社区", "社区", "观澜街道"],
        ]
    )
    upload(client_a, content)
    record = latest()
    assert (record.create_count, record.update_count, record.error_count) == (1, 1, 2)
    assert region_snapshot() == before
    assert Events.objects.count() == events_before

    page = client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    assert "导入其余 2 行有效数据" in page
    assert "民治1社区" in page and "民治一社区" in page  # the update's before → after

    response = commit(client_a, record)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    assert (record.create_count, record.update_count, record.error_count) == (1, 1, 2)
    assert record.file_content is None
    assert Region.objects.get(code="440309002003").parent == tree["street_a"]
    assert Region.objects.get(code="440309002001").name == "民治一社区"
    assert not Region.objects.filter(code="440309002004").exists()

    report = client_a.get(reverse("registry:import_error_report", args=[record.pk]))
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == (*HEADERS, "错误原因")
    assert [row[:4] for row in rows[1:]] == [
        ("440309002004", "民治4社区", "乡", "民治街道"),
        ("'=1+1", "公式社区", "社区", "观澜街道"),  # neutralised as the list export does, not a formula
    ]
    assert rows[1][4].startswith("第3行：C列（层级）：“乡”不是可选值")
    assert "第5行" in rows[2][4] and "D列（上级区划代码）" in rows[2][4]


@pytest.mark.parametrize("hostile", ["+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1", "=HYPERLINK(\"x\")"])
def test_the_error_report_neutralises_formulas_and_keeps_the_dropdowns(client_a, tree, hostile):
    upload(client_a, xlsx([["440309002004", hostile, "乡", "民治街道"]]))
    record = latest()
    report = b"".join(client_a.get(reverse("registry:import_error_report", args=[record.pk])).streaming_content)
    sheet = load_workbook(io.BytesIO(report)).active
    cell = sheet["B2"]
    assert cell.data_type == "s" and cell.value == "'" + hostile
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    dropdowns = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "社区/村/嘎查" in dropdowns["C2"]  # 层级 gets the template's dropdown back


def test_a_confirm_writes_only_what_its_preview_showed(client_a, tree):
    rows = [["440309002003", "民治3社区", "社区", "民治街道"], ["440309002004", "民治4社区", "社区", "民治街道"]]
    upload(client_a, xlsx(rows))
    record = latest()
    assert (record.create_count, record.update_count) == (2, 0)
    # meanwhile someone else's import creates the same two regions under other names
    for code, name in [("440309002003", "别人的3社区"), ("440309002004", "别人的4社区")]:
        Region.objects.create(code=code, name=name, level="community", parent=tree["street_a"])
    before = region_snapshot()

    commit(client_a, record)
    record.refresh_from_db()
    assert region_snapshot() == before  # nothing silently updated
    assert record.status == ImportStatus.PENDING
    assert record.message.startswith("预览之后数据已变化，请重新预览（第2行预览时为“新增”，现在为“更新”")
    assert (record.create_count, record.update_count) == (0, 2)  # the new preview
    page = client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    assert "预览之后数据已变化，请重新预览" in page and "别人的3社区" in page

    commit(client_a, record)  # confirmed again, after seeing the new preview
    assert Region.objects.get(code="440309002003").name == "民治3社区"


def test_a_neutralised_cell_of_the_error_report_imports_as_it_was_typed(client_a, tree):
    upload(client_a, xlsx([["440309002004", "-民治4社区", "乡", "民治街道"]]))
    report = b"".join(client_a.get(reverse("registry:import_error_report", args=[latest().pk])).streaming_content)
    wb = load_workbook(io.BytesIO(report))
    assert wb.active["B2"].value == "'-民治4社区"
    wb.active["C2"] = "社区"
    fixed = io.BytesIO()
    wb.save(fixed)
    upload(client_a, fixed.getvalue(), name="改正后.xlsx")
    commit(client_a, latest())
    assert Region.objects.get(code="440309002004").name == "-民治4社区"


def test_the_error_report_can_be_corrected_and_imported(client_a, tree):
    upload(client_a, xlsx([["440309002004", "民治4社区", "乡", "民治街道"]]))
    record = latest()
    report = b"".join(client_a.get(reverse("registry:import_error_report", args=[record.pk])).streaming_content)
    wb = load_workbook(io.BytesIO(report))
    wb.active["C2"] = "社区"
    fixed = io.BytesIO()
    wb.save(fixed)
    upload(client_a, fixed.getvalue(), name="改正后.xlsx")
    corrected = latest()
    assert corrected.error_count == 0
    assert corrected.result["ignored"] == ["错误原因"]  # the extra column is shown as ignored
    commit(client_a, corrected)
    assert Region.objects.filter(code="440309002004", level="community").exists()


def test_errors_are_skipped_only_when_the_confirmation_matches_the_preview(client_a, tree):
    upload(client_a, xlsx([["440309002003", "民治3社区", "社区", "民治街道"], ["", "x", "社区", "民治街道"]]))
    record = latest()
    response = client_a.post(reverse("registry:import_commit", args=[record.pk]), {"confirmed_errors": "0"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING
    assert not Region.objects.filter(code="440309002003").exists()


def test_reimporting_the_same_file_is_all_unchanged(client_a, tree):
    content = xlsx(
        [
            ["440309002003", "民治3社区", "社区", "民治街道"],
            ["440309002001", "民治1社区", "社区", "440309002"],
            ["440309002003001", "民治3第1网格", "网格", "440309002003"],
        ]
    )
    upload(client_a, content)
    commit(client_a, latest())
    assert latest().status == ImportStatus.DONE
    events = Events.objects.count()
    upload(client_a, content)
    again = latest()
    assert (again.total_rows, again.unchanged_count, again.create_count, again.update_count) == (3, 3, 0, 0)
    page = client_a.get(reverse("registry:import_record", args=[again.pk])).content.decode()
    assert "没有需要新增或更新的数据" in page and 'data-testid="commit-button"' not in page
    assert Events.objects.count() == events


def test_an_update_changes_exactly_the_changed_fields_and_writes_history(client_a, tree, importer):
    grid = tree["grid_a"]
    before = Region.objects.get(pk=grid.pk)
    upload(client_a, xlsx([[grid.code, "民治1第一网格", "网格", "民治1社区"]]))
    record = latest()
    assert record.update_count == 1
    assert record.result["updates"][0]["changes"] == [
        {"field": "名称", "before": "民治1第1网格", "after": "民治1第一网格"}
    ]
    commit(client_a, record)
    after = Region.objects.get(pk=grid.pk)
    assert after.name == "民治1第一网格"
    assert (after.code, after.level, after.parent_id, after.path) == (
        before.code,
        before.level,
        before.parent_id,
        before.path,
    )
    event = history_for(after)[0]
    assert event["label"] == "修改"
    assert event["changes"] == [{"field": "名称", "before": "民治1第1网格", "after": "民治1第一网格"}]
    assert event["user"] == importer
    context = MiddlewareEvents.objects.tracks(after).order_by("-pgh_created_at", "-pgh_id").first()
    assert context.pgh_context["source"] == "Excel导入"
    assert context.pgh_context["import_id"] == record.pk


def test_moving_a_region_re_roots_its_subtree(client_a, tree):
    grid = tree["grid_a"]
    upload(
        client_a,
        xlsx([["440309002001", "民治1社区", "社区", "440309002"], [grid.code, grid.name, "网格", "民治2社区"]]),
    )
    record = latest()
    assert (record.unchanged_count, record.update_count) == (1, 1)
    commit(client_a, record)
    grid.refresh_from_db()
    assert grid.parent == tree["community_a2"]
    assert grid.path == f"{tree['community_a2'].path}{grid.code}/"


def test_a_tree_in_one_file_is_created_parents_first_whatever_the_row_order(client_a, tree):
    content = xlsx(
        [
            ["440309002003001", "民治3第1网格", "网格", "440309002003"],  # child before its parent
            ["440309002003", "民治3社区", "社区", "民治街道"],
            ["440309002004", "民治4社区", "社区", "民治街道"],
            ["440309002004001", "民治4第1网格", "网格", "440309002004"],
        ]
    )
    upload(client_a, content)
    record = latest()
    assert (record.create_count, record.error_count) == (4, 0)
    commit(client_a, record)
    grid = Region.objects.get(code="440309002003001")
    assert grid.parent.code == "440309002003"
    assert grid.path == "/440300/440309/440309002/440309002003/440309002003001/"


def test_references_inside_the_file_report_bad_targets_and_cycles(client_a, tree):
    content = xlsx(
        [
            ["440309002003001", "民治3第1网格", "网格", "440309002003"],  # 2: its parent row is bad
            ["440309002003", "民治3社区", "乡", "民治街道"],  # 3: bad level
            ["440309002005", "甲", "社区", "440309002006"],  # 4 ↔ 5: a cycle
            ["440309002006", "乙", "社区", "440309002005"],
            ["440309002007", "丙", "社区", "440309002007"],  # 6: its own parent
        ]
    )
    upload(client_a, content)
    found = problems(latest())
    assert found[2] == ["D列（上级区划代码）：“440309002003”在本文件第3行，该行有错误，本行无法导入。"]
    assert "循环" in found[4][0] or "循环" in found[5][0]
    assert found[6] == ["D列（上级区划代码）：“440309002007”是本行自身，不能引用自己。"]
    assert set(found) == {2, 3, 4, 5, 6}


def test_a_long_chain_of_references_is_resolved_without_recursion(importer, tree):
    # each row's parent is the next row: the last one hangs under the street, the rest break the level rules
    rows = [[f"4403090021{n:04d}", f"链{n}", "社区", f"4403090021{n + 1:04d}"] for n in range(1500)]
    rows[-1][3] = "民治街道"
    counts, result = importing.preview(importing.get_spec("registry.region"), importer, xlsx(reversed(rows)))
    assert (counts["create"], counts["error"]) == (1, 1499)
    assert result["creates"][0]["label"] == "44030900211499（链1499）"


# ---- scope and permissions -------------------------------------------------------------------


def test_regions_outside_the_scope_are_refused_and_nothing_changes(client_a, tree):
    before = region_snapshot()
    content = xlsx(
        [
            ["440309006003", "观澜3社区", "社区", "440309006"],  # parent in street B
            ["440309006001", "观澜一社区", "社区", "观澜街道"],  # update of street B's community
            ["440309002", "民治街道", "街道", "龙华区"],  # the district is above the user's scope
        ]
    )
    upload(client_a, content)
    record = latest()
    assert record.error_count == 3
    found = problems(record)
    assert "不在您的管辖区域内" in found[2][0]
    assert all("不在您的管辖区域" in reason or "您管辖区域以外" in reason for reason in found[3])
    assert found[4] == ["D列（上级区划代码）：找不到区划“龙华区”，或它不在您的管辖区域内。"]
    assert (
        'data-testid="commit-button"'
        not in client_a.get(reverse("registry:import_record", args=[record.pk])).content.decode()
    )
    assert region_snapshot() == before


def test_district_admin_imports_within_the_district(client, district_admin, tree):
    client.force_login(district_admin)
    upload(client, xlsx([["440309010", "新街道", "街道", "龙华区"], ["440310", "新区", "区/县/旗", "深圳市"]]))
    record = latest()
    assert record.create_count == 1
    assert "找不到区划“深圳市”" in problems(record)[3][0]


def test_an_existing_region_moves_under_a_parent_created_in_the_same_file(client, district_admin, tree):
    community = tree["community_a2"]
    client.force_login(district_admin)
    content = xlsx([[community.code, community.name, "社区", "440309010"], ["440309010", "新街道", "街道", "龙华区"]])
    upload(client, content)
    record = latest()
    assert (record.create_count, record.update_count, record.error_count) == (1, 1, 0)
    assert record.result["updates"][0]["changes"] == [
        {"field": "上级区划代码", "before": "民治街道（440309002）", "after": "440309010（本文件第3行新增）"}
    ]
    commit(client, record)
    community.refresh_from_db()
    assert community.parent.code == "440309010"
    assert community.path == f"/440300/440309/440309010/{community.code}/"


def test_importing_needs_add_and_change_permission(client, street_a_user, tree):
    client.force_login(street_a_user)  # street staff may only view regions
    assert client.get(reverse("registry:import_upload", args=["registry.region"])).status_code == 403
    assert client.get(reverse("registry:import_template", args=["registry.region"])).status_code == 403
    assert upload(client, xlsx([["440309002003", "民治3社区", "社区", "民治街道"]])).status_code == 403
    assert not ImportRecord.objects.exists()


def test_unknown_model_is_404(client_a):
    assert client_a.get(reverse("registry:import_upload", args=["registry.nothing"])).status_code == 404


def test_records_are_seen_by_their_owner_and_unrestricted_users_only(client, client_a, tree, street_b_user, superuser):
    upload(client_a, xlsx([["440309002003", "民治3社区", "社区", "民治街道"]]))
    record = latest()
    record_url = reverse("registry:import_record", args=[record.pk])
    client_a.logout()

    client.force_login(street_b_user)
    assert client.get(record_url).status_code == 404
    assert client.get(reverse("registry:import_error_report", args=[record.pk])).status_code == 404
    assert record.file_name not in client.get(reverse("registry:import_list")).content.decode()
    assert commit(client, record).status_code == 404

    client.force_login(superuser)
    assert client.get(record_url).status_code == 200
    assert record.file_name in client.get(reverse("registry:import_list")).content.decode()
    # only the uploader confirms what they previewed
    assert commit(client, record).status_code == 403
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING


def test_district_admin_sees_the_imports_of_staff_in_the_district(client, client_a, tree, district_admin):
    upload(client_a, xlsx([["440309002003", "民治3社区", "社区", "民治街道"]]))
    record = latest()
    client.force_login(district_admin)
    assert client.get(reverse("registry:import_record", args=[record.pk])).status_code == 200
    assert ImportRecord.objects.visible_to(district_admin).filter(pk=record.pk).exists()


def test_cancel_writes_nothing_and_forgets_the_file(client_a, tree):
    before = region_snapshot()
    upload(client_a, xlsx([["440309002003", "民治3社区", "社区", "民治街道"]]))
    record = latest()
    response = client_a.post(reverse("registry:import_cancel", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert record.file_content is None
    assert commit(client_a, record).status_code == 302
    assert region_snapshot() == before


def test_list_and_menu(client_a, tree):
    upload(client_a, xlsx([["440309002003", "民治3社区", "社区", "民治街道"]], title="我的表"))
    page = client_a.get(reverse("registry:import_list")).content.decode()
    assert "行政区划.xlsx" in page and "待确认" in page
    assert reverse("registry:import_upload", args=["registry.region"]) in page
    dashboard = client_a.get(reverse("registry:dashboard")).content.decode()
    assert "导入记录" in dashboard


# ---- a failure half way ----------------------------------------------------------------------


def test_a_failure_half_way_rolls_everything_back_and_the_record_says_why(client_a, tree, monkeypatch):
    from django.core.exceptions import ValidationError

    spec = importing.get_spec("registry.region")
    real_create = spec.create
    calls = []

    def create_then_fail(*, user, data):
        calls.append(data["code"])
        if len(calls) == 2:
            raise ValidationError({"name": "模拟的保存失败。"})
        return real_create(user=user, data=data)

    monkeypatch.setattr(spec, "create", create_then_fail)
    before = region_snapshot()
    upload(
        client_a,
        xlsx([["440309002003", "民治3社区", "社区", "民治街道"], ["440309002004", "民治4社区", "社区", "民治街道"]]),
    )
    record = latest()
    commit(client_a, record)
    record.refresh_from_db()
    assert calls == ["440309002003", "440309002004"]
    assert record.status == ImportStatus.FAILED
    assert "第3行" in record.message and "模拟的保存失败" in record.message and "已全部撤销" in record.message
    assert region_snapshot() == before


def test_data_changed_after_the_preview_refuses_the_commit(client_a, tree):
    from tests.factories import RegionFactory

    upload(
        client_a,
        xlsx([["440309002003", "民治3社区", "社区", "民治街道"], ["440309002004", "民治4社区", "社区", "民治街道"]]),
    )
    record = latest()
    # someone else takes the name under the same parent before the user confirms
    RegionFactory(code="440309002099", name="民治4社区", level="community", parent=tree["street_a"])
    commit(client_a, record)
    record.refresh_from_db()
    assert record.status == ImportStatus.PENDING  # previewed again, to be confirmed again
    assert record.message.startswith("预览之后数据已变化，请重新预览") and "第3行" in record.message
    assert (record.create_count, record.error_count) == (1, 1)
    assert not Region.objects.filter(code="440309002003").exists()


def test_import_records_are_read_only_in_the_admin(client, client_a, tree, superuser):
    upload(client_a, xlsx([["440309002003", "民治3社区", "社区", "民治街道"]]))
    record = latest()
    client.force_login(superuser)
    assert client.get(reverse("admin:registry_importrecord_changelist")).status_code == 200
    change = client.get(reverse("admin:registry_importrecord_change", args=[record.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:registry_importrecord_add")).status_code == 403


# ---- the file itself is treated as hostile -----------------------------------------------------


def _refusal(client, content: bytes) -> str:
    upload(client, content)
    record = latest()
    assert record.status == ImportStatus.FAILED and record.result == {} and record.total_rows == 0
    return record.message


def _saved(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_two_sheets_matching_is_refused(client_a, tree):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "行政区划"
    wb.active.append(HEADERS)
    other = wb.create_sheet("副本")
    other.append(HEADERS)
    assert "有2个工作表（「行政区划」、「副本」）都有「行政区划」的表头" in _refusal(client_a, _saved(wb))


def test_merged_header_cells_and_formulas_are_refused(client_a, tree):
    wb = load_workbook(io.BytesIO(xlsx([["440309002003", "民治3社区", "社区", "民治街道"]])))
    wb.active.merge_cells("A1:B1")
    assert "表头有合并单元格（A1:B1）" in _refusal(client_a, _saved(wb))

    wb = load_workbook(io.BytesIO(xlsx([["440309002003", "民治3社区", "社区", "民治街道"]])))
    wb.active["B2"] = '=CONCATENATE("民治","3社区")'
    assert "工作表中有公式" in _refusal(client_a, _saved(wb))
    assert not Region.objects.filter(code="440309002003").exists()


def test_huge_dimensions_and_zip_bombs_are_refused_before_any_row_is_read(client_a, tree):
    import zipfile

    content = xlsx([["440309002003", "民治3社区", "社区", "民治街道"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    parts = {name: source.read(name) for name in source.namelist()}

    def package(parts: dict) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts.items():
                target.writestr(name, data)
        return buffer.getvalue()

    # the same sheet claiming a million rows
    sheet = parts["xl/worksheets/sheet1.xml"].replace(b'<dimension ref="A1:D2" />', b'<dimension ref="A1:D1048576" />')
    message = _refusal(client_a, package({**parts, "xl/worksheets/sheet1.xml": sheet}))
    assert "范围记录为 1048575 行、4 列，超过 100000 行" in message
    # 50 MB of zeros packed into a few KB
    buffer = io.BytesIO(package({**parts, "xl/media/padding.bin": b"\0" * (50 * 1024 * 1024)}))
    assert "文件结构异常" in _refusal(client_a, buffer.getvalue())


def test_control_characters_in_cells_are_refused_like_in_forms(client_a, tree):
    # openpyxl cannot hold a raw control character; Excel writes it escaped as _x0007_, which counts the same
    upload(client_a, xlsx([["440309002003", "民治_x0007_3社区", "社区", "民治街道"]]))
    assert problems(latest()) == {2: ["B列（名称）：内容含有不可见的控制字符（_x0007_），请删除后重新填写。"]}

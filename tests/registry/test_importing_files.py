"""Files refused as a whole: another model's, damaged, not .xlsx, encrypted, too large, too many rows."""

import io
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook

from registry.models import ImportRecord, ImportStatus, Region
from tests.registry.test_importing import grant_region_import, latest, region_snapshot, upload, xlsx

pytestmark = pytest.mark.django_db

GOOD_ROW = ["440309002003", "民治3社区", "社区", "民治街道"]


@pytest.fixture
def client_a(client, street_a_user):
    client.force_login(grant_region_import(street_a_user))
    return client


def assert_refused(response, *phrases):
    """The upload page comes back with the reason; the record is 失败 and keeps no file."""
    assert response.status_code == 200
    body = response.content.decode()
    for phrase in phrases:
        assert phrase in body
    record = latest()
    assert record.status == ImportStatus.FAILED
    assert record.file_content is None
    assert all(phrase in record.message for phrase in phrases)
    return record


def test_a_file_of_another_model_is_refused(client_a, tree):
    before = region_snapshot()
    content = xlsx(
        [["深圳市某某协会", "51440300MA5xxxxxxx"]], headers=["社会组织名称", "统一社会信用代码"], title="社会组织"
    )
    record = assert_refused(upload(client_a, content), "与「行政区划」导入模板不一致", "区划代码")
    assert len(record.file_sha256) == 64
    assert region_snapshot() == before


def test_headers_are_found_below_a_title_row_and_extra_columns_are_ignored(client_a, tree):
    wb = Workbook()
    ws = wb.active
    ws.append(["民治街道行政区划台账（2026年）"])
    ws.append(["序号", "区划代码 ", "名称*", "层级", "上级区划代码", "备注"])
    ws.append([1, *GOOD_ROW, "新建"])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload(client_a, buffer.getvalue())
    record = latest()
    assert record.status == ImportStatus.PENDING
    assert (record.create_count, record.error_count) == (1, 0)
    assert record.result["ignored"] == ["序号", "备注"]
    assert record.result["creates"] == [{"row": 3, "label": "440309002003（民治3社区）"}]


def test_a_repeated_header_is_refused(client_a, tree):
    content = xlsx([[*GOOD_ROW, "民治三社区"]], headers=["区划代码", "名称", "层级", "上级区划代码", "名称"])
    assert_refused(upload(client_a, content), "表头“名称”出现了2次（B列、E列）")


def test_a_file_without_the_optional_column_leaves_that_field_alone(client_a, tree):
    community = tree["community_a1"]
    upload(client_a, xlsx([[community.code, "民治一社区", "社区"]], headers=["区划代码", "名称", "层级"]))
    record = latest()
    assert record.result["missing"] == ["上级区划代码"]
    assert record.result["updates"][0]["changes"] == [{"field": "名称", "before": "民治1社区", "after": "民治一社区"}]


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a spreadsheet at all",
        b"\xef\xbb\xbf\xe5\x8c\xba\xe5\x88\x92\xe4\xbb\xa3\xe7\xa0\x81,\xe5\x90\x8d\xe7\xa7\xb0\n",  # a CSV
        b"",
    ],
    ids=["text", "csv", "empty"],
)
def test_a_file_that_is_not_xlsx_is_refused(client_a, tree, content):
    before = region_snapshot()
    response = upload(client_a, content, name="数据.xlsx")
    if not content:
        assert "上传的文件是空的" in response.content.decode()
        assert not ImportRecord.objects.exists()
    else:
        assert_refused(response, "不是有效的 Excel 工作簿")
    assert region_snapshot() == before


def test_a_damaged_xlsx_is_refused(client_a, tree):
    good = xlsx([GOOD_ROW])
    truncated = good[: len(good) // 2]
    assert_refused(upload(client_a, truncated), "文件已损坏")

    # a sound zip whose sheet XML is broken: only reading the rows finds it
    source = zipfile.ZipFile(io.BytesIO(good))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r='9'><c r='A9' t='s'><v>77")
            target.writestr(item, data)
    assert_refused(upload(client_a, broken.getvalue()), "文件已损坏")
    assert not Region.objects.filter(code="440309002003").exists()


def fake_ole2(*streams: str) -> bytes:
    """An OLE2 compound file's magic number and, as its directory holds them, UTF-16 stream names."""
    body = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + body + b"\x00" * 1024


def test_an_encrypted_xlsx_is_refused_with_how_to_remove_the_password(client_a, tree):
    record = assert_refused(upload(client_a, fake_ole2("EncryptionInfo", "EncryptedPackage")), "文件已加密")
    assert "清空密码" in record.message


def test_an_old_xls_is_refused_with_how_to_convert_it(client_a, tree):
    assert_refused(upload(client_a, fake_ole2("Workbook", "SummaryInformation"), name="旧.xls"), ".xls")


@override_settings(IMPORT_MAX_FILE_SIZE=1024)
def test_a_file_over_the_size_limit_is_refused_unread(client_a, tree):
    content = xlsx([GOOD_ROW])
    assert len(content) > 1024
    record = assert_refused(upload(client_a, content), "超过单次导入上限 1 KB")
    assert record.file_size == len(content)
    assert not Region.objects.filter(code="440309002003").exists()


@override_settings(IMPORT_MAX_ROWS=2)
def test_a_file_over_the_row_limit_is_refused(client_a, tree):
    rows = [[f"44030900200{n}", f"民治{n}社区", "社区", "民治街道"] for n in range(3, 6)]
    assert_refused(upload(client_a, xlsx(rows)), "超过 2 行")  # by the recorded range, before any row is read
    assert not Region.objects.filter(code__in=["440309002003", "440309002004"]).exists()


def test_blank_rows_between_and_after_the_data_are_skipped(client_a, tree):
    wb = Workbook()
    ws = wb.active
    ws.append(["区划代码", "名称", "层级", "上级区划代码"])
    ws.append(GOOD_ROW)
    ws.append([None, " ", None, None])
    ws.append(["440309002004", "民治4社区", "社区", "民治街道"])
    ws["D40"] = None
    ws["A41"].number_format = "@"  # a formatted but empty cell far down
    buffer = io.BytesIO()
    wb.save(buffer)
    upload(client_a, buffer.getvalue())
    record = latest()
    assert (record.total_rows, record.create_count) == (2, 2)
    assert [item["row"] for item in record.result["creates"]] == [2, 4]


def test_excel_dates_and_numbers_typed_in_code_cells(client_a, tree):
    """A code typed as a number is accepted while Excel kept it whole."""
    wb = Workbook()
    ws = wb.active
    ws.append(["区划代码", "名称", "层级", "上级区划代码"])
    ws.append([440309002003, "民治3社区", "社区", 440309002])
    ws.append([4.40309002003001e17, "民治网格", "网格", 440309002003])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload(client_a, buffer.getvalue())
    record = latest()
    assert record.create_count == 1
    reasons = record.result["errors"][0]["problems"]
    assert reasons[0]["column"] == "A" and "超过15位" in reasons[0]["message"]


def test_a_wrong_dimension_recorded_by_the_writer_does_not_cut_rows_off(client_a, tree):
    good = xlsx([GOOD_ROW, ["440309002004", "民治4社区", "社区", "民治街道"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:D3" />' in data
                data = data.replace(b'<dimension ref="A1:D3" />', b'<dimension ref="A1" />')
            target.writestr(item, data)
    upload(client_a, patched.getvalue())
    record = latest()
    assert (record.status, record.create_count) == (ImportStatus.PENDING, 2)

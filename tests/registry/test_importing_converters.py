"""Unit tests of the cell converters: the formats people type, and the reasons given for the rest."""

import datetime
import decimal

import pytest

from registry import importing
from registry.choices import RegionLevel
from registry.importing import Boolean, CellError, Choice, Code, Date, Decimal, Integer, ManyRef, Phone, Text
from registry.models import Region


def convert(converter, raw):
    return converter.convert(raw, None)


@pytest.mark.parametrize(
    "raw",
    [
        datetime.date(2023, 5, 1),
        datetime.datetime(2023, 5, 1, 0, 0),
        "2023-05-01",
        "2023-5-1",
        "2023/5/1",
        "2023.5.1",
        "2023年5月1日",
        "2023年05月01",
        "20230501",
        20230501,
        45047,  # Excel's serial number of 2023-05-01
        45047.0,
        " 2023-05-01 00:00:00 ",
        "２０２３／５／１",
        "２０２３年５月１日",
    ],
)
def test_dates_in_every_format_people_use(raw):
    assert convert(Date(), raw) == datetime.date(2023, 5, 1)


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ("2023-02-30", "不是有效日期"),
        ("2023-13-01", "不是有效日期"),
        ("五月一日", "不是可识别的日期"),
        ("2023-05", "不是可识别的日期"),
        (True, "不是日期"),
        (datetime.time(8, 30), "不是日期"),
        ("1899-12-31", "超出合理范围"),
        (-5, "不是日期"),
    ],
)
def test_bad_dates_say_why(raw, phrase):
    with pytest.raises(CellError, match=phrase):
        convert(Date(), raw)


@pytest.mark.parametrize(("raw", "value"), [("是", True), ("否", False), (" 是 ", True), (True, True), (False, False)])
def test_booleans(raw, value):
    assert convert(Boolean(), raw) is value


def test_boolean_refuses_other_words():
    with pytest.raises(CellError, match="应填写“是”或“否”"):
        convert(Boolean(), "不确定")


def level_choice() -> Choice:
    converter = Choice()
    converter.bind(Region._meta.get_field("level"))
    return converter


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("社区/村/嘎查", RegionLevel.COMMUNITY),
        ("社区", RegionLevel.COMMUNITY),
        ("村", RegionLevel.COMMUNITY),
        (" 街道 ", RegionLevel.STREET),
        ("镇", RegionLevel.STREET),
        ("区/县/旗", RegionLevel.DISTRICT),
        ("县", RegionLevel.DISTRICT),
        ("网格", RegionLevel.GRID),
        ("街道／镇／苏木乡镇", RegionLevel.STREET),  # full-width slashes
    ],
)
def test_choices_by_chinese_label_or_part_of_it(raw, value):
    assert convert(level_choice(), raw) == value


def test_choice_lists_what_is_allowed():
    with pytest.raises(CellError) as caught:
        convert(level_choice(), "乡")
    assert str(caught.value) == "“乡”不是可选值，可选：市、区/县/旗、街道/镇/苏木乡镇、社区/村/嘎查、网格。"


def test_ambiguous_label_parts_are_not_guessed():
    converter = Choice([("a", "民办/公办"), ("b", "公办/其他")])
    converter.bind(None)
    assert convert(converter, "民办") == "a"
    with pytest.raises(CellError):
        convert(converter, "公办")


@pytest.mark.parametrize(("raw", "value"), [(12, 12), (12.0, 12), ("１２", 12), (" 1,234 ", 1234), ("-3", -3)])
def test_integers(raw, value):
    assert convert(Integer(), raw) == value


@pytest.mark.parametrize("raw", [1.5, "1.5", "十二", True, "12人"])
def test_not_integers(raw):
    with pytest.raises(CellError):
        convert(Integer(), raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [(158.31, "158.31"), ("1,584,300.5", "1584300.5"), ("¥200元", "200"), ("２００．５", "200.5"), (3, "3")],
)
def test_decimals(raw, value):
    assert convert(Decimal(), raw) == decimal.Decimal(value)


@pytest.mark.parametrize("raw", ["一百", "NaN", "1.2.3", False])
def test_not_decimals(raw):
    with pytest.raises(CellError):
        convert(Decimal(), raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("４４０３０９", "440309"), (" 44 03 09 ", "440309"), (440309, "440309"), (440309.0, "440309"), ("ab1", "AB1")],
)
def test_codes_are_half_width_upper_case_without_spaces(raw, value):
    assert convert(Code(), raw) == value


def test_a_long_number_excel_has_already_rounded_is_refused():
    with pytest.raises(CellError, match="超过15位"):
        convert(Code(), 4.40309199001011e17)


def test_text_is_trimmed_and_blanks_collapsed():
    assert convert(Text(), "\u3000民治  街道 ") == "民治 街道"
    assert convert(Text(multiline=True), " 第一行 \n\n 第二行") == "第一行\n第二行"
    assert convert(Text(), 12.0) == "12"


@pytest.mark.parametrize(
    ("raw", "key"),
    [(" 区划代码 ", "区划代码"), ("名称*", "名称"), ("＊名称", "名称"), ("上级 区划代码", "上级区划代码")],
)
def test_headers_tolerate_spaces_and_required_marks(raw, key):
    assert importing.header_key(raw) == importing.header_key(key)


@pytest.mark.django_db
def test_region_by_code_name_full_name_and_only_in_scope(tree, street_a_user):
    from registry.importing import ImportContext, RegionRef

    converter = RegionRef(levels=[RegionLevel.COMMUNITY])
    converter.bind(Region._meta.get_field("parent"))
    ctx = ImportContext(importing.get_spec("registry.region"), street_a_user)
    community = tree["community_a1"]
    for raw in ["440309002001", "民治1社区", "龙华区民治街道民治1社区", " ４４０３０９００２００１ "]:
        assert converter.convert(raw, ctx) == community
    with pytest.raises(CellError, match="此列只能填写社区/村/嘎查"):
        converter.convert("民治街道", ctx)
    for outside in ["观澜1社区", "440309006001", "龙华区"]:
        with pytest.raises(CellError, match="不在您的管辖区域内"):
            converter.convert(outside, ctx)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        (13800138000, "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0755-23456789", "0755-23456789"),
        ("0755 2345 6789", "0755 2345 6789"),
        ("（0755）23456789转801", "(0755)23456789转801"),
    ],
)
def test_phones_are_mobiles_when_they_start_with_1_and_landlines_otherwise(raw, value):
    assert convert(Phone(), raw) == value


@pytest.mark.parametrize(
    ("raw", "phrase"), [("1380013800", "11位"), ("8888", "不是有效的电话号码"), ("无", "不是有效")]
)
def test_bad_phones_say_why(raw, phrase):
    with pytest.raises(CellError, match=phrase):
        convert(Phone(), raw)


def test_a_phone_is_shown_masked():
    from organizations.models import Organization

    converter = Phone()
    converter.bind(Organization._meta.get_field("contact_phone"))  # masked as the model declares it
    assert converter.display("13800138000") == "138****8000"


def test_a_list_cell_is_split_on_every_separator_people_use():
    from organizations.models import PartyOrganization

    converter = ManyRef(to_field="credit_code")
    converter.bind(PartyOrganization._meta.get_field("organizations"))
    cell = " 51440309mA0000001x、51440309MA00000022；51440309MA00000033;\n51440309MA00000044，51440309MA0000001X "
    assert converter.parts(cell) == [
        "51440309MA0000001X",
        "51440309MA00000022",
        "51440309MA00000033",
        "51440309MA00000044",
    ]
    assert converter.empty_value() == []
    assert converter.display([]) == "（空）"


@pytest.mark.django_db
def test_a_list_cell_names_every_unknown_or_out_of_scope_record_at_once(tree, street_a_user):
    from organizations.models import PartyOrganization
    from registry.importing import ImportContext
    from tests.factories import OrganizationFactory, valid_credit_code

    mine = OrganizationFactory(credit_code=valid_credit_code(1), name="民治的组织", region=tree["community_a1"])
    OrganizationFactory(credit_code=valid_credit_code(2), name="观澜的组织", region=tree["community_b1"])
    converter = ManyRef(to_field="credit_code", label="统一社会信用代码")
    converter.bind(PartyOrganization._meta.get_field("organizations"))
    ctx = ImportContext(importing.get_spec("organizations.partyorganization"), street_a_user)
    assert converter.convert(valid_credit_code(1), ctx) == [mine]
    with pytest.raises(CellError) as caught:
        converter.convert(f"{valid_credit_code(2)}、{valid_credit_code(1)}、{valid_credit_code(3)}", ctx)
    assert str(caught.value) == (
        f"找不到统一社会信用代码为“{valid_credit_code(2)}”、“{valid_credit_code(3)}”的社会组织，或不在您的管辖区域内。"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-03-12 09:00", (2022, 3, 12, 9, 0)),
        ("2022/3/12 9:00", (2022, 3, 12, 9, 0)),
        ("2022-03-12T09:00:00", (2022, 3, 12, 9, 0)),
        ("2022年3月12日 09：00", (2022, 3, 12, 9, 0)),
        (datetime.datetime(2022, 3, 12, 9, 0), (2022, 3, 12, 9, 0)),
        # Excel keeps 09:10 as a fraction of a day that may come back a hair early
        (datetime.datetime(2022, 3, 12, 9, 9, 59, 999_600), (2022, 3, 12, 9, 10)),
        (44632.375, (2022, 3, 12, 9, 0)),  # a serial date-time whose cell format was set to 常规
        # a plain date is 00:00 of that day
        ("2022-03-12", (2022, 3, 12, 0, 0)),
        (datetime.date(2022, 3, 12), (2022, 3, 12, 0, 0)),
    ],
)
def test_date_times_are_shanghai_wall_clock_times(raw, expected):
    from django.utils import timezone

    value = convert(importing.DateTime(), raw)
    assert timezone.is_aware(value)
    assert value == timezone.make_aware(datetime.datetime(*expected))
    assert str(value.tzinfo) == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ("2022-03-12 25:00", "中的时间不可识别"),
        ("2022-03-12 上午", "中的时间不可识别"),
        ("2022-02-30 09:00", "月或日超出范围"),
        (datetime.time(9, 0), "不是日期时间"),
        ("1850-01-01 09:00", "超出合理范围"),
    ],
)
def test_bad_date_times_say_why(raw, phrase):
    with pytest.raises(CellError, match=phrase):
        convert(importing.DateTime(), raw)

"""The engine with every kind of cell: a probe model declared the way an app declares its spec."""

import datetime
import decimal
import io

import pytest
from django.db import connection, models
from openpyxl import Workbook

from registry import importing
from registry.importing import Column, CreditCode, ForeignKeyRef, IdNumber, ImportSpec, Mobile
from registry.models import DictionaryItem, Region
from registry.validators import credit_code_check_char, id_number_check_char

pytestmark = pytest.mark.django_db


class ProbeTopic(DictionaryItem):
    class Meta(DictionaryItem.Meta):
        app_label = "importing_probe"  # not an installed app: no migration, the test creates the table
        verbose_name = "主题"


class Probe(models.Model):
    """Stands in for a domain model such as an organization or a representative."""

    personal_fields = {"id_number": "id_number", "mobile": "mobile"}  # declared on the model, as the apps do

    code = models.CharField("编号", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20)
    born = models.DateField("出生日期", null=True, blank=True)
    active = models.BooleanField("在册", default=False)
    staff = models.PositiveIntegerField("人数", null=True, blank=True)
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2, null=True, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    mobile = models.CharField("手机号", max_length=11, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    kind = models.CharField("类别", max_length=10, choices=[("group", "社会团体"), ("fund", "基金会")], blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    topic = models.ForeignKey(ProbeTopic, models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="主管单位")

    class Meta:
        app_label = "importing_probe"

    def __str__(self):
        return self.code


class ProbeChild(models.Model):
    probe = models.ForeignKey(Probe, models.CASCADE, related_name="+")

    class Meta:
        app_label = "importing_probe"

    def __str__(self):
        return str(self.probe)


def probe_create(*, user, data):
    return Probe.objects.create(**data)


def probe_update(*, user, instance, data):
    for name, value in data.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(data))
    return instance


# This is all an app writes to plug a model in: columns, natural key, services.
SPEC = ImportSpec(
    model=Probe,
    natural_key=("code",),
    columns=[
        Column("编号", "code", importing.Code()),
        Column("名称", "name"),
        Column("出生日期", "born"),
        Column("在册", "active"),
        Column("人数", "staff"),
        Column("金额", "amount"),
        Column("身份证号", "id_number", IdNumber()),
        Column("手机号", "mobile", Mobile()),
        Column("统一社会信用代码", "credit_code", CreditCode()),
        Column("类别", "kind"),
        Column("所在区划", "region"),
        Column("主题", "topic"),
        Column("主管单位代码", "unit", ForeignKeyRef(to_field="code", label="区划代码")),
    ],
    create=probe_create,
    update=probe_update,
)
HEADERS = [c.header for c in SPEC.columns]


def credit_code(n: int) -> str:
    first = f"51440309MA{n:07d}X"[:17]
    return first + credit_code_check_char(first)


def id_number(birth: str = "19900101", seq: str = "123") -> str:
    first = f"440309{birth}{seq}"
    return first + id_number_check_char(first)


def wrong_check(code: str) -> str:
    return code[:17] + ("1" if code[17] == "0" else "0")


@pytest.fixture
def probe_tables(db):
    with connection.schema_editor() as editor:
        editor.create_model(ProbeTopic)
        editor.create_model(Probe)
    ProbeTopic.objects.create(name="乡村振兴")
    ProbeTopic.objects.create(name="疫情防控", is_active=False)


def sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Probe"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_row(code="P001", **overrides):
    row = {
        "编号": code,
        "名称": "测试",
        "出生日期": datetime.date(1990, 1, 1),
        "在册": "是",
        "人数": 12,
        "金额": 158.31,
        "身份证号": id_number(),
        "手机号": "13800138000",
        "统一社会信用代码": credit_code(1),
        "类别": "社会团体",
        "所在区划": "民治1社区",
        "主题": "乡村振兴",
        "主管单位代码": "440309002",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def run_preview(user, rows):
    counts, result = importing.preview(SPEC, user, sheet(rows))
    found = {}
    for error in result["errors"]:
        for problem in error["problems"]:
            found[(error["row"], problem["column"], problem["header"])] = problem["message"]
    return counts, result, found


BAD_CELLS = [
    # (header, value, column, part of the message)
    ("出生日期", "2023-13-01", "C", "不是有效日期"),
    ("出生日期", "去年五月", "C", "不是可识别的日期"),
    ("出生日期", "1850-01-01", "C", "超出合理范围"),
    ("在册", "可能", "D", "应填写“是”或“否”"),
    ("人数", "十二", "E", "不是整数"),
    ("人数", 3.5, "E", "不是整数"),
    ("人数", -1, "E", "大于或等于0"),
    ("金额", "一百", "F", "不是数字"),
    ("金额", "1.234", "F", "2"),
    ("身份证号", wrong_check(id_number()), "G", "校验位错误"),
    ("身份证号", 440309199001011234, "G", "超过15位"),
    ("身份证号", "4403091990010112", "G", "应为18位"),
    ("手机号", "2380013800", "H", "11位"),
    ("统一社会信用代码", "51440309MA5FXXXXXI", "I", "不允许的字符"),
    ("统一社会信用代码", wrong_check(credit_code(1)), "I", "校验位错误"),
    ("类别", "基金", "J", "不是可选值，可选：社会团体、基金会"),
    ("所在区划", "观澜1社区", "K", "不在您的管辖区域内"),
    ("主题", "防汛", "L", "不在「主题」字典中"),
    ("主题", "疫情防控", "L", "已停用"),
    ("主管单位代码", "440309006", "M", "找不到区划代码为“440309006”"),
    ("名称", "", "B", "必填"),
    ("名称", "名" * 21, "B", "20"),
]


def test_every_kind_of_bad_cell_names_its_row_column_and_reason(probe_tables, street_a_user):
    rows = [good_row("P000")]
    for n, (header, value, _, _) in enumerate(BAD_CELLS, start=1):
        rows.append(good_row(f"P{n:03d}", **{header: value}))
    counts, _, found = run_preview(street_a_user, rows)
    assert counts["create"] == 1
    assert counts["error"] == len(BAD_CELLS)
    for n, (header, _, column, phrase) in enumerate(BAD_CELLS, start=1):
        message = found.get((n + 2, column, header))
        assert message is not None, (n + 2, header, found)
        assert phrase in message, (header, message)
    assert Probe.objects.count() == 0


def test_cells_in_the_formats_people_type_become_the_right_values(probe_tables, street_a_user):
    rows = [
        good_row("P1", **{"出生日期": "2023-05-01", "金额": "1,234.50元", "人数": "１２", "在册": "否"}),
        good_row("P2", **{"出生日期": "2023/5/1", "身份证号": f" {id_number().lower()} ", "类别": " 基金会"}),
        good_row("P3", **{"出生日期": "2023.5.1", "所在区划": "440309002001", "主管单位代码": "４４０３０９００２"}),
        good_row("P4", **{"出生日期": "2023年5月1日", "手机号": "138 0013 8000", "所在区划": "龙华区民治街道"}),
        good_row("P5", **{"出生日期": "20230501", "人数": "", "金额": None, "类别": None}),
        good_row("P6", **{"出生日期": 20230501, "身份证号": "", "手机号": None}),
        good_row("P7", **{"出生日期": 45047}),  # an Excel serial date in a 常规 cell
        good_row("P8", **{"出生日期": "２０２３－０５－０１"}),
    ]
    counts, _, found = run_preview(street_a_user, rows)
    assert counts["error"] == 0, found
    importing.commit(SPEC, street_a_user, sheet(rows), error_rows=set())
    probes = {p.code: p for p in Probe.objects.all()}
    assert {p.born for p in probes.values()} == {datetime.date(2023, 5, 1)}
    assert probes["P1"].amount == decimal.Decimal("1234.50") and probes["P1"].staff == 12 and not probes["P1"].active
    assert probes["P2"].id_number == id_number() and probes["P2"].kind == "fund"
    assert probes["P3"].region.code == "440309002001" and probes["P3"].unit.code == "440309002"
    assert probes["P4"].mobile == "13800138000" and probes["P4"].region.name == "民治街道"
    assert (probes["P5"].staff, probes["P5"].amount, probes["P5"].kind) == (None, None, "")
    assert (probes["P6"].id_number, probes["P6"].mobile) == ("", "")
    assert probes["P1"].topic.name == "乡村振兴"


def test_updates_list_each_change_and_mask_personal_data(probe_tables, street_a_user):
    importing.commit(SPEC, street_a_user, sheet([good_row("P1")]), error_rows=set())
    changed = good_row("P1", **{"手机号": "13900139000", "人数": 13, "在册": "是"})
    counts, result, _ = run_preview(street_a_user, [changed])
    assert (counts["update"], counts["unchanged"]) == (1, 0)
    assert result["updates"][0]["changes"] == [
        {"field": "人数", "before": "12", "after": "13"},
        {"field": "手机号", "before": "138****8000", "after": "139****9000"},
    ]
    importing.commit(SPEC, street_a_user, sheet([changed]), error_rows=set())
    probe = Probe.objects.get(code="P1")
    assert (probe.staff, probe.mobile) == (13, "13900139000")
    counts, _, _ = run_preview(street_a_user, [changed])
    assert counts["unchanged"] == 1


def test_a_changed_verdict_at_commit_refuses_everything(probe_tables, street_a_user):
    content = sheet([good_row("P1"), good_row("P2", **{"人数": "x"})])
    with pytest.raises(importing.ImportRefused, match="预览之后数据已变化，请重新预览"):
        importing.commit(SPEC, street_a_user, content, error_rows=set())
    assert Probe.objects.count() == 0


def test_a_new_spec_must_key_on_required_columns():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="自然键"):
        ImportSpec(model=Probe, natural_key=("born",), columns=SPEC.columns, create=probe_create, update=probe_update)


def test_a_foreign_key_needs_its_lookup_field():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ForeignKeyRef"):
        ImportSpec(
            model=ProbeChild,
            natural_key=("probe",),
            columns=[Column("样本", "probe")],
            create=probe_create,
            update=probe_update,
        )

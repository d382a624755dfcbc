"""Column specs of the organizations lists: the HTML table and the Excel export read the same columns."""

from registry.tables import Column, Table

from .models import Liaison, Organization

NOT_SURVEYED = "未摸底"


def survey_count(name: str):
    """A latest-survey count (annotate_coverage), or 未摸底 for an organization never surveyed: not a 0."""
    return lambda organization: getattr(organization, name) if getattr(organization, "surveyed", True) else NOT_SURVEYED

ORGANIZATION_TABLE = Table(
    model=Organization,
    columns=[
        Column("name", "名称", link=True, order_by="name", width=36),
        Column("credit_code", "统一社会信用代码", order_by="credit_code", width=22),
        Column("kind", "组织类型", order_by="kind", width=18),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=22),
        Column("industry", "行业类别", accessor="industry.name", order_by="industry__sort_order"),
        Column("status", "登记状态", order_by="status", width=10),
        Column("registration_date", "登记日期", order_by="registration_date", width=12),
        Column("legal_representative", "法定代表人", in_table=False),
        Column("contact_phone", "联系电话", in_table=False),
        Column("address", "住所", in_table=False, width=36),
        Column("supervising_unit", "业务主管单位", in_table=False, width=20),
        Column("registration_authority", "登记管理机关", in_table=False, width=18),
        Column("rating", "评估等级", order_by="rating", width=8),
        Column("rating_year", "评估年度", in_table=False, width=8),
        Column("is_hub", "枢纽型", in_table=False, width=8),
        Column("is_flagship", "品牌性", in_table=False, width=8),
        Column("on_abnormal_list", "活动异常名录", in_table=False, width=10),
        Column("honour_level", "示范性社会组织", in_table=False),
        Column("venture_list", "公益创投名单", in_table=False),
        Column("staff", "从业人员", accessor=survey_count("staff"), numeric=True, order_by="staff", width=10),
        Column(
            "party_members",
            "正式党员",
            accessor=survey_count("party_members"),
            numeric=True,
            order_by="party_members",
            width=10,
        ),
        Column(
            "mobile_members",
            "流动党员",
            accessor=survey_count("mobile_members"),
            numeric=True,
            in_table=False,
            width=10,
        ),
        Column("org_covered", "组织覆盖", order_by="org_covered", width=10, flag=True),
        Column("work_covered", "工作覆盖", order_by="work_covered", width=10, flag=True),
        Column("updated_at", "更新时间", order_by="updated_at", in_table=False, width=18),
    ],
    default_order=("-updated_at", "-pk"),
    detail_url_name="organizations:organization_detail",
)

ORGANIZATION_FIELDS = [
    Column("credit_code", "统一社会信用代码"),
    Column("kind", "组织类型"),
    Column("status", "登记状态"),
    Column("region", "所属区域", accessor="region.label"),
    Column("industry", "行业类别", accessor="industry.name"),
    Column("registration_authority", "登记管理机关"),
    Column("registration_date", "登记日期"),
    Column("supervising_unit", "业务主管单位"),
    Column("legal_representative", "法定代表人"),
    Column("contact_phone", "联系电话"),
    Column("address", "住所"),
    Column("rating", "评估等级", accessor=lambda o: f"{o.rating}（{o.rating_year}年）" if o.rating else ""),
    Column(
        "honour",
        "示范性社会组织",
        accessor=lambda o: f"{o.get_honour_level_display()}（{o.honour_year}年）" if o.honour_level else "",
    ),
    Column("venture_list", "公益创投名单"),
    Column(
        "flags",
        "标识",
        accessor=lambda o: "、".join(
            label
            for flag, label in (("is_hub", "枢纽型"), ("is_flagship", "品牌性"), ("on_abnormal_list", "活动异常名录"))
            if getattr(o, flag)
        ),
    ),
    Column("staff", "从业人员（最新摸底）", accessor=survey_count("staff")),
    Column("party_members", "正式党员（最新摸底）", accessor=survey_count("party_members")),
    Column("mobile_members", "其中流动党员", accessor=survey_count("mobile_members")),
    Column("remarks", "备注"),
]

SURVEY_TABLE = Table(
    columns=[
        Column("year", "年度", order_by="year", width=8, link=True),
        Column("organization", "社会组织", accessor="organization.name", order_by="organization__name", width=36),
        Column("staff_count", "从业人员数", numeric=True, order_by="staff_count"),
        Column("party_member_count", "正式党员数", numeric=True, order_by="party_member_count"),
        Column("probationary_member_count", "预备党员数", numeric=True),
        Column("mobile_party_member_count", "流动党员数", numeric=True),
        Column("surveyed_on", "调查日期"),
    ],
    default_order=("-year", "organization__name", "pk"),
    detail_url_name="organizations:annualsurvey_update",
)
# on an organization's own page the organization column says nothing new
ORGANIZATION_SURVEY_TABLE = Table(
    columns=[c for c in SURVEY_TABLE.columns if c.key != "organization"],
    detail_url_name="organizations:annualsurvey_update",
)

PARTY_ORGANIZATION_TABLE = Table(
    columns=[
        Column("name", "党组织名称", link=True, order_by="name", width=36),
        Column("kind", "组织类型", order_by="kind", width=14),
        Column("tier", "层级", order_by="tier", width=24),
        Column("parent", "上级党组织", accessor="parent.name", order_by="parent__name", width=30),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=20),
        Column("industry", "所属行业", accessor="industry.name", in_table=False),
        Column("secretary", "书记", order_by="secretary", width=10),
        Column("member_count", "党员人数", numeric=True, order_by="member_count", width=10),
        Column("covered_count", "覆盖社会组织", numeric=True, order_by="covered_count", width=12),
        Column("founded_date", "成立日期", order_by="founded_date", width=12),
    ],
    default_order=("tier", "name", "pk"),
    detail_url_name="organizations:partyorganization_detail",
)

PARTY_ORGANIZATION_FIELDS = [
    Column("kind", "组织类型"),
    Column("tier", "层级"),
    Column("parent", "上级党组织", accessor="parent.name"),
    Column("region", "所属区域", accessor="region.label"),
    Column("industry", "所属行业", accessor="industry.name"),
    Column("secretary", "书记"),
    Column("member_count", "党员人数"),
    Column("founded_date", "成立日期"),
    Column("remarks", "备注"),
]

LIAISON_TABLE = Table(
    model=Liaison,
    columns=[
        Column("name", "姓名", link=True, order_by="name", width=10),
        Column("gender", "性别", width=6),
        Column("mobile", "手机号", width=14),
        Column("work_unit", "工作单位", order_by="work_unit", width=30),
        Column("post", "职务", width=16),
        Column("is_party_member", "中共党员", width=8, flag=True),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=20),
        Column("active_count", "在任任职数", numeric=True, order_by="active_count", width=10),
    ],
    default_order=("name", "pk"),
    detail_url_name="organizations:liaison_detail",
)

LIAISON_FIELDS = [
    Column("gender", "性别"),
    Column("mobile", "手机号"),
    Column("work_unit", "工作单位"),
    Column("post", "职务"),
    Column("is_party_member", "中共党员"),
    Column("region", "所属区域", accessor="region.label"),
    Column("remarks", "备注"),
]

ASSIGNMENT_TABLE = Table(
    columns=[
        Column("liaison", "联络员", accessor="liaison.name", order_by="liaison__name", width=10),
        Column("role", "角色", order_by="role", width=14, link=True),
        Column("organization", "社会组织", accessor="organization.name", order_by="organization__name", width=36),
        Column("region", "所属区域", accessor="organization.region.label", order_by="organization__region__path"),
        Column("start_date", "开始日期", order_by="start_date", width=12),
        Column("end_date", "结束日期", order_by="end_date", width=12),
        Column("is_active", "在任", width=6, flag=True),
    ],
    default_order=("-start_date", "-pk"),
    detail_url_name="organizations:assignment_update",
)

VENUE_TABLE = Table(
    columns=[
        Column("name", "名称", link=True, order_by="name", width=30),
        Column("kind", "阵地类型", order_by="kind", width=16),
        Column("level", "级别", order_by="level", width=12),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=22),
        Column("operating_organization", "运营机构", accessor="operating_organization.name", width=30),
        Column("opened_date", "启用日期", order_by="opened_date", width=12),
        Column("standards", "六有达标", accessor="standards_label", width=10),
        Column("address", "地址", in_table=False, width=30),
        Column("floor_area", "面积（平方米）", numeric=True, in_table=False),
    ],
    default_order=("region__path", "name", "pk"),
    detail_url_name="organizations:venue_detail",
)

VENUE_FIELDS = [
    Column("kind", "阵地类型"),
    Column("level", "级别"),
    Column("region", "所属区域", accessor="region.label"),
    Column("operating_organization", "运营机构", accessor="operating_organization.name"),
    Column("address", "地址"),
    Column("floor_area", "面积（平方米）"),
    Column("opened_date", "启用日期"),
    Column(
        "standards",
        "六有",
        accessor=lambda v: "、".join(f"{label}{'✓' if getattr(v, field) else '✗'}" for field, label in v.SIX_STANDARDS),
    ),
    Column("remarks", "备注"),
]

# a party organization's page lists its own pairings; the 结对共建 list adds whose they are and where
PAIRING_COLUMNS = [
    Column("partner_name", "结对单位党组织", width=30),
    Column("partner_kind", "类型"),
    Column("since", "结对日期"),
    Column("content", "共建内容", width=40),
    Column("is_active", "持续共建中"),
]
PAIRING_TABLE = Table(columns=PAIRING_COLUMNS, default_order=("-since", "-pk"))

PAIRING_LIST_TABLE = Table(
    columns=[
        Column(
            "party_organization",
            "社会组织党组织",
            accessor="party_organization.name",
            order_by="party_organization__name",
            width=30,
        ),
        Column(
            "region",
            "所属区域",
            accessor="party_organization.region.label",
            order_by="party_organization__region__path",
            width=22,
        ),
        Column("partner_name", "结对单位党组织", link=True, order_by="partner_name", width=30),
        Column("partner_kind", "类型", order_by="partner_kind", width=16),
        Column("since", "结对日期", order_by="since", width=12),
        Column("content", "共建内容", in_table=False, width=40),
        Column("is_active", "持续共建中", flag=True, width=10),
    ],
    default_order=("-since", "-pk"),
    detail_url_name="organizations:pairing_update",
)

"""Column specs of the representative pool: HTML tables, detail fields and the Excel export read the same columns."""

from registry.tables import Column, Table

from .models import Representative

REPRESENTATIVE_TABLE = Table(
    model=Representative,
    columns=[
        Column("name", "姓名", link=True, order_by=("name_initials", "name"), width=10),
        Column("gender", "性别", order_by="gender", width=6),
        Column("birth_date", "出生日期", order_by="birth_date", width=12),
        Column("age", "年龄", numeric=True, in_table=False, width=6),
        Column("ethnicity", "民族", in_table=False, width=8),
        Column("political_affiliation", "政治面貌", order_by="political_affiliation", width=18),
        Column("education", "学历", in_table=False, width=14),
        Column("title", "职称", in_table=False, width=16),
        Column("organization", "工作单位", accessor="organization_display", order_by="organization__name", width=34),
        Column("position", "职务", width=14),
        Column("stratum", "群体", order_by="stratum", in_table=False, width=28),
        Column("specialties", "专业特长", in_table=False, width=20),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=20),
        Column("status", "入库状态", accessor="status_display", order_by=("status", "level"), width=16),
        Column("mobile", "手机号", width=14),
        Column("id_number", "身份证号", in_table=False, width=22),
        Column("discovery_channel", "发现渠道", in_table=False, width=12),
        Column("status_date", "状态日期", in_table=False, width=12),
        Column("updated_at", "更新时间", order_by="updated_at", in_table=False, width=18),
    ],
    default_order=("-updated_at", "-pk"),
    detail_url_name="talents:representative_detail",
)

REPRESENTATIVE_FIELDS = [
    Column("gender", "性别"),
    Column("ethnicity", "民族"),
    Column(
        "birth_date", "出生日期", accessor=lambda r: f"{r.birth_date:%Y-%m-%d}（{r.age}岁）" if r.birth_date else ""
    ),
    Column("id_number", "身份证号"),
    Column("mobile", "手机号"),
    Column("political_affiliation", "政治面貌"),
    Column("education", "学历"),
    Column("title", "职称"),
    Column("organization", "工作单位", accessor="organization_display"),
    Column("position", "职务"),
    Column("stratum", "群体"),
    Column("specialties", "专业特长"),
    Column("region", "所属区域", accessor="region.full_name"),
    Column("discovery_channel", "发现渠道"),
    Column("status", "入库状态", accessor="status_display"),
    Column("status_date", "状态日期"),
    Column("remarks", "备注"),
]

EVALUATION_TABLE = Table(
    columns=[
        Column("year", "年度", order_by="year", link=True, width=8),
        Column("representative", "代表人士", accessor="representative.name", order_by="representative__name", width=10),
        Column(
            "region",
            "所属区域",
            accessor="representative.region.label",
            order_by="representative__region__path",
            in_table=False,
            width=20,
        ),
        Column("political_stance", "政治立场", numeric=True, order_by="political_stance", width=9),
        Column("deliberation", "参政议政", numeric=True, order_by="deliberation", width=9),
        Column("social_influence", "社会影响", numeric=True, order_by="social_influence", width=9),
        Column("duty_performance", "履职尽责", numeric=True, order_by="duty_performance", width=9),
        Column("total", "总分", numeric=True, width=8),
        Column("grade", "综合等次", order_by="grade", width=9),
        Column("evaluator", "评价人/评价单位", width=20),
        Column("evaluated_on", "评价日期", in_table=False, width=12),
        Column("remarks", "评语", in_table=False, width=40),
    ],
    default_order=("-year", "representative__name", "pk"),
    detail_url_name="talents:evaluation_update",
)
PERSON_EVALUATION_TABLE = Table(
    columns=[c for c in EVALUATION_TABLE.columns if c.key not in ("representative", "evaluator")],
    detail_url_name="talents:evaluation_update",
)

TRAINING_TABLE = Table(
    columns=[
        Column("held_on", "培训日期", order_by="held_on", width=12),
        Column("title", "培训主题", link=True, order_by="title", width=36),
        Column("organizer", "主办单位", order_by="organizer", width=24),
        Column("hours", "学时", numeric=True, order_by="hours", width=8),
        Column("location", "地点", in_table=False, width=24),
        Column("region", "举办区域", accessor="region.label", order_by="region__path", width=16),
        Column("attendee_count", "参训人数", numeric=True, order_by="attendee_count", width=10),
    ],
    default_order=("-held_on", "-pk"),
    detail_url_name="talents:training_detail",
)

# a person's trainings, read through their attendance records
PERSON_TRAINING_TABLE = Table(
    columns=[
        Column("held_on", "培训日期", accessor="training.held_on"),
        Column("title", "培训主题", accessor="training.title", link=True),
        Column("organizer", "主办单位", accessor="training.organizer"),
        Column("hours", "学时", accessor="training.hours", numeric=True),
    ],
    detail_url_name="talents:training_detail",
    detail_pk_attr="training_id",
)

ATTENDEE_TABLE = Table(
    columns=[
        Column("name", "姓名", accessor="representative.name", link=True),
        Column("organization", "工作单位", accessor="representative.organization_display"),
        Column("region", "所属区域", accessor="representative.region.label"),
        Column("status", "入库状态", accessor="representative.status_display"),
    ],
    detail_url_name="talents:representative_detail",
    detail_pk_attr="representative_id",
)

NOMINATION_TABLE = Table(
    columns=[
        Column("year", "推荐年度", order_by="year", width=8),
        Column("representative", "代表人士", accessor="representative.name", order_by="representative__name", width=10),
        Column("kind", "推荐类别", link=True, order_by="kind", width=20),
        Column("level", "层级", order_by="level", width=6),
        Column("body", "机构/届次", width=30),
        Column("post", "拟任职务", width=14),
        Column("outcome", "结果", order_by="outcome", width=8),
        Column("term_end", "任期届满", order_by="term_end", width=12),
        Column("is_current", "现任", flag=True, width=6),
        Column("recommended_by", "推荐单位", in_table=False, width=20),
        Column(
            "region",
            "所属区域",
            accessor="representative.region.label",
            order_by="representative__region__path",
            in_table=False,
            width=20,
        ),
    ],
    default_order=("-year", "-pk"),
    detail_url_name="talents:nomination_update",
)
PERSON_NOMINATION_TABLE = Table(
    columns=[c for c in NOMINATION_TABLE.columns if c.key not in ("representative", "region")],
    detail_url_name="talents:nomination_update",
)

SERVICE_GROUP_TABLE = Table(
    columns=[
        Column("name", "名称", link=True, order_by="name", width=40),
        Column("kind", "类型", order_by="kind", width=30),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=16),
        Column("member_count", "在组人数", numeric=True, order_by="member_count", width=10),
        Column("founded_on", "成立日期", order_by="founded_on", width=12),
    ],
    default_order=("kind", "name", "pk"),
    detail_url_name="talents:servicegroup_detail",
)

SERVICE_GROUP_FIELDS = [
    Column("kind", "类型"),
    Column("region", "所属区域", accessor="region.full_name"),
    Column("founded_on", "成立日期"),
    Column("member_count", "在组人数"),
    Column("description", "简介"),
]

MEMBER_TABLE = Table(
    columns=[
        Column("name", "姓名", accessor="representative.name", link=True),
        Column("role", "组内职务"),
        Column("organization", "工作单位", accessor="representative.organization_display"),
        Column("region", "所属区域", accessor="representative.region.label"),
        Column("joined_on", "加入日期"),
        Column("left_on", "退出日期"),
    ],
    detail_url_name="talents:representative_detail",
    detail_pk_attr="representative_id",
)

PERSON_MEMBERSHIP_TABLE = Table(
    columns=[
        Column("group", "服务小组", accessor="group.name", link=True),
        Column("role", "组内职务"),
        Column("joined_on", "加入日期"),
        Column("left_on", "退出日期"),
        Column("is_current", "在组", flag=True),
    ],
    detail_url_name="talents:membership_update",
)

STATUS_CHANGE_TABLE = Table(
    columns=[
        Column("changed_on", "变更日期"),
        Column("change", "状态变化", accessor="change_display"),
        Column("note", "说明"),
        Column("changed_by", "操作人", accessor="changed_by_display"),
    ],
)

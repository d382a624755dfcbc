"""Column specs of the activities app: one per list, for the page, the export and the API's ?sort=."""

from registry.tables import Column, Table

from .models import Activity, Participation


def _names(manager_attr: str):
    """The related records' names from the prefetched rows (no query per row)."""

    def names(obj):
        return "、".join(str(getattr(item, "name", item)) for item in getattr(obj, manager_attr).all())

    return names


def _hours(value) -> str:
    return f"{value.normalize():f}" if value is not None else ""


ACTIVITY_THEME_TABLE = Table(
    columns=[
        Column("name", "主题名称", link=True, order_by="name", width=24),
        Column("sort_order", "排序", numeric=True, order_by="sort_order", width=8),
        Column("is_active", "启用", order_by="is_active", width=8),
    ],
    default_order=("sort_order", "name", "pk"),
    detail_url_name="activities:activitytheme_detail",
)

ACTIVITY_TABLE = Table(
    model=Activity,
    columns=[
        Column("start_at", "开始时间", order_by="start_at", width=17),
        Column("title", "活动名称", link=True, order_by="title", width=30),
        Column("kind", "活动类型", accessor="kind_display", order_by=("kind", "party_day_kind"), width=16),
        Column("themes", "活动主题", accessor=_names("themes"), in_table=False, width=14),
        Column("organizations", "组织单位", accessor=_names("organizations"), width=30),
        Column("region", "举办区域", accessor="region.label", order_by="region__path", width=18),
        Column("end_at", "结束时间", order_by="end_at", in_table=False, width=17),
        Column("place", "活动地点", in_table=False, width=20),
        Column("covered_regions", "服务区域", accessor=_names("covered_regions"), in_table=False, width=20),
        Column("venue", "阵地", accessor="venue.name", in_table=False, width=18),
        Column("team", "服务队", accessor="team.name", in_table=False, width=16),
        Column("status", "状态", order_by="status", width=8),
        Column("headcount", "参与人次", numeric=True, order_by="headcount", width=10),
        Column(
            "service_hours",
            "服务时长（小时）",
            accessor=lambda a: _hours(a.service_hours),
            numeric=True,
            order_by="service_hours",
            width=12,
        ),
        Column("beneficiaries", "受益人次", numeric=True, order_by="beneficiaries", in_table=False, width=10),
        Column("donation_amount", "捐赠金额（元）", numeric=True, order_by="donation_amount", width=14),
        Column("goods_value", "物资折价（元）", numeric=True, order_by="goods_value", in_table=False, width=14),
        Column("description", "活动内容", in_table=False, width=40),
    ],
    default_order=("-start_at", "-pk"),
    detail_url_name="activities:activity_detail",
)

ACTIVITY_FIELDS = [c for c in ACTIVITY_TABLE.columns if c.key != "title"]

PARTICIPATION_TABLE = Table(
    model=Participation,
    columns=[
        Column("name", "姓名", accessor="display_name", order_by=("name", "pk"), width=10),
        Column("in_pool", "库内人员", accessor=lambda p: p.representative_id is not None, flag=True, width=8),
        Column("role", "角色", order_by="role", width=10),
        Column(
            "hours", "服务时长（小时）", accessor=lambda p: _hours(p.hours), numeric=True, order_by="hours", width=12
        ),
        Column("activity", "活动", accessor="activity.title", order_by="activity__title", width=30),
        Column("activity_start", "活动时间", accessor="activity.start_at", order_by="activity__start_at", width=17),
        Column("remarks", "备注", width=20),
    ],
    default_order=("-activity__start_at", "activity_id", "pk"),
    detail_url_name="activities:activity_detail",
    detail_pk_attr="activity_id",
)

# the activity page's own list of its participants: each row opens the participant's edit page
ACTIVITY_PARTICIPANT_TABLE = Table(
    model=Participation,
    columns=[c for c in PARTICIPATION_TABLE.columns if c.key not in ("activity", "activity_start")],
    default_order=("pk",),
    detail_url_name="activities:participation_update",
)

# a person's page: the activities they took part in, each row opening the activity
PERSON_PARTICIPATION_TABLE = Table(
    model=Participation,
    columns=[
        # the title first: the card's heading on a phone
        Column("activity", "活动", accessor="activity.title", link=True),
        Column("activity_date", "活动日期", accessor="activity.local_start_date"),
        Column("kind", "活动类型", accessor="activity.kind_display"),
        Column("role", "角色"),
        Column("hours", "服务时长（小时）", accessor=lambda p: _hours(p.hours), numeric=True),
    ],
    default_order=("-activity__start_at", "-activity_id", "pk"),
    detail_url_name="activities:activity_detail",
    detail_pk_attr="activity_id",
)

# an organization's page: the activities it organized
ORGANIZATION_ACTIVITY_TABLE = Table(
    model=Activity,
    columns=[
        Column("title", "活动名称", link=True),
        Column("date", "活动日期", accessor="local_start_date"),
        Column("kind", "活动类型", accessor="kind_display"),
        Column("status", "状态"),
        Column("headcount", "参与人次", numeric=True),
        Column("service_hours", "服务时长（小时）", accessor=lambda a: _hours(a.service_hours), numeric=True),
    ],
    default_order=("-start_at", "-pk"),
    detail_url_name="activities:activity_detail",
)

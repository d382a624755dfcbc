"""Column specs of tracked items and their lists: one per list, for the page, the export and the API's ?sort=."""

from registry.tables import Column, Table

from .models import Department, TrackedItem


def _names(attr: str):
    def names(obj):
        return "、".join(str(getattr(item, "name", item)) for item in getattr(obj, attr).all())

    return names


DEPARTMENT_TABLE = Table(
    model=Department,
    columns=[
        Column("name", "单位名称", link=True, order_by="name", width=28),
        Column("kind", "单位类型", order_by="kind", width=12),
        Column("is_conference_member", "联席会议成员单位", flag=True, order_by="is_conference_member", width=10),
        Column("contact_name", "联系人", width=10),
        Column("contact_phone", "联系电话", width=16),
        Column(
            "contacts", "联络人账号", accessor=lambda d: "、".join(u.display_name for u in d.contacts.all()), width=20
        ),
        Column("sort_order", "排序", numeric=True, order_by="sort_order", in_table=False, width=8),
    ],
    default_order=("sort_order", "name", "pk"),
    detail_url_name="proposals:department_detail",
)

OPINION_CATEGORY_TABLE = Table(
    columns=[
        Column("name", "类别名称", link=True, order_by="name", width=20),
        Column("sort_order", "排序", numeric=True, order_by="sort_order", width=8),
        Column("is_active", "启用", order_by="is_active", width=8),
    ],
    default_order=("sort_order", "name", "pk"),
    detail_url_name="proposals:opinioncategory_detail",
)

CONSULTATION_TABLE = Table(
    columns=[
        Column("held_on", "召开日期", order_by="held_on", width=12),
        Column("topic", "协商主题", link=True, order_by="topic", width=30),
        Column("host", "主办单位", width=18),
        Column("place", "地点", in_table=False, width=20),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", width=18),
        Column("summary", "会议纪要", in_table=False, width=40),
    ],
    default_order=("-held_on", "-pk"),
    detail_url_name="proposals:consultation_detail",
)

MEETING_TABLE = Table(
    columns=[
        Column("held_on", "召开日期", order_by="held_on", width=12),
        Column("title", "会议名称", link=True, order_by="title", width=30),
        Column("kind", "会议类型", order_by="kind", width=10),
        Column("topics", "议题", width=40),
        Column("region", "所属区域", accessor="region.label", in_table=False, width=18),
        Column("notes", "会议纪要", in_table=False, width=40),
    ],
    default_order=("-held_on", "-pk"),
    detail_url_name="proposals:meeting_detail",
)


def _item_columns(*middle: Column) -> list[Column]:
    return [
        Column("submitted_on", "提交日期", order_by="submitted_on", width=12),
        Column("title", "标题", link=True, order_by="title", width=30),
        *middle,
        Column("state", "状态", accessor="state_display", order_by="state", width=12),
        Column(
            "lead_department", "主办单位", accessor="lead_department.name", order_by="lead_department__name", width=18
        ),
        Column("co_departments", "协办单位", accessor=_names("co_departments"), in_table=False, width=18),
        Column("due_date", "办理期限", order_by="due_date", width=12),
        Column("is_overdue", "逾期", flag=True, width=6),
        Column("answered_on", "答复日期", order_by="answered_on", in_table=False, width=12),
        Column("verdict", "评价", order_by="verdict", in_table=False, width=10),
        Column("region", "所属区域", accessor="region.label", order_by="region__path", in_table=False, width=18),
        Column("content", "内容", in_table=False, width=50),
        Column("answer", "答复内容", in_table=False, width=50),
    ]


PROPOSAL_TABLE = Table(
    model=TrackedItem,
    columns=_item_columns(
        Column("proposers", "建言人", accessor=_names("proposers"), width=16),
        Column("consultation", "专题协商会", accessor="consultation.topic", in_table=False, width=24),
    ),
    default_order=("-submitted_on", "-pk"),
    detail_url_name="proposals:proposal_detail",
)

OPINION_TABLE = Table(
    model=TrackedItem,
    columns=_item_columns(
        Column("category", "类别", accessor="category.name", order_by="category__sort_order", width=12),
        Column(
            "reporter",
            "反映人",
            accessor=lambda i: (
                i.reporter.name if i.reporter_id else (i.reporter_liaison.name if i.reporter_liaison_id else "")
            ),
            width=10,
        ),
        Column("adoption_level", "采用情况", order_by="adoption_level", width=12),
        Column("instruction_level", "领导批示", order_by="instruction_level", width=14),
    ),
    default_order=("-submitted_on", "-pk"),
    detail_url_name="proposals:opinion_detail",
)

DECISION_TABLE = Table(
    model=TrackedItem,
    columns=_item_columns(Column("meeting", "会议", accessor="meeting.title", width=24)),
    default_order=("-submitted_on", "-pk"),
    detail_url_name="proposals:decision_detail",
)

EVENT_TABLE = Table(
    columns=[
        Column("at", "时间", width=17),
        Column("action_label", "办理环节", width=16),
        Column("to_state", "办理后状态", width=10),
        Column("actor_name", "经办人", width=12),
        Column("department", "单位", accessor="department.name", width=18),
        Column("due_date", "办理期限", width=12),
        Column("remark", "说明", width=40),
    ],
    default_order=("at", "pk"),
)

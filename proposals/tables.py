"""Column specs of tracked items and their lists: one per list, for the page, the export and the API's ?sort=."""

from registry.tables import Column, Table

from .choices import ItemState
from .models import Department, TrackedItem

# the colour of each state's badge: grey before 交办, blue while a department holds it, amber for an answer that
# awaits its verdict, green when settled; red whenever it is past its deadline
STATE_COLOURS = {
    ItemState.SUBMITTED: "secondary",
    ItemState.NOT_ADOPTED: "dark",
    ItemState.ACCEPTED: "info",
    ItemState.ASSIGNED: "primary",
    ItemState.SIGNED: "primary",
    ItemState.HANDLING: "primary",
    ItemState.ANSWERED: "warning",
    ItemState.CONCLUDED: "success",
}


def state_colour(item) -> str:
    return "danger" if item.is_overdue else STATE_COLOURS.get(item.state, "secondary")


def state_label(item) -> str:
    return f"{item.state_display}·已逾期" if item.is_overdue else item.state_display


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


def _overdue_row(item) -> str:
    return "row-overdue" if item.is_overdue else ""


def _item_columns(*middle: Column) -> list[Column]:
    return [
        # the title first: a phone shows each row as a card headed by its first column
        Column("title", "标题", link=True, order_by="title", width=30),
        Column("submitted_on", "提交日期", order_by="submitted_on", width=12),
        *middle,
        Column("state", "状态", accessor=state_label, badge=state_colour, order_by="state", width=14),
        Column(
            "lead_department", "主办单位", accessor="lead_department.name", order_by="lead_department__name", width=18
        ),
        Column("co_departments", "协办单位", accessor=_names("co_departments"), in_table=False, width=18),
        Column("due_date", "办理期限", order_by="due_date", width=12),
        # on the page the state's badge says 已逾期 and the row is marked: the yes/no column is the export's
        Column("is_overdue", "逾期", flag=True, in_table=False, width=6),
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
    row_class=_overdue_row,
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
    row_class=_overdue_row,
)

DECISION_TABLE = Table(
    model=TrackedItem,
    columns=_item_columns(Column("meeting", "会议", accessor="meeting.title", width=24)),
    default_order=("-submitted_on", "-pk"),
    detail_url_name="proposals:decision_detail",
    row_class=_overdue_row,
)

# an item's page: the facts of its kind (the 交办 facts and the log have their own blocks)
ITEM_FACTS = {
    "proposal": ("consultation", "proposers", "region", "submitted_on"),
    "opinion": ("category", "reporter", "adoption_level", "instruction_level", "region", "submitted_on"),
    "decision": ("meeting", "region", "submitted_on"),
}


def item_facts(table: Table, kind: str) -> list[Column]:
    return [table.column(key) for key in ITEM_FACTS[kind]]


# 办理情况 on an item's page: only the facts the item has reached are shown
HANDLING_FIELDS = [
    Column("screening_note", "筛选意见"),
    Column("lead_department", "主办单位", accessor="lead_department.name"),
    Column("co_departments", "协办单位", accessor=_names("co_departments")),
    Column("assigned_on", "交办日期"),
    Column("signed_on", "签收日期"),
    Column("answered_on", "答复日期"),
    Column("verdict", "建言人评价"),
    Column("round", "办理轮次", accessor=lambda i: f"第{i.round}轮" if i.round > 1 else ""),
    Column("concluded_on", "办结日期"),
]

# a consultation's participants and a meeting's attending units, as sections of their pages
PARTICIPANT_TABLE = Table(
    columns=[
        Column("name", "姓名", link=True),
        Column("organization", "工作单位", accessor="organization_display"),
        Column("position", "职务"),
        Column("region", "所属区域", accessor="region.label"),
    ],
    default_order=("name_initials", "pk"),
    detail_url_name="talents:representative_detail",
)

ATTENDEE_TABLE = Table(
    columns=[
        Column("name", "单位名称", link=True),
        Column("kind", "单位类型"),
        Column("is_conference_member", "联席会议成员单位", flag=True),
    ],
    default_order=("sort_order", "name", "pk"),
    detail_url_name="proposals:department_detail",
)

MEETING_DECISION_TABLE = Table(
    model=TrackedItem,
    columns=[c for c in DECISION_TABLE.columns if c.key != "meeting"],
    default_order=DECISION_TABLE.default_order,
    detail_url_name="proposals:decision_detail",
    row_class=_overdue_row,
)

"""Demo records of the tracked items: 社情民意 categories, the joint conference's member units with their
contacts, a 居家养老 专题协商会 with its 建言, 社情民意 and 联席会议 with their 议定事项.

Everything goes through the services and proposals.lifecycle.transition, each step dated in the past
(``at``) relative to the day the demo is built, so that the overdue items are overdue on any day.
Deterministic and idempotent: nothing is added once the consultation exists.

The figures the test checks: of the 25 建言 of the consultation exactly 15 are assigned (交办) to units;
30 社情民意 across the 12 categories.
"""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from organizations.models import Liaison
from registry.choices import RegionLevel
from registry.demo import DISTRICT, SUPERUSER, DemoAccount, register_demo_account, register_demo_builder
from registry.models import Region, User
from talents.models import Representative

from . import lifecycle, services
from .catalog import DEPARTMENT_CONTACT
from .choices import AdoptionLevel, DepartmentKind, InstructionLevel, MeetingKind
from .models import Consultation, Decision, Department, Opinion, OpinionCategory, Proposal

CONSULTATION_TOPIC = "居家养老服务体系建设专题协商会"
CONTACT_USERNAME = "minzheng"
CONTACT_UNIT = "区民政局"

CATEGORIES = [
    "城市建设",
    "环境保护",
    "食品安全",
    "党的建设",
    "社会保障",
    "教育医疗",
    "交通出行",
    "社会治安",
    "经济发展",
    "民族宗教",
    "文化体育",
    "其他",
]

# the joint conference's member units: name, kind, contact's account, contact's name, office phone
B, M = DepartmentKind.DISTRICT_BODY, DepartmentKind.MASS_ORGANIZATION
MEMBER_UNITS = [
    ("区委统战部", B, "tongzhan", "陈志远"),
    ("区委组织部", B, "zuzhi", "林晓东"),
    ("区民政局", B, "minzheng", "黄丽萍"),
    ("区委政法委", B, "zhengfa", "王建国"),
    ("区教育局", B, "jiaoyu", "李静"),
    ("区人力资源局", B, "renli", "张伟"),
    ("区财政局", B, "caizheng", "刘洋"),
    ("区卫生健康局", B, "weijian", "周敏"),
    ("区市场监管局", B, "shijian", "吴涛"),
    ("区司法局", B, "sifa", "郑华"),
    ("区住房建设局", B, "zhujian", "孙强"),
    ("区城管局", B, "chengguan", "何芳"),
    ("区公安分局", B, "gongan", "赵磊"),
    ("区工商联", M, "gongshanglian", "钟文"),
    ("团区委", M, "tuanqu", "邓琳"),
    ("区妇联", M, "fulian", "谢雪梅"),
    ("区总工会", M, "zonggonghui", "罗斌"),
]

register_demo_account(
    DemoAccount(CONTACT_USERNAME, "区民政局联络人", DEPARTMENT_CONTACT, None, scope=f"{CONTACT_UNIT}（承办单位）")
)

# 居家养老 建言: title, and what happens to it (the path through the life cycle; see _PATHS)
PROPOSALS = [
    ("关于在每个社区建设长者饭堂的建议", "concluded_satisfied", "区民政局"),
    ("关于推广家庭养老床位的建议", "concluded_satisfied", "区民政局"),
    ("关于建立居家养老服务补贴动态调整机制的建议", "concluded_basically", "区财政局"),
    ("关于加快老旧小区适老化改造的建议", "reopened", "区住房建设局"),
    ("关于推进医养结合进社区的建议", "concluded_satisfied", "区卫生健康局"),
    ("关于为独居老人安装紧急呼叫设备的建议", "answered", "区民政局"),
    ("关于培育养老护理员队伍的建议", "answered", "区人力资源局"),
    ("关于开展家庭医生上门服务的建议", "concluded_basically", "区卫生健康局"),
    ("关于建立社区养老服务志愿者积分制度的建议", "handling", "区民政局"),
    ("关于完善老年人助浴服务的建议", "handling_due_soon", "区民政局"),
    ("关于在公园增设适老化健身设施的建议", "signed_overdue", "区城管局"),
    ("关于规范养老服务机构收费的建议", "signed_due_soon", "区民政局"),
    ("关于建设智慧养老服务平台的建议", "assigned_overdue", "区民政局"),
    ("关于为失能老人提供喘息服务的建议", "assigned", "区民政局"),
    ("关于加装电梯纳入适老化改造补贴的建议", "assigned", "区住房建设局"),
    ("关于提高高龄津贴标准的建议", "not_adopted", "属市级事权，区级无权调整，已转市民政局参阅。"),
    ("关于在每个街道新建养老院的建议", "not_adopted", "已纳入全区养老设施布局规划，不再单独交办。"),
    ("关于免费发放老年人智能手机的建议", "not_adopted", "财政投入过大，且与已有的智能技术培训重复。"),
    ("关于设立老年大学分校的建议", "not_adopted", "区老年大学已在六个街道设教学点，建议内容已落实。"),
    ("关于为老年人办理公交免费卡的建议", "not_adopted", "现行政策已覆盖60周岁以上老年人。"),
    ("关于组织老年人旅游的建议", "not_adopted", "不属居家养老服务范围，建议由老干部局统筹。"),
    ("关于引入社会资本运营社区养老驿站的建议", "accepted", ""),
    ("关于建立养老服务质量评价制度的建议", "accepted", ""),
    ("关于开展老年人防诈骗宣传的建议", "submitted", ""),
    ("关于建设认知障碍照护专区的建议", "submitted", ""),
]

# 社情民意: title, category, the unit it goes to, state path, 采用, 批示
OPINIONS = [
    ("老旧小区加装电梯审批周期长", "城市建设", "区住房建设局", "concluded", "district", ""),
    ("城中村消防通道被占用", "城市建设", "区城管局", "handling", "", ""),
    ("观澜河沿岸夜间排污", "环境保护", "区城管局", "concluded", "city", "district"),
    ("工业区噪声扰民", "环境保护", "区城管局", "answered", "", ""),
    ("校园周边流动摊贩食品安全隐患", "食品安全", "区市场监管局", "concluded", "district", ""),
    ("网络订餐“幽灵厨房”监管不足", "食品安全", "区市场监管局", "signed", "city", ""),
    ("两新组织党员流动性大、组织关系难接转", "党的建设", "区委组织部", "concluded", "city", "city"),
    ("社会组织党建指导员力量不足", "党的建设", "区委组织部", "answered", "district", ""),
    ("灵活就业人员参保意愿低", "社会保障", "区人力资源局", "handling", "", ""),
    ("困难群众临时救助申请材料多", "社会保障", "区民政局", "concluded", "district", "district"),
    ("随迁子女入学积分政策解读不到位", "教育医疗", "区教育局", "concluded", "", ""),
    ("社区健康服务中心夜间门诊少", "教育医疗", "区卫生健康局", "assigned", "", ""),
    ("地铁站接驳公交班次少", "交通出行", "区住房建设局", "concluded", "district", ""),
    ("学校门口上下学时段交通拥堵", "交通出行", "区公安分局", "handling", "", ""),
    ("电动自行车盗窃案件多发", "社会治安", "区公安分局", "concluded", "", ""),
    ("出租屋消防安全隐患", "社会治安", "区公安分局", "assigned", "", ""),
    ("小微企业融资难、融资贵", "经济发展", "区工商联", "concluded", "city", "province"),
    ("民营企业招工难", "经济发展", "区人力资源局", "answered", "", ""),
    ("少数民族流动人口服务管理", "民族宗教", "区委统战部", "concluded", "district", ""),
    ("民间信仰场所管理不规范", "民族宗教", "区委统战部", "accepted", "", ""),
    ("社区文化活动室开放时间短", "文化体育", "区教育局", "concluded", "", ""),
    ("学校体育场馆向社会开放不足", "文化体育", "区教育局", "signed", "", ""),
    ("新就业群体缺少休息驿站", "其他", "区总工会", "concluded", "district", ""),
    ("青年人才公寓配套不足", "其他", "团区委", "not_adopted", "", ""),
    ("共享单车乱停放", "城市建设", "", "submitted", "", ""),
    ("垃圾分类投放点设置不合理", "环境保护", "", "submitted", "", ""),
    ("家政服务人员缺乏培训", "社会保障", "", "not_adopted", "", ""),
    ("药店处方药销售不规范", "食品安全", "", "submitted", "", ""),
    ("妇女儿童维权渠道宣传不足", "其他", "", "accepted", "", ""),
    ("非公企业工会组建率低", "党的建设", "", "not_adopted", "", ""),
]

# 联席会议: days before the build day, kind, title, topics, attending units, decisions (title, unit, path)
MEETINGS = [
    (
        200,
        MeetingKind.PLENARY,
        "社会组织统战工作联席会议第一次全体会议",
        "审议联席会议工作规则；部署年度社会组织统战工作要点。",
        [name for name, *_ in MEMBER_UNITS],
        [
            ("建立社会组织党建指导员名册", "区委组织部", "concluded"),
            ("制定社会组织代表人士推荐办法", "区委统战部", "concluded"),
        ],
    ),
    (
        90,
        MeetingKind.OFFICE,
        "社会组织统战工作联席会议办公室会议",
        "研究居家养老专题协商会的筹备；通报社情民意信息采用情况。",
        ["区委统战部", "区民政局", "区卫生健康局", "区财政局", "区住房建设局"],
        [("梳理居家养老服务政策清单供协商会使用", "区民政局", "answered")],
    ),
    (
        40,
        MeetingKind.PLENARY,
        "社会组织统战工作联席会议第二次全体会议",
        "听取成员单位办理建言情况汇报；研究“新就业群体”服务阵地建设。",
        [name for name, *_ in MEMBER_UNITS if name not in ("区委政法委", "区司法局")],
        [
            ("在各街道建设新就业群体服务驿站", "区总工会", "handling"),
            ("开展社会组织负责人专题培训", "区民政局", "assigned_overdue"),
            ("建立成员单位办理建言情况季度通报制度", "区委统战部", "accepted"),
        ],
    ),
]


class _Clock:
    """The build day and moments before it, at working hours (Shanghai)."""

    def __init__(self):
        self.today = timezone.localdate()

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def at(self, days_ago: int, hour: int = 10) -> datetime.datetime:
        day = self.day(days_ago)
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


# each path: the steps with how many days before the build day they are made; the deadline is set as
# days from the build day (negative: already past — overdue on any day the demo is built)
_PATHS = {
    "submitted": ([], None),
    "accepted": ([("screen_in", 70)], None),
    "not_adopted": ([("screen_out", 70)], None),
    "assigned": ([("screen_in", 70), ("assign", 12)], 20),
    "assigned_overdue": ([("screen_in", 70), ("assign", 45)], -9),
    "signed": ([("screen_in", 70), ("assign", 30), ("sign", 27)], 25),
    "signed_due_soon": ([("screen_in", 70), ("assign", 30), ("sign", 28)], 4),
    "signed_overdue": ([("screen_in", 70), ("assign", 50), ("sign", 47)], -3),
    "handling": ([("screen_in", 70), ("assign", 40), ("sign", 38), ("start", 35)], 30),
    "handling_due_soon": ([("screen_in", 70), ("assign", 55), ("sign", 53), ("start", 50)], 6),
    "answered": ([("screen_in", 70), ("assign", 60), ("sign", 58), ("start", 55), ("answer", 8)], 10),
    "concluded": (
        [("screen_in", 70), ("assign", 62), ("sign", 60), ("start", 58), ("answer", 30), ("conclude", 25)],
        0,
    ),
    "concluded_satisfied": (
        [("screen_in", 70), ("assign", 65), ("sign", 63), ("start", 60), ("answer", 33), ("satisfied", 28)],
        0,
    ),
    "concluded_basically": (
        [("screen_in", 70), ("assign", 65), ("sign", 62), ("start", 60), ("answer", 24), ("basically", 20)],
        0,
    ),
    # 不满意: the unit answers again within a new deadline
    "reopened": (
        [("screen_in", 70), ("assign", 65), ("sign", 64), ("start", 60), ("answer", 30), ("unsatisfied", 22)],
        0,
    ),
}
REMARKS = {
    "start": "已明确责任科室和经办人。",
    "unsatisfied": "答复只列举了已有政策，未回应加装电梯补贴的具体诉求。",
}


def _walk(item, path: str, *, since: int, clock, admin, contacts, unit=None, remark=""):
    """Move ``item`` along ``path`` with the real life cycle: the office's steps as ``admin``, the unit's as its
    contact, each on its day in the past and none before the item itself (``since`` days ago)."""
    steps, due_in = _PATHS[path]
    for name, days_ago in steps:
        if name == "screen_in" and item.kind == Decision.KIND:
            continue  # a decision is agreed at its meeting: it waits for 交办 from the start
        days_ago = min(days_ago, since - 1)
        step = lifecycle.BY_NAME[name]
        facts = {"at": clock.at(days_ago)}
        if name == "assign":
            # a month from the 交办, unless the path says how the deadline stands on the build day
            deadline = clock.day(days_ago) + datetime.timedelta(days=30) if not due_in else None
            facts.update(department=unit, due_date=deadline or clock.today + datetime.timedelta(days=due_in))
        elif name == "screen_out":
            facts["remark"] = remark
        elif name == "answer":
            subject = item.title.removeprefix("关于").removesuffix("的建议")
            facts["answer"] = f"{unit.name}已研究办理：{subject}已列入年度工作计划，将按季度报告进展。"
        elif name == "unsatisfied":
            facts.update(remark=REMARKS[name], due_date=clock.day(days_ago) + datetime.timedelta(days=35))
        elif name in REMARKS:
            facts["remark"] = REMARKS[name]
        actor = contacts[unit.pk] if step.actor == lifecycle.DEPARTMENT else admin
        item = lifecycle.transition(user=actor, item=item, name=name, **facts)
    if path == "reopened":  # the second answer is under way: progress reported, within the new deadline
        item = lifecycle.transition(
            user=contacts[unit.pk], item=item, name="progress", remark="已协调街道逐栋摸底。", at=clock.at(10)
        )
    return item


def _departments(admin) -> dict[str, Department]:
    contact_group = Group.objects.get(name=DEPARTMENT_CONTACT)
    units = {}
    for order, (name, kind, username, person) in enumerate(MEMBER_UNITS, start=1):
        unit = Department.objects.filter(name=name).first() or services.department_create(
            user=admin,
            data={
                "name": name,
                "kind": kind,
                "is_conference_member": True,
                "contact_name": person,
                "contact_phone": f"0755-2{3300000 + order * 1111:07d}",
                "sort_order": order * 10,
                "is_active": True,
            },
        )
        # every unit signs and answers through its contact's account; only 民政局's is a demo login
        account, created = User.objects.get_or_create(username=username, defaults={"full_name": f"{name}联络人"})
        if created:
            account.set_unusable_password()
            account.save(update_fields=["password"])
        account.groups.add(contact_group)
        unit.contacts.add(account)
        units[name] = unit
    return units


def build_proposals(stdout=None) -> None:
    district = Region.objects.filter(code=DISTRICT[0], level=RegionLevel.DISTRICT).first()
    admin = User.objects.filter(username=SUPERUSER).first()
    if district is None or admin is None:
        return
    for order, name in enumerate(CATEGORIES, start=1):
        if not OpinionCategory.objects.filter(name=name).exists():
            services.opinion_category_create(user=admin, data={"name": name, "sort_order": order * 10})
    units = _departments(admin)
    if Consultation.objects.filter(topic=CONSULTATION_TOPIC).exists():
        return  # built already: the demo is deterministic, nothing to top up
    people = list(
        Representative.objects.active()
        .filter(region__path__startswith=district.path, status__in=("admitted", "key_contact"))
        .order_by("pk")[:60]
    )
    liaisons = list(Liaison.objects.filter(region__path__startswith=district.path).order_by("pk")[:20])
    if len(people) < 30:
        return  # the representatives' demo did not run: 建言 need their proposers
    clock = _Clock()
    contacts = {unit.pk: unit.contacts.order_by("pk").first() for unit in units.values()}
    walk = {"clock": clock, "admin": admin, "contacts": contacts}
    _build_consultation(people, district, units, walk)
    _build_opinions(people, liaisons, units, walk)
    _build_meetings(district, units, walk)


def _build_consultation(people, district, units, walk):
    clock, admin = walk["clock"], walk["admin"]
    proposers = people[:30]
    consultation = services.consultation_create(
        user=admin,
        data={
            "topic": CONSULTATION_TOPIC,
            "held_on": clock.day(75),
            "place": "区委统战部三楼会议室",
            "host": "区委统战部",
            "region": district,
            "participants": proposers,
            "summary": "围绕居家养老服务体系建设，25位代表人士提出建言，区民政局等单位到会听取意见。",
        },
    )
    create = services.item_creator(Proposal)
    for index, (title, path, unit_or_reason) in enumerate(PROPOSALS):
        names = [proposers[index], proposers[(index + 7) % len(proposers)]] if index % 3 == 0 else [proposers[index]]
        item = create(
            user=admin,
            data={
                "title": title,
                "content": f"{title.removeprefix('关于').removesuffix('的建议')}，是居家养老的迫切需要，建议研究落实。",
                "consultation": consultation,
                "proposers": names,
                "region": district,
                "submitted_on": clock.day(74),
            },
            at=clock.at(74),
        )
        unit = units.get(unit_or_reason)
        _walk(item, path, since=74, unit=unit, remark="" if unit else unit_or_reason, **walk)


def _build_opinions(people, liaisons, units, walk):
    clock, admin = walk["clock"], walk["admin"]
    categories = {c.name: c for c in OpinionCategory.objects.all()}
    create = services.item_creator(Opinion)
    reporters = people[30:]
    for index, (title, category, unit_name, path, adoption, instruction) in enumerate(OPINIONS):
        # two in three from representatives, the others from the liaisons of the organizations
        person = reporters[index % len(reporters)] if index % 3 or not liaisons else None
        liaison = None if person else liaisons[index % len(liaisons)]
        region = (person or liaison).region
        item = create(
            user=admin,
            data={
                "title": title,
                "content": f"{title}，群众反映较多，建议有关部门关注。",
                "category": categories[category],
                "reporter": person,
                "reporter_liaison": liaison,
                "region": region,
                "submitted_on": clock.day(80 - index),
                "adoption_level": AdoptionLevel(adoption),
                "instruction_level": InstructionLevel(instruction),
            },
            at=clock.at(80 - index),
        )
        remark = "反映的问题已在相关部门日常工作中处理。" if path == "not_adopted" else ""
        _walk(item, path, since=80 - index, unit=units.get(unit_name), remark=remark, **walk)


def _build_meetings(district, units, walk):
    clock, admin = walk["clock"], walk["admin"]
    create = services.item_creator(Decision)
    for days_ago, kind, title, topics, attending, decisions in MEETINGS:
        meeting = services.meeting_create(
            user=admin,
            data={
                "held_on": clock.day(days_ago),
                "kind": kind,
                "title": title,
                "topics": topics,
                "region": district,
                "attendees": [units[name] for name in attending],
                "notes": f"应到成员单位{len(MEMBER_UNITS)}家，实到{len(attending)}家。",
            },
        )
        for decision_title, unit_name, path in decisions:
            item = create(
                user=admin,
                data={
                    "title": decision_title,
                    "content": f"由{unit_name}牵头，各成员单位配合。",
                    "meeting": meeting,
                    "region": district,
                    "submitted_on": clock.day(days_ago),
                },
                at=clock.at(days_ago, 16),
            )
            _walk(item, path, since=days_ago, unit=units[unit_name], **walk)


register_demo_builder(70, "建言与督办（居家养老专题协商会、社情民意、联席会议）", build_proposals)

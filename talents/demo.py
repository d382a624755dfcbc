"""Demo representative pool for 龙华区: 212 入库 plus candidates, key contacts, withdrawals, groups, evaluations,
trainings, nominations — and four deliberate likely-duplicate pairs for the 疑似重复 page.

Deterministic (a fixed random seed) and idempotent (it builds nothing when the pool already has people).
The numbers follow the seeds: 212 入库; the 新联会社会组织代表人士分会 has 39 members, 18 of them
人大代表 or 政协委员; at least three trainings a year.
"""

import datetime
import random

from django.utils import timezone

from organizations.models import Organization
from registry.choices import RegionLevel
from registry.crud import checked_bulk_write
from registry.demo import DISTRICT, register_demo_builder
from registry.models import Region, User
from registry.validators import id_number_check_char

from . import services
from .choices import (
    DEMOCRATIC_PARTIES,
    HAN,
    DiscoveryChannel,
    Education,
    Gender,
    GroupRole,
    NominationKind,
    NominationLevel,
    NominationOutcome,
    PoliticalAffiliation,
    PoolLevel,
    PoolStatus,
    ServiceGroupKind,
    SocialStratum,
)
from .forms import RepresentativeForm
from .models import (
    Attendance,
    Evaluation,
    Membership,
    Nomination,
    Representative,
    ServiceGroup,
    Specialty,
    StatusChange,
    Training,
)

SEED = 20171212
ADMITTED_CITY, ADMITTED_DISTRICT = 28, 184  # 212 入库
KEY_CONTACTS, CANDIDATES, WITHDRAWN = 24, 46, 7
BRANCH_MEMBERS, BRANCH_DEPUTIES = 39, 18

SPECIALTIES = [
    "法律",
    "心理",
    "医疗卫生",
    "社会工作",
    "教育",
    "财务会计",
    "养老服务",
    "文化艺术",
    "信息技术",
    "环境保护",
    "企业管理",
    "新闻传媒",
    "应急救援",
]
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄黄赵吴周徐孙马朱胡郭何高林林罗郑梁梁谢宋唐许韩冯邓邓曹彭曾曾肖田董袁潘蔡蒋"
    "余于杜叶程魏苏吕丁任沈姚卢钟钟廖温赖欧阳"
).replace("欧阳", "")
MALE_GIVEN = "伟强磊军勇杰涛明超刚鹏辉浩宇俊斌峰健文博晨毅锋平志国华建东海林松波阳凯翔"
FEMALE_GIVEN = "芳娜敏静丽艳娟秀霞玲婷雪慧颖琳倩欣怡佳雯洁琴萍红燕梅兰月莉晶璐"
# 行政区划代码 of where people were born: Shenzhen's districts first, then the provinces they came from
BIRTH_AREAS = (
    ["440309"] * 6
    + ["440306"] * 4
    + ["440304", "440303", "440305", "440307", "440308"]
    + ["441402", "441481", "445202", "440582", "441302", "440883", "440982"]
    + ["430102", "430521", "431102", "360102", "360721", "420106", "421182", "450102", "450802"]
    + ["511602", "412702", "350583", "230103", "610113", "340104", "370102"]
)
MINORITIES = ["08", "03", "15", "06", "11", "13", "12", "02"]  # 壮 回 土家 苗 满 瑶 侗 蒙古
FIRMS = {
    SocialStratum.PRIVATE_ENTERPRISE: [
        "深圳市华澜智能科技有限公司",
        "深圳市龙腾精密制造有限公司",
        "深圳市启航供应链管理有限公司",
        "深圳市鹏华电子有限公司",
        "深圳市绿源环保科技有限公司",
        "富士康科技集团龙华科技园",
    ],
    SocialStratum.INTERMEDIARY: [
        "广东鹏龙律师事务所",
        "广东华商（龙华）律师事务所",
        "深圳市诚信会计师事务所",
        "深圳市明理税务师事务所",
        "深圳市同德资产评估有限公司",
    ],
    SocialStratum.NEW_MEDIA: ["深圳市龙华融媒新媒体工作室", "深圳市观澜网络科技有限公司", "“龙华生活”公众号"],
    SocialStratum.FREELANCE: ["自由职业（心理咨询师）", "自由职业（设计师）", "自由职业（培训讲师）"],
}
POSITIONS = {
    SocialStratum.SOCIAL_ORGANIZATION: ["理事长", "秘书长", "总干事", "副总干事", "项目主管", "督导", "会长", "副会长"],
    SocialStratum.PRIVATE_ENTERPRISE: ["总经理", "副总经理", "技术总监", "人力资源总监"],
    SocialStratum.INTERMEDIARY: ["合伙人律师", "执业律师", "注册会计师", "主任"],
    SocialStratum.NEW_MEDIA: ["主编", "创始人", "运营总监"],
    SocialStratum.FREELANCE: ["心理咨询师", "设计师", "培训讲师"],
}
TITLES = {
    "法律": ["律师", "一级律师", "二级律师"],
    "心理": ["国家二级心理咨询师", "心理治疗师"],
    "医疗卫生": ["主治医师", "副主任医师", "主管护师"],
    "社会工作": ["社会工作师", "高级社会工作师", "助理社会工作师"],
    "教育": ["中学高级教师", "一级教师"],
    "财务会计": ["注册会计师", "高级会计师"],
    "信息技术": ["高级工程师", "工程师"],
}
TRAINING_TITLES = [
    "新的社会阶层人士理论学习班",
    "社会组织代表人士履职能力提升培训",
    "统一战线政策法规专题讲座",
    "铸牢中华民族共同体意识专题培训",
    "社会组织代表人士参政议政能力培训",
    "基层治理与社会组织参与专题研修",
    "新联会分会会员培训暨座谈交流",
    "心理援助与危机干预技能培训",
]
# the 18 of the 分会 who hold seats: (kind, level, body, count)
SEATS = [
    (NominationKind.NPC, NominationLevel.DISTRICT, "深圳市龙华区人民代表大会", 7),
    (NominationKind.NPC, NominationLevel.CITY, "深圳市人民代表大会", 1),
    (NominationKind.CPPCC, NominationLevel.DISTRICT, "中国人民政治协商会议深圳市龙华区委员会", 8),
    (NominationKind.CPPCC, NominationLevel.CITY, "中国人民政治协商会议深圳市委员会", 2),
]


def id_number(rng, birth: datetime.date, gender: str, used: set) -> str:
    while True:
        sequence = rng.randint(0, 99) * 10 + rng.choice([1, 3, 5, 7, 9] if gender == Gender.MALE else [0, 2, 4, 6, 8])
        first17 = f"{rng.choice(BIRTH_AREAS)}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + id_number_check_char(first17)
        if number not in used:
            used.add(number)
            return number


def mobile(rng, used: set) -> str:
    while True:
        number = rng.choice(["138", "139", "135", "136", "137", "150", "152", "158", "159", "186", "188", "189"])
        number += "".join(rng.choice("0123456789") for _ in range(8))
        if number not in used:
            used.add(number)
            return number


def person_name(rng, gender) -> str:
    given = MALE_GIVEN if gender == Gender.MALE else FEMALE_GIVEN
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2, 2))))


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _date_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def build_talents(stdout=None) -> None:
    district = Region.objects.filter(code=DISTRICT[0]).first()
    if district is None or Representative.objects.filter(region__path__startswith=district.path).exists():
        return  # no district yet, or already built: the demo is deterministic, nothing to top up
    rng = random.Random(SEED)
    today = timezone.localdate()
    admin = User.objects.filter(username="quadmin").first()
    specialties = {
        name: Specialty.objects.get_or_create(name=name, defaults={"sort_order": order})[0]
        for order, name in enumerate(SPECIALTIES, start=1)
    }
    streets = list(Region.objects.filter(parent=district, level=RegionLevel.STREET).order_by("code"))
    communities = {s.pk: list(s.children.filter(level=RegionLevel.COMMUNITY).order_by("code")) for s in streets}
    organizations = {
        s.pk: list(Organization.objects.filter(region__path__startswith=s.path, status="normal").order_by("pk"))
        for s in streets
    }
    used_ids, used_mobiles = set(), set()

    def make_person(status, level=""):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        street = rng.choice(streets)
        region = rng.choice(communities[street.pk]) if rng.random() < 0.7 and communities[street.pk] else street
        birth = _date_between(rng, datetime.date(1962, 1, 1), datetime.date(1996, 12, 31))
        stratum = _weighted(
            rng,
            [
                (SocialStratum.SOCIAL_ORGANIZATION, 64),
                (SocialStratum.PRIVATE_ENTERPRISE, 12),
                (SocialStratum.INTERMEDIARY, 12),
                (SocialStratum.NEW_MEDIA, 6),
                (SocialStratum.FREELANCE, 6),
            ],
        )
        organization, organization_name = None, ""
        if stratum == SocialStratum.SOCIAL_ORGANIZATION and organizations[street.pk]:
            organization = rng.choice(organizations[street.pk])
        else:
            stratum = SocialStratum.PRIVATE_ENTERPRISE if stratum == SocialStratum.SOCIAL_ORGANIZATION else stratum
            organization_name = rng.choice(FIRMS[stratum])
        affiliation = _weighted(
            rng,
            [
                (PoliticalAffiliation.MASSES, 44),
                (PoliticalAffiliation.NON_PARTY, 18),
                (PoliticalAffiliation.CPC, 21),
                *[(party, 2.2) for party in DEMOCRATIC_PARTIES[:-1]],
                (DEMOCRATIC_PARTIES[-1], 0.3),
            ],
        )
        chosen = rng.sample(SPECIALTIES[:10], rng.choice((1, 1, 2)))
        if stratum == SocialStratum.INTERMEDIARY and "律师" in organization_name:
            chosen = ["法律", *[c for c in chosen if c != "法律"]][:2]
        title_options = TITLES.get(chosen[0], [""])
        person = Representative(
            name=person_name(rng, gender),
            gender=gender,
            ethnicity=HAN if rng.random() < 0.93 else rng.choice(MINORITIES),
            birth_date=birth,
            id_number=id_number(rng, birth, gender, used_ids) if rng.random() < 0.92 else "",
            mobile=mobile(rng, used_mobiles),
            political_affiliation=affiliation,
            education=_weighted(
                rng,
                [
                    (Education.BACHELOR, 45),
                    (Education.MASTER, 20),
                    (Education.COLLEGE, 20),
                    (Education.DOCTORATE, 3),
                    (Education.SECONDARY, 10),
                    (Education.BELOW, 2),
                ],
            ),
            title=rng.choice(title_options) if rng.random() < 0.6 else "",
            organization=organization,
            organization_name=organization_name,
            position=rng.choice(POSITIONS[stratum]),
            stratum=stratum,
            region=region,
            discovery_channel=_weighted(
                rng,
                [
                    (DiscoveryChannel.RECOMMENDATION, 38),
                    (DiscoveryChannel.AWARD, 22),
                    (DiscoveryChannel.INFLUENCE, 18),
                    (DiscoveryChannel.VENTURE, 14),
                    (DiscoveryChannel.ABNORMAL_LIST, 3),
                    (DiscoveryChannel.OTHER, 5),
                ],
            ),
        )
        return _save_with_history(rng, person, status, level, [specialties[c] for c in chosen], today, admin)

    people = []
    # generated rows, checked as the import checks its rows: the database enforces uniqueness and keys
    with checked_bulk_write(admin):
        for status, level, count in (
            (PoolStatus.ADMITTED, PoolLevel.CITY, ADMITTED_CITY),
            (PoolStatus.ADMITTED, PoolLevel.DISTRICT, ADMITTED_DISTRICT),
            (PoolStatus.KEY_CONTACT, PoolLevel.CITY, KEY_CONTACTS // 3),
            (PoolStatus.KEY_CONTACT, PoolLevel.DISTRICT, KEY_CONTACTS - KEY_CONTACTS // 3),
            (PoolStatus.CANDIDATE, "", CANDIDATES),
            (PoolStatus.WITHDRAWN, PoolLevel.DISTRICT, WITHDRAWN),
        ):
            people.extend(make_person(status, level) for _ in range(count))

    _build_evaluations(rng, people, today)
    groups = _build_groups(rng, people, district, streets, today, admin)
    _build_trainings(rng, people, district, streets, today)
    _build_nominations(rng, people, groups, today)
    _withdraw(rng, people, today, admin)
    _build_duplicates(rng, people, today, admin, used_ids, used_mobiles)


# what make_person fills in: the page form's fields but the specialties (set apart) and remarks; the services
# write the rest (status, history, specialty names)
PERSON_FIELDS = tuple(f for f in RepresentativeForm.Meta.fields if f not in ("specialties", "remarks"))


def _save_with_history(rng, person, status, level, chosen_specialties, today, admin):
    """Create the person through the services, with a believable dated path: 候选 › 入库 › 重点联系对象."""
    found = _date_between(rng, datetime.date(2017, 12, 1), today - datetime.timedelta(days=420))
    admitted = _date_between(rng, found + datetime.timedelta(days=60), found + datetime.timedelta(days=400))
    final_status = PoolStatus.ADMITTED if status == PoolStatus.WITHDRAWN else status
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    person = services.representative_create(
        user=admin,
        data={**data, "status": PoolStatus.CANDIDATE, "status_date": found, "specialties": chosen_specialties},
    )
    if final_status != PoolStatus.CANDIDATE:
        services.representative_change_status(
            user=admin,
            representative=person,
            to_status=PoolStatus.ADMITTED,
            level=level,
            changed_on=admitted,
            note=f"经{admitted.year - 1 if admitted.month < 4 else admitted.year}年综合评价，研究同意入库",
        )
    if final_status == PoolStatus.KEY_CONTACT:
        keyed = _date_between(rng, admitted + datetime.timedelta(days=90), today - datetime.timedelta(days=30))
        services.representative_change_status(
            user=admin,
            representative=person,
            to_status=PoolStatus.KEY_CONTACT,
            level=level,
            changed_on=keyed,
            note="列为重点联系对象",
        )
    person.refresh_from_db()
    person.withdraw_later = status == PoolStatus.WITHDRAWN
    person.admitted_on = admitted if final_status != PoolStatus.CANDIDATE else None
    person.withdrawn_on = None
    if person.withdraw_later:
        latest = today - datetime.timedelta(days=10)
        person.withdrawn_on = min(_date_between(rng, admitted + datetime.timedelta(days=200), latest), latest)
    return person


def _build_evaluations(rng, people, today):
    evaluations = []
    for person in people:
        if person.admitted_on is None:
            if rng.random() < 0.5:  # half the candidates were assessed last year, ahead of a decision
                first = today.year - 1
            else:
                continue
        else:
            first = max(person.admitted_on.year - 1, today.year - 5)
        last = person.withdrawn_on.year if person.withdrawn_on else today.year  # no evaluation after leaving
        for year in range(first, last):
            stance = rng.randint(20, 25)
            evaluation = Evaluation(
                representative=person,
                year=year,
                political_stance=stance,
                deliberation=rng.randint(12, 25),
                social_influence=rng.randint(12, 25),
                duty_performance=rng.randint(14, 25),
                evaluator="龙华区委统战部综合评价工作组",
                evaluated_on=datetime.date(year, 12, rng.randint(10, 28)),
            )
            evaluation.grade = evaluation.suggested_grade()
            evaluations.append(evaluation)
    Evaluation.objects.bulk_create(evaluations)


def _build_groups(rng, people, district, streets, today, admin):
    in_pool = [p for p in people if p.admitted_on is not None]
    specialty_of = {p.pk: {s.name for s in p.specialties.all()} for p in in_pool}

    def group(name, kind, region, founded, description):
        return ServiceGroup.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "region": region, "founded_on": founded, "description": description},
        )[0]

    def enrol(target, members, roles=()):
        for index, person in enumerate(members):
            joined = max(person.admitted_on, target.founded_on)
            role = roles[index] if index < len(roles) else GroupRole.MEMBER
            Membership.objects.create(group=target, representative=person, role=role, joined_on=joined)

    groups = {}
    for name, wanted, size, description in (
        (
            "公益服务组",
            {"社会工作", "养老服务", "教育"},
            26,
            "按专业特长组建的功能型服务小组：社区公益、一老一小、帮扶弱势群体。",
        ),
        ("法律服务组", {"法律"}, 14, "法律咨询、人民调解、普法宣讲进社区。"),
        ("心理援助组", {"心理", "医疗卫生"}, 12, "心理疏导、危机干预、青少年心理辅导。"),
    ):
        target = group(name, ServiceGroupKind.FUNCTIONAL, district, datetime.date(2019, 5, 1), description)
        fits = [p for p in in_pool if specialty_of[p.pk] & wanted]
        enrol(target, rng.sample(fits, min(size, len(fits))), roles=(GroupRole.HEAD, GroupRole.DEPUTY))
        groups[name] = target
    lecturers = group(
        "龙华区社会组织党员百姓讲师团",
        ServiceGroupKind.LECTURERS,
        district,
        datetime.date(2019, 7, 1),
        "社会组织党员组成的宣讲队伍，开展政策宣讲、党史学习进社区。",
    )
    party_members = [p for p in in_pool if p.political_affiliation == PoliticalAffiliation.CPC]
    enrol(lecturers, rng.sample(party_members, min(15, len(party_members))), roles=(GroupRole.HEAD,))
    branch = group(
        "龙华区新的社会阶层人士联合会社会组织代表人士分会",
        ServiceGroupKind.ASSOCIATION_BRANCH,
        district,
        datetime.date(2018, 6, 28),
        "为社会组织代表人士开展联谊活动、建言献策、参政议政搭建平台。",
    )
    # the 分会's members are the pool's most established people: key contacts first, admitted by 2020
    seasoned = [p for p in in_pool if p.admitted_on <= datetime.date(today.year - 5, 12, 31)]
    seasoned.sort(key=lambda p: (p.status != PoolStatus.KEY_CONTACT, p.admitted_on))
    members = [p for p in seasoned if not p.withdraw_later][:BRANCH_MEMBERS]
    roles = [GroupRole.HEAD] + [GroupRole.DEPUTY] * 4 + [GroupRole.SECRETARY] + [GroupRole.COUNCIL] * 8
    enrol(branch, members, roles=roles)
    groups["branch"] = branch
    groups["branch_members"] = members
    street = streets[0]
    volunteers = group(
        f"{street.name}社会组织代表人士志愿服务队",
        ServiceGroupKind.OTHER,
        street,
        datetime.date(2020, 2, 10),
        "街道组建的志愿服务队：疫情防控、防汛救灾、社区治理。",
    )
    locals_ = [p for p in in_pool if p.region.path.startswith(street.path)]
    enrol(volunteers, rng.sample(locals_, min(10, len(locals_))), roles=(GroupRole.HEAD,))
    return groups


def _build_trainings(rng, people, district, streets, today):
    in_pool = [p for p in people if p.admitted_on is not None]
    for year in range(today.year - 3, today.year + 1):
        sessions = [(datetime.date(year, month, day), district) for month, day in ((3, 20), (6, 18), (9, 15), (11, 12))]
        sessions.append((datetime.date(year, 5, 8), rng.choice(streets)))
        titles = rng.sample(TRAINING_TITLES, len(sessions))
        for (held_on, region), title in zip(sessions, titles, strict=True):
            if held_on > today:
                continue
            is_district = region.pk == district.pk
            training = Training.objects.create(
                title=f"{year}年{title}",
                held_on=held_on,
                organizer="中共深圳市龙华区委统战部" if is_district else f"{region.name}党工委统战办",
                hours=rng.choice([3, 4, 6, 8, 12, 16]),
                location=rng.choice(["龙华区社会组织孵化基地", "龙华区委党校", "龙华区新的社会阶层人士实践创新基地"])
                if is_district
                else f"{region.name}党群服务中心",
                region=region,
                content="理论学习、专题讲座、分组研讨与现场教学。",
            )
            eligible = [
                p for p in in_pool if p.admitted_on <= held_on and (p.withdrawn_on is None or held_on <= p.withdrawn_on)
            ]
            if not is_district:
                eligible = [p for p in eligible if p.region.path.startswith(region.path)]
            # key contacts come to almost every session; others to about half of them
            chosen = [p for p in eligible if rng.random() < (0.9 if p.status == PoolStatus.KEY_CONTACT else 0.45)]
            Attendance.objects.bulk_create(Attendance(training=training, representative=p) for p in chosen)


def _build_nominations(rng, people, groups, today):
    seat_year = today.year - 4  # the last 换届: terms run five years
    term_end = datetime.date(seat_year + 5, 12, 31)
    holders = list(groups["branch_members"])
    rng.shuffle(holders)
    holders = [p for p in holders if Evaluation.objects.filter(representative=p, year__in=(seat_year, seat_year - 1))]
    cursor = 0
    nominations = []
    for kind, level, body, count in SEATS:  # BRANCH_DEPUTIES seats in all
        for person in holders[cursor : cursor + count]:
            nominations.append(
                Nomination(
                    representative=person,
                    kind=kind,
                    level=level,
                    year=seat_year,
                    body=body,
                    post="代表" if kind == NominationKind.NPC else "委员",
                    recommended_by="中共深圳市龙华区委统战部",
                    outcome=NominationOutcome.ELECTED,
                    term_end=term_end,
                )
            )
        cursor += count
    in_pool = [p for p in people if p.admitted_on is not None and not p.withdraw_later]
    others = [p for p in in_pool if p not in holders[:cursor]]
    # posts in mass organizations and associations, one not elected, and a few recommendations under way
    for person in rng.sample(others, 12):
        years = set(Evaluation.objects.filter(representative=person).values_list("year", flat=True))
        if not years:
            continue
        year = max(years) + 1
        kind = rng.choice([NominationKind.MASS_ORGANIZATION, NominationKind.ASSOCIATION])
        body = rng.choice(
            ["深圳市龙华区妇女联合会", "共青团深圳市龙华区委员会", "深圳市龙华区工商业联合会"]
            if kind == NominationKind.MASS_ORGANIZATION
            else ["深圳市社会工作者协会", "深圳市龙华区社会组织总会", "深圳市律师协会", "深圳市心理咨询师协会"]
        )
        outcome = NominationOutcome.PENDING if year >= today.year else NominationOutcome.APPOINTED
        nominations.append(
            Nomination(
                representative=person,
                kind=kind,
                level=NominationLevel.DISTRICT if "龙华区" in body else NominationLevel.CITY,
                year=year,
                body=body,
                post=rng.choice(["执委", "兼职副主席", "理事", "常务理事", "监事"]),
                recommended_by="中共深圳市龙华区委统战部",
                outcome=outcome,
                term_end=datetime.date(year + 4, 12, 31) if outcome == NominationOutcome.APPOINTED else None,
            )
        )
    nominations[-1].outcome = NominationOutcome.NOT_ELECTED
    nominations[-1].term_end = None
    for nomination in nominations:
        nomination.full_clean()
    Nomination.objects.bulk_create(nominations)


def _withdraw(rng, people, today, admin):
    """Withdrawals through the status service: the dated change, and the memberships end on that date."""
    for person in people:
        if not person.withdraw_later:
            continue
        services.representative_change_status(
            user=admin,
            representative=person,
            to_status=PoolStatus.WITHDRAWN,
            changed_on=person.withdrawn_on,
            note=rng.choice(["工作调离本区", "本人申请退出", "所在社会组织注销"]),
        )
        person.refresh_from_db()


def _build_duplicates(rng, people, today, admin, used_ids, used_mobiles):
    """Four people entered twice, the way it happens: by another street, without the ID, with a typo'd unit."""
    in_pool = [p for p in people if p.admitted_on is not None and not p.withdraw_later]
    originals = rng.sample(in_pool, 4)

    def copy(original, **changes):
        duplicate = Representative(
            name=original.name,
            gender=original.gender,
            ethnicity=original.ethnicity,
            birth_date=original.birth_date,
            id_number="",
            mobile=original.mobile,
            political_affiliation=original.political_affiliation,
            education=original.education,
            organization=original.organization,
            organization_name=original.organization_name,
            position=original.position,
            stratum=original.stratum,
            region=original.region,
            discovery_channel=DiscoveryChannel.RECOMMENDATION,
            remarks="街道摸底时录入",
            status=PoolStatus.CANDIDATE,
            status_date=today - datetime.timedelta(days=40),
        )
        for name, value in changes.items():
            setattr(duplicate, name, value)
        duplicate.full_clean()
        duplicate.save()
        StatusChange.objects.create(
            representative=duplicate,
            to_status=PoolStatus.CANDIDATE,
            changed_on=duplicate.status_date,
            changed_by=admin,
            note="建档",
        )
        return duplicate

    # 1. same name, birth date and organization; no ID number, another mobile
    copy(originals[0], mobile=mobile(rng, used_mobiles))
    # 2. same name and mobile, entered by another street with another unit and no birth date
    other_street = (
        Region.objects.filter(level=RegionLevel.STREET)
        .exclude(pk=originals[1].region.pk)
        .exclude(children=originals[1].region)
    )
    copy(
        originals[1],
        region=other_street.order_by("code").first(),
        birth_date=None,
        organization=None,
        organization_name="深圳市龙华区社会组织总会（兼职）",
    )
    # 3. same name, birth date and unit, but a new mobile: the unit typed as free text
    third = originals[2]
    copy(third, mobile="", organization=None, organization_name=third.organization_display)
    # 4. both reasons at once, and the duplicate has an evaluation and a training of its own to carry over
    fourth = copy(originals[3])
    Evaluation.objects.create(
        representative=fourth,
        year=today.year,
        political_stance=22,
        deliberation=18,
        social_influence=19,
        duty_performance=20,
        evaluator=f"{fourth.region.name}统战办",
        evaluated_on=today - datetime.timedelta(days=20),
    )
    latest = Training.objects.order_by("-held_on").first()
    if latest and not Attendance.objects.filter(training=latest, representative=originals[3]).exists():
        Attendance.objects.create(training=latest, representative=fourth)


register_demo_builder(40, "代表人士库（入库、服务小组、评价、培训、推荐使用）", build_talents)

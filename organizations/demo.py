"""Demo organizations for 龙华区: a 1+6+12+N party-organization tree, liaisons, venues — with gaps on purpose.

Deterministic (a fixed random seed) and idempotent (natural keys), so set-up can run it again.
The gaps let the 两个覆盖 page show something: uncovered organizations, 应建未建, an overloaded
and an under-used instructor, a 30+-staff organization without its own instructor, party
organizations without a 统战委员 and one 统战联络员 where a party organization exists.
"""

import datetime
import random

from django.utils import timezone

from registry.choices import RegionLevel
from registry.crud import checked_bulk_write
from registry.demo import DISTRICT, STREETS, SUPERUSER, register_demo_builder
from registry.models import Region, User
from registry.validators import CREDIT_CODE_CHARSET, credit_code_check_char

from . import services
from .choices import (
    HonourLevel,
    LiaisonRole,
    OrganizationKind,
    PartnerKind,
    PartyOrgKind,
    PartyOrgTier,
    Rating,
    VentureList,
    VenueKind,
    VenueLevel,
)
from .models import (
    Assignment,
    Industry,
    Liaison,
    Organization,
    Pairing,
    PartyCoverage,
    PartyOrganization,
    Venue,
)

SEED = 20171201
INDUSTRIES = [
    "社会工作服务",
    "教育培训",
    "文化体育",
    "卫生健康",
    "养老服务",
    "慈善公益",
    "法律服务",
    "行业协会商会",
    "科技研究",
    "社区服务",
    "志愿服务",
    "生态环保",
]
# (name pattern, kind, industry): {s} is a street name without 街道, {c} a community, {w} a theme word
PATTERNS = [
    ("深圳市龙华区{w}社会工作服务中心", OrganizationKind.SERVICE_INSTITUTION, "社会工作服务"),
    ("深圳市龙华区{s}{w}社工服务社", OrganizationKind.SERVICE_INSTITUTION, "社会工作服务"),
    ("深圳市龙华区{w}培训中心", OrganizationKind.SERVICE_INSTITUTION, "教育培训"),
    ("深圳市龙华区{w}艺术培训学校", OrganizationKind.SERVICE_INSTITUTION, "教育培训"),
    ("深圳市龙华区{w}体育协会", OrganizationKind.SOCIAL_GROUP, "文化体育"),
    ("深圳市龙华区{s}{w}文化促进会", OrganizationKind.SOCIAL_GROUP, "文化体育"),
    ("深圳市龙华区{w}健康服务中心", OrganizationKind.SERVICE_INSTITUTION, "卫生健康"),
    ("深圳市龙华区{c}长者服务中心", OrganizationKind.SERVICE_INSTITUTION, "养老服务"),
    ("深圳市龙华区{w}颐养院", OrganizationKind.SERVICE_INSTITUTION, "养老服务"),
    ("深圳市龙华区{w}公益基金会", OrganizationKind.FOUNDATION, "慈善公益"),
    ("深圳市龙华区{c}社区基金会", OrganizationKind.FOUNDATION, "慈善公益"),
    ("深圳市龙华区{w}公益发展中心", OrganizationKind.SERVICE_INSTITUTION, "慈善公益"),
    ("深圳市龙华区{w}法律服务中心", OrganizationKind.SERVICE_INSTITUTION, "法律服务"),
    ("深圳市龙华区{w}人民调解促进会", OrganizationKind.SOCIAL_GROUP, "法律服务"),
    ("深圳市龙华区{w}行业协会", OrganizationKind.SOCIAL_GROUP, "行业协会商会"),
    ("深圳市龙华区{s}商会", OrganizationKind.SOCIAL_GROUP, "行业协会商会"),
    ("深圳市龙华区{w}科技促进会", OrganizationKind.SOCIAL_GROUP, "科技研究"),
    ("深圳市龙华区{w}发展研究院", OrganizationKind.SERVICE_INSTITUTION, "科技研究"),
    ("深圳市龙华区{c}社区服务中心", OrganizationKind.SERVICE_INSTITUTION, "社区服务"),
    ("深圳市龙华区{s}{w}邻里互助会", OrganizationKind.SOCIAL_GROUP, "社区服务"),
    ("深圳市龙华区{w}志愿者协会", OrganizationKind.SOCIAL_GROUP, "志愿服务"),
    ("深圳市龙华区{s}{w}义工服务队", OrganizationKind.SOCIAL_GROUP, "志愿服务"),
    ("深圳市龙华区{w}环保促进会", OrganizationKind.SOCIAL_GROUP, "生态环保"),
    ("深圳市龙华区{w}生态发展中心", OrganizationKind.SERVICE_INSTITUTION, "生态环保"),
]
WORDS = [
    "春晖",
    "同心",
    "启航",
    "阳光",
    "和谐",
    "明德",
    "善行",
    "鹏城",
    "观澜湖",
    "星火",
    "晨曦",
    "乐群",
    "友邻",
    "青禾",
    "博爱",
    "康宁",
    "睿智",
    "弘毅",
    "龙腾",
    "嘉和",
    "慧谷",
    "新桥",
    "绿洲",
    "红棉",
    "德润",
    "安然",
    "彩虹",
    "益路",
    "心桥",
    "百合",
    "展翼",
    "聚善",
    "厚德",
    "恒新",
    "雅韵",
    "清源",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国晓东海燕志军春梅文斌雪丹宇航思远嘉欣浩然"
# hubs and named organizations a district actually has
FIXED = [
    ("龙华区社会组织总会", OrganizationKind.SOCIAL_GROUP, "社区服务", None, True),
    ("深圳市龙华区义工联合会", OrganizationKind.SOCIAL_GROUP, "志愿服务", None, True),
    ("深圳市龙华区社会工作协会", OrganizationKind.SOCIAL_GROUP, "社会工作服务", "观湖街道", True),
    ("深圳市龙华区人力资源服务协会", OrganizationKind.SOCIAL_GROUP, "行业协会商会", None, True),
    ("深圳市龙华区律师协会", OrganizationKind.SOCIAL_GROUP, "法律服务", None, False),
    ("深圳市龙华区慈善会", OrganizationKind.SOCIAL_GROUP, "慈善公益", None, True),
]
PER_STREET = 70


def _org_code(rng) -> str:
    """A 9-character organization code with its GB 11714 check character."""
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _credit_code(rng, kind) -> str:
    category = {"social_group": "1", "service_institution": "2", "foundation": "3"}[kind]
    first17 = f"5{category}440309{_org_code(rng)}"
    assert all(ch in CREDIT_CODE_CHARSET for ch in first17)
    return first17 + credit_code_check_char(first17)


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def mobile(rng) -> str:
    return rng.choice(["13", "15", "18", "17", "19"]) + "".join(rng.choice("0123456789") for _ in range(9))


def build_organizations(stdout=None) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    industries = {}
    for order, name in enumerate(INDUSTRIES, start=1):
        industries[name] = Industry.objects.get_or_create(name=name, defaults={"sort_order": order})[0]
    district = Region.objects.get(code=DISTRICT[0])
    # records go through the same services as the pages, as the demo's superuser: every rule, history and version
    admin = User.objects.get(username=SUPERUSER)
    streets = {r.name: r for r in Region.objects.filter(parent=district, level=RegionLevel.STREET)}
    communities = {
        street: list(Region.objects.filter(parent=streets[street], level=RegionLevel.COMMUNITY).order_by("code"))
        for street in streets
    }
    if Organization.objects.filter(region__path__startswith=district.path).count() >= PER_STREET * len(streets):
        return  # already built: the demo is deterministic, nothing to top up

    def make(name, kind, industry, region, hub=False):
        org = Organization.objects.filter(name=name).first()
        if org:
            return org
        registered = datetime.date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28))
        rating = rng.choice(["", "", "", Rating.A3, Rating.A4, Rating.A5, Rating.A2])
        data = {
            "name": name,
            "credit_code": _credit_code(rng, kind),
            "kind": kind,
            "region": region,
            "industry": industries[industry],
            "registration_authority": "深圳市龙华区民政局",
            "registration_date": registered,
            "supervising_unit": rng.choice(
                [
                    "",
                    "",
                    "深圳市龙华区民政局",
                    "深圳市龙华区文化广电旅游体育局",
                    "深圳市龙华区教育局",
                    "深圳市龙华区卫生健康局",
                ]
            ),
            "legal_representative": person_name(rng),
            "contact_phone": mobile(rng),
            "address": f"深圳市龙华区{region.parent.name if region.level == 'community' else region.name}"
            f"{rng.choice(['人民路', '和平路', '东环一路', '梅龙大道', '布龙路', '观澜大道'])}{rng.randint(1, 300)}号",
            "is_hub": hub,
            "is_flagship": rng.random() < 0.08,
            "on_abnormal_list": rng.random() < 0.03,
            "rating": rating,
            "rating_year": rng.randint(2021, 2025) if rating else None,
            "honour_level": HonourLevel.DISTRICT if rng.random() < 0.05 else "",
            "venture_list": (
                VentureList.RED if rng.random() < 0.04 else VentureList.BLACK if rng.random() < 0.01 else ""
            ),
        }
        if data["honour_level"]:
            data["honour_year"] = rng.randint(2020, 2025)
        if rng.random() < 0.03:
            data["status"] = rng.choice(["deregistered", "revoked"])
        org = services.organization_create(user=admin, data=data)
        # two years of 摸底调查: staff mostly small, a tail of large organizations
        staff = max(1, int(rng.lognormvariate(2.2, 0.8)))
        members = 0 if rng.random() < 0.55 else min(staff, int(rng.expovariate(1 / 3)) + 1)
        mobile_members = rng.randint(0, members) if members and rng.random() < 0.3 else 0
        for year, factor in ((today.year - 2, 0.9), (today.year - 1, 1.0)):
            services.survey_create(
                user=admin,
                data={
                    "organization": org,
                    "year": year,
                    "staff_count": max(1, int(staff * factor)),
                    "party_member_count": members,
                    "mobile_party_member_count": mobile_members,
                    "probationary_member_count": rng.choice([0, 0, 0, 1]),
                    "surveyed_on": datetime.date(year, 3, 31),
                },
            )
        return org

    # generated rows, checked as the import checks its rows: the database enforces uniqueness and keys,
    # and the scope is checked once per model at the end (a query or more per record otherwise)
    with checked_bulk_write(admin):
        fixed = []
        for name, kind, industry, street, hub in FIXED:
            fixed.append(make(name, kind, industry, streets[street] if street else streets["龙华街道"], hub))
        promotion = {}
        for _street_code, street_name, _, _ in STREETS:
            street = streets[street_name]
            short = street_name.removesuffix("街道")
            promotion[street_name] = make(
                f"深圳市龙华区{street_name}社会组织促进会", OrganizationKind.SOCIAL_GROUP, "社区服务", street, hub=True
            )
            made = 1
            attempts = 0
            while made < PER_STREET and attempts < PER_STREET * 20:
                attempts += 1
                pattern, kind, industry = rng.choice(PATTERNS)
                community = rng.choice(communities[street_name])
                name = pattern.format(s=short, c=community.name.removesuffix("社区"), w=rng.choice(WORDS))
                if Organization.objects.filter(name=name).exists():
                    continue
                region = community if rng.random() < 0.6 else street
                make(name, kind, industry, region)
                made += 1
        _build_party_tree(rng, district, streets, industries, promotion, fixed, admin)
        _build_liaisons(rng, district, streets, admin)
        _build_venues(rng, district, streets, communities, admin)


def _latest(org):
    return org.surveys.order_by("-year").first()


def _build_party_tree(rng, district, streets, industries, promotion, fixed, admin):
    def party(name, kind, tier, parent, region, industry=None, orgs=(), secretary=None, members=0):
        data = {
            "name": name,
            "parent": parent,
            "kind": kind,
            "tier": tier,
            "region": region,
            "industry": industry,
            "secretary": secretary or person_name(rng),
            "member_count": members,
            "founded_date": datetime.date(rng.randint(2012, 2023), rng.randint(1, 12), 1),
            "organizations": list(orgs),
        }
        existing = PartyOrganization.objects.filter(name=name, parent=parent).first()
        return existing or services.party_organization_create(user=admin, data=data)

    root = party(
        "中共深圳市龙华区社会组织委员会",
        PartyOrgKind.COMMITTEE,
        PartyOrgTier.DISTRICT,
        None,
        district,
        orgs=[fixed[0]],
        members=15,
    )
    hubs = {}
    for street_name, street in streets.items():
        hubs[street_name] = party(
            f"中共深圳市龙华区{street_name}社会组织促进会总支部委员会",
            PartyOrgKind.GENERAL_BRANCH,
            PartyOrgTier.AREA,
            root,
            street,
            orgs=[promotion[street_name]],
            members=rng.randint(12, 30),
        )
    sectors = {}
    for name, industry in industries.items():
        sectors[name] = party(
            f"中共深圳市龙华区{name}行业社会组织支部委员会",
            PartyOrgKind.BRANCH,
            PartyOrgTier.SECTOR,
            root,
            district,
            industry=industry,
            members=rng.randint(5, 20),
        )
    # N: organizations with 3+ resident party members get their own branch — most of them, not all (应建未建)
    candidates = []
    joint_pool = {name: [] for name in streets}
    for org in Organization.objects.filter(status="normal").select_related("region", "industry").order_by("pk"):
        if PartyCoverage.objects.filter(organization=org).exists():
            continue
        survey = _latest(org)
        if survey is None:
            continue
        resident = survey.party_member_count - survey.mobile_party_member_count
        street_name = org.region.name if org.region.level == "street" else org.region.parent.name
        if resident >= 3:
            candidates.append((org, survey, street_name))
        elif survey.party_member_count in (1, 2):
            joint_pool[street_name].append(org)
    for index, (org, survey, street_name) in enumerate(candidates):
        if index % 9 == 4:
            continue  # left without a party organization on purpose: 应建未建
        parent = sectors[org.industry.name] if index % 3 == 0 else hubs[street_name]
        kind = PartyOrgKind.COMMITTEE if survey.party_member_count >= 50 else PartyOrgKind.BRANCH
        party(
            f"中共{org.name}支部委员会",
            kind,
            PartyOrgTier.GRASSROOTS,
            parent,
            org.region,
            orgs=[org],
            members=survey.party_member_count,
        )
    # 联合党支部: neighbours with one or two party members each; a few stay unattached
    for street_name, pool in joint_pool.items():
        for number, start in enumerate(range(0, max(len(pool) - 2, 0), 4), start=1):
            group = pool[start : start + 4]
            party(
                f"中共深圳市龙华区{street_name}社会组织第{number}联合支部委员会",
                PartyOrgKind.JOINT_BRANCH,
                PartyOrgTier.GRASSROOTS,
                hubs[street_name],
                streets[street_name],
                orgs=group,
                members=sum(_latest(o).party_member_count for o in group),
            )
    for org in Organization.objects.filter(
        surveys__mobile_party_member_count__gte=3, coverages__isnull=True
    ).distinct()[:2]:
        street = org.region if org.region.level == "street" else org.region.parent
        party(
            f"中共{org.name}流动党员支部委员会",
            PartyOrgKind.MOBILE_BRANCH,
            PartyOrgTier.GRASSROOTS,
            hubs[street.name],
            org.region,
            orgs=[org],
            members=_latest(org).mobile_party_member_count,
        )
    for node in PartyOrganization.objects.filter(tier=PartyOrgTier.GRASSROOTS).order_by("pk")[:12]:
        data = {
            "party_organization": node,
            "partner_name": rng.choice(
                [
                    "中共深圳市龙华区民治街道民治社区委员会",
                    "中共富士康科技集团龙华园区委员会",
                    "中共深圳市龙华区观澜街道桂花社区委员会",
                    "中共深圳市龙华区人民医院委员会",
                ]
            ),
            "partner_kind": rng.choice([PartnerKind.COMMUNITY, PartnerKind.ENTERPRISE]),
            "since": datetime.date(rng.randint(2019, 2024), rng.randint(1, 12), 1),
            "content": "联合开展主题党日、志愿服务进社区、党员共学共建。",
        }
        if not Pairing.objects.filter(party_organization=node, partner_name=data["partner_name"]).exists():
            services.pairing_create(user=admin, data=data)


def _build_liaisons(rng, district, streets, admin):
    if Liaison.objects.exists():
        return
    today = timezone.localdate()
    start = datetime.date(today.year - 1, 3, 1)
    normal = list(Organization.objects.filter(status="normal").order_by("pk"))
    with_own = set(
        PartyCoverage.objects.exclude(party_organization__kind=PartyOrgKind.JOINT_BRANCH).values_list(
            "organization", flat=True
        )
    )
    with_any = set(PartyCoverage.objects.values_list("organization", flat=True))

    def liaison(region, unit, post):
        return services.liaison_create(
            user=admin,
            data={
                "name": person_name(rng),
                "gender": rng.choice(["male", "female"]),
                "mobile": mobile(rng),
                "work_unit": unit,
                "post": post,
                "region": region,
            },
        )

    def assign(person, org, role, begin=start, end=None):
        services.assignment_create(
            user=admin,
            data={"liaison": person, "organization": org, "role": role, "start_date": begin, "end_date": end},
        )

    # 党建指导员: district cadres guiding 5–10 each; one overloaded (12), one under-used (3)
    uncovered_small = [o for o in normal if o.pk not in with_any]
    rng.shuffle(uncovered_small)
    loads = [12, 3] + [rng.randint(5, 10) for _ in range(14)]
    cursor = 0
    for load in loads:
        person = liaison(
            district,
            rng.choice(["深圳市龙华区民政局", "中共深圳市龙华区委组织部", "深圳市龙华区社会组织总会"]),
            "党建指导员",
        )
        for org in uncovered_small[cursor : cursor + load]:
            assign(person, org, LiaisonRole.PARTY_INSTRUCTOR)
        cursor += load
    # 1:1 instructors for most large organizations (30+ staff); one is left without on purpose
    large = [o for o in normal if (_latest(o) and _latest(o).staff_count >= 30)]
    for org in large[1:]:
        person = liaison(district, "深圳市龙华区民政局", "专职党建指导员")
        assign(person, org, LiaisonRole.PARTY_INSTRUCTOR)
    # 统战委员 in organizations with their own party organization (a few missing), 统战联络员 elsewhere
    for index, org in enumerate(o for o in normal if o.pk in with_own):
        if index % 7 == 3:
            continue
        street = org.region if org.region.level == "street" else org.region.parent
        assign(liaison(street, org.name, "党支部委员、统战委员"), org, LiaisonRole.UNITED_FRONT_MEMBER)
    remaining = list(uncovered_small[cursor:])
    for index, org in enumerate(remaining):
        street = org.region if org.region.level == "street" else org.region.parent
        if index % 3 == 0:
            continue  # no-one yet: the uncovered list
        role = LiaisonRole.PARTY_LIAISON if index % 2 else LiaisonRole.UNITED_FRONT_LIAISON
        assign(liaison(street, org.name, "办公室主任"), org, role)
    # a 统战联络员 in an organization that has its own party organization: a role to correct
    contradiction = next(o for o in normal if o.pk in with_own)
    street = contradiction.region if contradiction.region.level == "street" else contradiction.region.parent
    assign(liaison(street, contradiction.name, "理事"), contradiction, LiaisonRole.UNITED_FRONT_LIAISON)
    # an ended assignment keeps its history but no longer covers
    ended = Assignment.objects.filter(role=LiaisonRole.PARTY_LIAISON).order_by("pk").first()
    if ended:
        services.assignment_end(user=admin, instance=ended, end_date=today - datetime.timedelta(days=30))


def _build_venues(rng, district, streets, communities, admin):
    def venue(name, kind, level, region, org=None, standards=6):
        flags = ["has_site", "has_sign", "has_rules", "has_team", "has_activities", "has_records"]
        data = {
            "name": name,
            "region": region,
            "kind": kind,
            "level": level,
            "operating_organization": org,
            "address": f"{region.name}{rng.choice(['党群服务中心', '综合楼', '文化中心'])}",
            "floor_area": rng.choice([80, 120, 200, 350, 600]),
            "opened_date": datetime.date(rng.randint(2018, 2024), rng.randint(1, 12), 1),
            **{flag: index < standards for index, flag in enumerate(flags)},
        }
        if not Venue.objects.filter(name=name, region=region).exists():
            services.venue_create(user=admin, data=data)

    hub = Organization.objects.filter(name="龙华区社会组织总会").first()
    venue("龙华区社会组织孵化基地", VenueKind.INCUBATION_BASE, VenueLevel.COUNTY, district, hub)
    venue("龙华区新的社会阶层人士实践创新基地", VenueKind.PRACTICE_BASE, VenueLevel.COUNTY, district, hub)
    venue(
        "龙华区社工行业党群服务中心",
        VenueKind.PARTY_MASS_CENTER,
        VenueLevel.COUNTY,
        streets["观湖街道"],
        Organization.objects.filter(name="深圳市龙华区社会工作协会").first(),
    )
    venue(
        "龙华区人力资源行业党群服务中心",
        VenueKind.PARTY_MASS_CENTER,
        VenueLevel.COUNTY,
        district,
        Organization.objects.filter(name="深圳市龙华区人力资源服务协会").first(),
    )
    for street_name, street in streets.items():
        promotion = Organization.objects.filter(name=f"深圳市龙华区{street_name}社会组织促进会").first()
        venue(
            f"{street_name}统战服务驿站",
            VenueKind.SERVICE_STATION,
            VenueLevel.TOWN,
            street,
            promotion,
            standards=rng.choice([4, 5, 6]),
        )
        venue(f"{street_name}社会组织孵化中心", VenueKind.INCUBATION_BASE, VenueLevel.TOWN, street, promotion)
        for community in rng.sample(communities[street_name], 2):
            kind = rng.choice([VenueKind.TONGXIN_ROOM, VenueKind.POMEGRANATE_HOME, VenueKind.OVERSEAS_CHINESE_HOME])
            venue(
                f"{community.name}{VenueKind(kind).label}",
                kind,
                VenueLevel.COMMUNITY,
                community,
                standards=rng.choice([3, 5, 6]),
            )
    venue(
        "章阁社区青工社会组织党建阵地",
        VenueKind.PARTY_MASS_CENTER,
        VenueLevel.COMMUNITY,
        Region.objects.get(name="章阁社区"),
    )


register_demo_builder(30, "社会组织、党组织、联络员、阵地", build_organizations)

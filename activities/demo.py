"""Demo records of the activities app: the themes the source articles name, and the district's activities.

March 2022 carries the articles' own figures (龙华区: 198家社会组织开展志愿服务，2.63万人次参与，捐款
158.31万元; the 抗疫志愿服务队 800人次、捐款捐物400多万元). They are reproduced from records, not typed
into a report: the builder splits each total over believable activities, so the figures page, the month
filter and the export add up to them. Deterministic (a fixed seed) and idempotent (nothing is added once
the district has activities), like the organizations and talents demos it builds on.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from organizations.models import Organization, Venue
from registry.choices import RegionLevel
from registry.crud import checked_bulk_write
from registry.demo import DISTRICT, SUPERUSER, register_demo_builder
from registry.models import Region, User
from talents.choices import IN_POOL, PoolStatus, ServiceGroupKind
from talents.models import Representative, ServiceGroup, StatusChange
from talents.services import service_group_create

from .choices import ActivityKind, ActivityStatus, ParticipantRole, PartyDayKind
from .models import Activity, ActivityTheme
from .services import activity_create, activity_theme_create, participation_create

THEMES = ["疫情防控", "乡村振兴", "社会治理", "防汛救灾", "一老一小"]

SEED = 20220331
# the figures the articles report for March 2022 (held 志愿服务 in 龙华区)
MARCH = (2022, 3)
MARCH_ORGANIZATIONS = 198
MARCH_HEADCOUNT = 26_300
MARCH_DONATION = Decimal("1583100.00")
# the 抗疫志愿服务队: 800人次, 捐款捐物 412万元 — part of it in March 2022, the rest around the other waves
TEAM_NAME = "龙华区社会组织抗疫志愿服务队"
TEAM_HEADCOUNT = 800
TEAM_DONATION_MARCH = Decimal("500000.00")
TEAM_DONATION_OTHER = Decimal("1120000.00")
TEAM_GOODS = Decimal("2500000.00")
TEAM_MARCH_ACTIVITIES = 6
TEAM_OTHER_DAYS = [
    (2020, 2, 3),
    (2020, 2, 17),
    (2020, 3, 9),
    (2021, 6, 1),
    (2021, 6, 15),
    (2022, 4, 8),
    (2022, 11, 20),
    (2022, 12, 12),
]
YEARS = range(2022, 2027)
OUTSIDERS = ("陈志强", "林晓燕", "黄建国")  # volunteers named on the day, not in the pool
PEOPLE = 12  # representatives named as participants, with hours in 2023–2026
HUNDRED = Decimal("100")

EPIDEMIC_WORK = [
    "核酸检测点秩序维护",
    "全员核酸采样协助",
    "封控小区生活物资配送",
    "疫情防控卡口值守",
    "居家隔离人员送药上门",
    "抗疫物资捐赠",
    "疫苗接种点引导服务",
    "独居长者防疫关爱探访",
    "防疫知识入户宣传",
    "返深人员信息登记",
]
VOLUNTEER_WORK = [
    ("关爱独居长者上门探访", "一老一小"),
    ("四点半课堂课业辅导", "一老一小"),
    ("社区环境清洁行动", "社会治理"),
    ("防汛物资转运", "防汛救灾"),
    ("台风过后清障复绿", "防汛救灾"),
    ("普法宣传进社区", "社会治理"),
    ("义诊进社区", "一老一小"),
    ("垃圾分类宣传督导", "社会治理"),
    ("困难家庭走访慰问", "乡村振兴"),
    ("对口帮扶农产品助销", "乡村振兴"),
]
COUNCIL_TOPICS = ["加装电梯协商", "老旧小区停车管理", "社区公共空间微改造", "垃圾分类点位调整", "社区食堂运营"]
LECTURE_TOPICS = [
    "学习贯彻党的二十大精神",
    "社会组织依法治理",
    "新时代统一战线工作",
    "社会组织参与基层治理",
    "慈善法解读",
    "社会组织财务规范",
]
RESEARCH_TOPICS = ["社会组织党建覆盖", "社区基金会发展", "新的社会阶层人士作用发挥", "社会组织参与乡村振兴"]


def build_activity_themes(stdout=None) -> None:
    admin = User.objects.get(username=SUPERUSER)
    for order, name in enumerate(THEMES, start=1):
        if not ActivityTheme.objects.filter(name=name).exists():
            activity_theme_create(user=admin, data={"name": name, "sort_order": order * 10, "is_active": True})


def split(rng, total: int, parts: int, minimum: int = 0) -> list[int]:
    """``parts`` whole numbers of at least ``minimum`` that add up to ``total`` exactly, uneven as real ones are."""
    spare = total - minimum * parts
    if spare < 0:
        raise ValueError(f"{total} cannot be split into {parts} parts of at least {minimum}")
    weights = [rng.lognormvariate(0, 0.8) for _ in range(parts)]
    scale = sum(weights)
    shares = [int(spare * weight / scale) for weight in weights]
    for index in rng.sample(range(parts), spare - sum(shares)):  # what the rounding down left, one each
        shares[index] += 1
    return [minimum + share for share in shares]


def _hundreds(rng, total: Decimal, parts: int, minimum: int = 0) -> list[Decimal]:
    """Money split in whole hundreds of yuan, as donations are counted."""
    return [HUNDRED * share for share in split(rng, int(total / HUNDRED), parts, minimum)]


def _at(year, month, day, hour, minute=0) -> datetime.datetime:
    """Shanghai wall-clock time (the figures read months in Shanghai time)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def _street_of(region: Region) -> Region:
    return region if region.level == RegionLevel.STREET else region.parent


class _Builder:
    def __init__(self, admin, district):
        self.rng = random.Random(SEED)
        self.admin = admin
        self.district = district
        self.now = timezone.now()
        self.themes = {theme.name: theme for theme in ActivityTheme.objects.filter(name__in=THEMES)}
        self.streets = list(Region.objects.filter(parent=district, level=RegionLevel.STREET).order_by("code"))
        self.communities = {
            street.pk: list(street.children.filter(level=RegionLevel.COMMUNITY).order_by("code"))
            for street in self.streets
        }
        normal = (
            Organization.objects.filter(region__path__startswith=district.path, status="normal")
            .select_related("region__parent")
            .order_by("pk")
        )
        self.organizations = {street.pk: [] for street in self.streets}
        for organization in normal:
            self.organizations[_street_of(organization.region).pk].append(organization)
        self.hub = Organization.objects.filter(name="龙华区社会组织总会").first()
        self.bases = list(Venue.objects.filter(name__contains="基地", region__path__startswith=district.path))
        self.activities = []

    def create(self, *, title, kind, start, hours, region, organizations=(), covered=(), themes=(), **figures):
        end = start + datetime.timedelta(hours=hours)
        headcount = figures.pop("headcount", 0)
        per_person = Decimal(min(hours, self.rng.choice((2, 2.5, 3, 4)))).quantize(Decimal("0.1"))
        data = {
            "title": title,
            "kind": kind,
            "status": figures.pop("status", ActivityStatus.HELD if start <= self.now else ActivityStatus.PLANNED),
            "start_at": start,
            "end_at": end,
            "place": figures.pop("place", f"{region.name}党群服务中心"),
            "region": region,
            "organizations": list(organizations),
            "covered_regions": list(covered),
            "themes": [self.themes[name] for name in themes if name in self.themes],
            "headcount": headcount,
            "service_hours": per_person * headcount,
            "beneficiaries": headcount * self.rng.randint(2, 12),
            "description": figures.pop("description", ""),
            **figures,
        }
        if data["status"] != ActivityStatus.HELD:
            data.update(headcount=0, service_hours=Decimal("0"), beneficiaries=0)
            data.update(donation_amount=Decimal("0"), goods_value=Decimal("0"))
        activity = activity_create(user=self.admin, data=data)
        self.activities.append(activity)
        return activity

    def place_of(self, organization) -> tuple[Region, list[Region]]:
        """Held where the leading organization is; serving its community or one or two of its street's."""
        region = organization.region
        if region.level == RegionLevel.COMMUNITY:
            return region, [region]
        communities = self.communities[region.pk]
        return region, self.rng.sample(communities, min(len(communities), self.rng.choice((1, 2))))

    def some_goods(self, chance=0.35) -> Decimal:
        return HUNDRED * self.rng.randint(5, 300) if self.rng.random() < chance else Decimal("0")

    # ---- March 2022: the month the articles report ----
    def march(self, team):
        rng = self.rng
        registered = [
            o
            for street in self.streets
            for o in self.organizations[street.pk]
            if o.registration_date is None or o.registration_date < datetime.date(*MARCH, 1)
        ]
        chosen = set(rng.sample(registered, MARCH_ORGANIZATIONS))
        groups = []
        for street in self.streets:
            organizers = [o for o in self.organizations[street.pk] if o in chosen]
            # every chosen organization organizes at least once, about a third of them again, often with partners
            pool = organizers + rng.sample(organizers, len(organizers) // 3)
            rng.shuffle(pool)
            while pool:
                size = rng.choice((1, 1, 1, 2, 2, 3))
                groups.append(list(dict.fromkeys(pool[:size])))
                pool = pool[size:]
        rng.shuffle(groups)
        team_headcounts = split(rng, TEAM_HEADCOUNT, TEAM_MARCH_ACTIVITIES + len(TEAM_OTHER_DAYS), minimum=20)
        team_goods = _hundreds(rng, TEAM_GOODS, len(team_headcounts), minimum=200)
        team_march_donations = _hundreds(rng, TEAM_DONATION_MARCH, TEAM_MARCH_ACTIVITIES, minimum=100)
        others = len(groups) - TEAM_MARCH_ACTIVITIES
        headcounts = split(rng, MARCH_HEADCOUNT - sum(team_headcounts[:TEAM_MARCH_ACTIVITIES]), others, minimum=20)
        donors = sorted(rng.sample(range(others), others * 9 // 20))
        donations = dict(zip(donors, _hundreds(rng, MARCH_DONATION - TEAM_DONATION_MARCH, len(donors), 5), strict=True))
        for index, organizers in enumerate(groups):
            region, covered = self.place_of(organizers[0])
            day, hour, hours = rng.randint(1, 31), rng.randint(7, 15), rng.choice((3, 4, 4, 6, 8, 10))
            if index == 0:
                # before 08:00 on the 1st: still 28 February in UTC, March in Shanghai, where the figure counts it
                day, hour, hours = 1, 6, 4
            themes = ["疫情防控"] if rng.random() < 0.85 else [rng.choice(("一老一小", "社会治理"))]
            if themes == ["疫情防控"] and rng.random() < 0.2:
                themes.append("一老一小")
            work = rng.choice(EPIDEMIC_WORK) if "疫情防控" in themes else rng.choice(VOLUNTEER_WORK)[0]
            if index < TEAM_MARCH_ACTIVITIES:
                figures = {
                    "team": team,
                    "title": f"{TEAM_NAME}·{region.name}{work}",
                    "headcount": team_headcounts[index],
                    "donation_amount": team_march_donations[index],
                    "goods_value": team_goods[index],
                }
            else:
                position = index - TEAM_MARCH_ACTIVITIES
                figures = {
                    "title": f"{region.name}{work}",
                    "headcount": headcounts[position],
                    "donation_amount": donations.get(position, Decimal("0")),
                    "goods_value": self.some_goods(),
                }
            self.create(
                kind=ActivityKind.VOLUNTEER,
                start=_at(2022, 3, day, hour, 30 if index == 0 else 0),
                hours=hours,
                region=region,
                organizations=organizers,
                covered=covered,
                themes=themes,
                description="响应区疫情防控指挥部号召，组织社会组织志愿者下沉社区，协助开展疫情防控工作。",
                **figures,
            )
        # around the month's edges: not March in Shanghai, or not held — the figure leaves both out
        outsider = rng.choice([o for o in registered if o not in chosen])
        region, covered = self.place_of(outsider)
        self.create(
            title=f"{region.name}夜间核酸采样点值守",
            kind=ActivityKind.VOLUNTEER,
            start=_at(2022, 4, 1, 0, 30),  # still 31 March in UTC
            hours=6,
            region=region,
            organizations=[outsider],
            covered=covered,
            themes=["疫情防控"],
            headcount=36,
            donation_amount=Decimal("20000.00"),
        )
        self.create(
            status=ActivityStatus.CANCELLED,
            title=f"{region.name}春季义诊进社区",
            kind=ActivityKind.VOLUNTEER,
            start=_at(2022, 3, 26, 9),
            hours=4,
            region=region,
            organizations=[outsider],
            covered=covered,
            themes=["一老一小"],
            description="因疫情防控需要取消。",
        )
        return team_headcounts[TEAM_MARCH_ACTIVITIES:], team_goods[TEAM_MARCH_ACTIVITIES:]

    def team_waves(self, team, headcounts, goods):
        donations = _hundreds(self.rng, TEAM_DONATION_OTHER, len(TEAM_OTHER_DAYS), minimum=100)
        for (year, month, day), headcount, donation, value in zip(
            TEAM_OTHER_DAYS, headcounts, donations, goods, strict=True
        ):
            street = self.rng.choice(self.streets)
            self.create(
                title=f"{TEAM_NAME}·{street.name}{self.rng.choice(EPIDEMIC_WORK)}",
                kind=ActivityKind.VOLUNTEER,
                start=_at(year, month, day, 8),
                hours=8,
                region=self.district,
                organizations=[self.hub] if self.hub else [],
                covered=[street],
                themes=["疫情防控"],
                team=team,
                headcount=headcount,
                donation_amount=donation,
                goods_value=value,
            )

    # ---- the other months: what a month filter tells apart ----
    def months(self):
        rng = self.rng
        for year in YEARS:
            for month in range(1, 13):
                if (year, month) == MARCH:
                    continue
                for _ in range(2):
                    street = rng.choice(self.streets)
                    lead = rng.choice(self.organizations[street.pk])
                    partners = rng.sample(self.organizations[street.pk], rng.choice((0, 0, 1)))
                    region, covered = self.place_of(lead)
                    work, theme = rng.choice(VOLUNTEER_WORK)
                    themes = [theme] + (["疫情防控"] if year == 2022 and rng.random() < 0.5 else [])
                    self.create(
                        title=f"{region.name}{work}",
                        kind=ActivityKind.VOLUNTEER,
                        start=_at(year, month, rng.randint(1, 28), rng.randint(8, 15)),
                        hours=rng.choice((2, 3, 4, 6)),
                        region=region,
                        organizations=list(dict.fromkeys([lead, *partners])),
                        covered=covered,
                        themes=themes,
                        headcount=rng.randint(15, 160),
                        donation_amount=HUNDRED * rng.randint(5, 200) if rng.random() < 0.3 else Decimal("0"),
                        goods_value=self.some_goods(),
                    )

    def yearly(self):
        """主题党日 of each day, 主题调研日, 大讲堂, 送服务进基地 and the rest, every year."""
        rng = self.rng
        plan = [
            (ActivityKind.PARTY_DAY, PartyDayKind.COUNCIL, 3),
            (ActivityKind.PARTY_DAY, PartyDayKind.CHARITY, 2),
            (ActivityKind.PARTY_DAY, PartyDayKind.JOBS, 2),
            (ActivityKind.PARTY_DAY, PartyDayKind.OTHER, 1),
            (ActivityKind.RESEARCH_DAY, "", 2),
            (ActivityKind.LECTURE, "", 3),
            (ActivityKind.BASE_SERVICE, "", 2),
            (ActivityKind.FELLOWSHIP, "", 1),
            (ActivityKind.BRIEFING, "", 1),
        ]
        for year in YEARS:
            for kind, day_kind, count in plan:
                for _ in range(count):
                    # March 2022 holds only its volunteer work, so that month's figure reads the same by any kind
                    month = rng.choice([m for m in range(1, 13) if (year, m) != MARCH])
                    start = _at(year, month, rng.randint(1, 28), rng.choice((9, 10, 14, 15)))
                    self.create(start=start, **self.yearly_record(kind, day_kind))

    def yearly_record(self, kind, day_kind) -> dict:
        rng = self.rng
        street = rng.choice(self.streets)
        community = rng.choice(self.communities[street.pk])
        organization = rng.choice(self.organizations[street.pk])
        record = {"kind": kind, "hours": 3, "headcount": rng.randint(20, 80), "themes": ["社会治理"]}
        if kind == ActivityKind.PARTY_DAY:
            title = {
                PartyDayKind.COUNCIL: f"{community.name}居民议事日：{rng.choice(COUNCIL_TOPICS)}",
                PartyDayKind.CHARITY: f"{street.name}聚善日公益集市",
                PartyDayKind.JOBS: f"{street.name}公益招聘日专场招聘会",
                PartyDayKind.OTHER: f"{street.name}社会组织党员重温入党誓词主题党日",
            }[day_kind]
            record.update(party_day_kind=day_kind, title=title, region=community, covered=[community])
            record.update(organizations=[organization])
            if day_kind == PartyDayKind.CHARITY:
                record.update(donation_amount=HUNDRED * rng.randint(50, 600), goods_value=self.some_goods(0.7))
                record["themes"] = ["一老一小"]
            if day_kind == PartyDayKind.JOBS:
                record.update(beneficiaries=rng.randint(150, 900), themes=["乡村振兴"])
        elif kind == ActivityKind.RESEARCH_DAY:
            record.update(title=f"{street.name}主题调研日：{rng.choice(RESEARCH_TOPICS)}", region=street)
            record.update(headcount=rng.randint(8, 25), organizations=rng.sample(self.organizations[street.pk], 3))
        elif kind == ActivityKind.LECTURE:
            record.update(title=f"同心大讲堂：{rng.choice(LECTURE_TOPICS)}", region=self.district, hours=2)
            record.update(headcount=rng.randint(80, 300), organizations=[self.hub] if self.hub else [])
            record["place"] = "龙华区委党校报告厅"
        elif kind == ActivityKind.BASE_SERVICE:
            base = rng.choice(self.bases) if self.bases else None
            record.update(title=f"送服务进基地：{base.name if base else '社会组织孵化基地'}政策咨询与财务辅导")
            record.update(region=base.region if base else self.district, venue=base)
            record["organizations"] = [base.operating_organization] if base and base.operating_organization else []
            record["place"] = base.name if base else ""
        elif kind == ActivityKind.FELLOWSHIP:
            record.update(title="新的社会阶层人士联谊交流会", region=self.district, headcount=rng.randint(40, 120))
        else:
            record.update(title=f"{street.name}政策宣讲会进社会组织", region=street, covered=[community])
        return record

    # ---- named participants: hours a person's page adds up by year ----
    def participants(self):
        rng = self.rng
        seasoned = StatusChange.objects.filter(to_status=PoolStatus.ADMITTED, changed_on__lt=datetime.date(2023, 1, 1))
        people = list(
            Representative.objects.filter(status__in=IN_POOL, region__path__startswith=self.district.path)
            .filter(pk__in=seasoned.values("representative"))
            .order_by("pk")
        )
        people = rng.sample(people, min(PEOPLE, len(people)))
        if not people:
            return
        kinds = {ActivityKind.VOLUNTEER, ActivityKind.BASE_SERVICE, ActivityKind.PARTY_DAY}
        eligible = [
            a
            for a in self.activities
            if a.kind in kinds and a.status == ActivityStatus.HELD and a.start_at >= _at(2023, 1, 1, 0)
        ]
        named = {a.pk: [] for a in eligible}
        for activity in eligible:
            if rng.random() < 0.55:
                named[activity.pk] = rng.sample(people, rng.randint(1, 3))
        # the first person serves every year, so their page shows the hours by year and earns a certificate
        for year in range(2023, 2027):
            of_year = [a for a in eligible if a.local_start_date.year == year and people[0] not in named[a.pk]]
            for activity in rng.sample(of_year, min(4, len(of_year))):
                named[activity.pk].append(people[0])
        for activity in eligible:
            duration = activity.duration_hours
            for person in named[activity.pk]:
                hours = min(duration, Decimal(rng.choice(("1.5", "2", "2.5", "3", "4"))))
                role = ParticipantRole.VOLUNTEER
                if activity.kind == ActivityKind.PARTY_DAY:
                    role = ParticipantRole.PARTICIPANT
                participation_create(
                    user=self.admin,
                    data={"activity": activity, "representative": person, "role": role, "hours": hours},
                )
            if named[activity.pk] and rng.random() < 0.15:  # someone from outside the pool, by name only
                participation_create(
                    user=self.admin,
                    data={"activity": activity, "name": rng.choice(OUTSIDERS), "hours": Decimal("2")},
                )


def _team(admin, district) -> ServiceGroup:
    team = ServiceGroup.objects.filter(name=TEAM_NAME).first()
    return team or service_group_create(
        user=admin,
        data={
            "name": TEAM_NAME,
            "kind": ServiceGroupKind.OTHER,
            "region": district,
            "founded_on": datetime.date(2020, 1, 28),
            "description": "新冠疫情期间由社会组织及其代表人士组成：核酸检测协助、卡口值守、物资募集与配送。",
        },
    )


def build_activities(stdout=None) -> None:
    district = Region.objects.filter(code=DISTRICT[0]).first()
    if district is None or Activity.objects.filter(region__path__startswith=district.path).exists():
        return  # no district yet, or already built: the demo is deterministic, nothing to top up
    admin = User.objects.get(username=SUPERUSER)
    builder = _Builder(admin, district)
    if sum(len(orgs) for orgs in builder.organizations.values()) < MARCH_ORGANIZATIONS:
        return  # the organizations demo has not run: the articles' figures need its organizations
    team = _team(admin, district)
    # generated rows, checked as the import checks its rows (the scope once per model at the end)
    with checked_bulk_write(admin):
        team_headcounts, team_goods = builder.march(team)
        builder.team_waves(team, team_headcounts, team_goods)
        builder.months()
        builder.yearly()
        builder.participants()


register_demo_builder(50, "活动主题", build_activity_themes)
register_demo_builder(60, "活动（2022年3月志愿服务数据、抗疫志愿服务队、主题党日等）", build_activities)

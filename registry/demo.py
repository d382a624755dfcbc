"""Demo district: 深圳市龙华区, its six streets, their communities and grids, and demo accounts.

Apps add their own demo records with ``register_demo_builder``; ``manage.py demo_data`` runs
every builder in order, idempotently (natural keys, get_or_create).
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from registry.choices import RegionLevel
from registry.models import Region, User
from registry.roles import ANALYST, DISTRICT_ADMIN, STREET_STAFF, VIEWER

DEMO_PASSWORD = "Tongxin@2026"
SUPERUSER = "admin"  # the account the apps' demo builders write through the services as

# Codes follow GB/T 2260 (city, district) and GB/T 10114 (street, community) in shape;
# they are believable for a demo, not an official gazetteer.
CITY = ("440300", "深圳市")
DISTRICT = ("440309", "龙华区")
STREETS = [
    (
        "440309001",
        "观湖街道",
        "guanhu",
        [
            "松元厦社区",
            "观城社区",
            "大和社区",
            "新田社区",
            "樟坑径社区",
            "鹭湖社区",
            "润城社区",
            "樟溪社区",
            "君子布社区",
        ],
    ),
    (
        "440309002",
        "民治街道",
        "minzhi",
        [
            "民治社区",
            "民强社区",
            "民泰社区",
            "民康社区",
            "民乐社区",
            "民新社区",
            "白石龙社区",
            "大岭社区",
            "新牛社区",
            "龙塘社区",
            "上芬社区",
            "北站社区",
            "樟坑社区",
            "沙元埔社区",
        ],
    ),
    (
        "440309003",
        "大浪街道",
        "dalang",
        [
            "大浪社区",
            "浪口社区",
            "龙胜社区",
            "新石社区",
            "高峰社区",
            "龙平社区",
            "陶元社区",
            "上岭排社区",
            "同胜社区",
            "横朗社区",
            "赖屋山社区",
        ],
    ),
    (
        "440309004",
        "龙华街道",
        "longhua",
        [
            "龙园社区",
            "三联社区",
            "富康社区",
            "清湖社区",
            "景龙社区",
            "松和社区",
            "油松社区",
            "华联社区",
            "玉翠社区",
            "建设东社区",
            "龙华社区",
            "和联社区",
        ],
    ),
    ("440309005", "福城街道", "fucheng", ["章阁社区", "福民社区", "桔塘社区", "茜坑社区", "大水坑社区", "新和社区"]),
    (
        "440309006",
        "观澜街道",
        "guanlan",
        ["观澜社区", "桂花社区", "库坑社区", "新澜社区", "大富社区", "广培社区", "黎光社区", "牛湖社区"],
    ),
]
GRIDS_PER_COMMUNITY = 3


@dataclass
class DemoAccount:
    username: str
    full_name: str
    role: str | None
    region_code: str | None
    is_staff: bool = False
    is_superuser: bool = False
    scope: str = ""  # what the logins table says it reaches, for an account outside the region tree


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount(SUPERUSER, "系统管理员", None, None, is_staff=True, is_superuser=True),
        DemoAccount("quadmin", "区委统战部管理员", DISTRICT_ADMIN, DISTRICT[0], is_staff=True),
        DemoAccount("fenxi", "区委统战部分析员", ANALYST, DISTRICT[0]),
        DemoAccount("chakan", "区委统战部查询员", VIEWER, DISTRICT[0]),
    ]
    for code, name, username, _ in STREETS:
        accounts.append(DemoAccount(username, f"{name}统战干事", STREET_STAFF, code))
    return accounts + _app_accounts


_app_accounts: list[DemoAccount] = []


def register_demo_account(account: DemoAccount) -> None:
    """An app's demo login (e.g. a 承办单位's contact, a role the registry does not know): built with the
    others and printed with them; the app's builder links it to its records."""
    if all(existing.username != account.username for existing in _app_accounts):
        _app_accounts.append(account)


_builders: list[tuple[int, str, object]] = []


def register_demo_builder(order: int, label: str, builder) -> None:
    """``builder(stdout)`` adds an app's demo records; it must be safe to run again."""
    if all(existing is not builder for _, _, existing in _builders):
        _builders.append((order, label, builder))


def demo_builders():
    return sorted(_builders, key=lambda item: item[0])


def _region(code, name, level, parent):
    return Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


def build_regions(stdout=None) -> None:
    city = _region(*CITY, RegionLevel.CITY, None)
    district = _region(*DISTRICT, RegionLevel.DISTRICT, city)
    for street_code, street_name, _, communities in STREETS:
        street = _region(street_code, street_name, RegionLevel.STREET, district)
        for index, community_name in enumerate(communities, start=1):
            community = _region(f"{street_code}{index:03d}", community_name, RegionLevel.COMMUNITY, street)
            for grid in range(1, GRIDS_PER_COMMUNITY + 1):
                _region(
                    f"{community.code}{grid:03d}",
                    f"{community_name.removesuffix('社区')}第{grid}网格",
                    RegionLevel.GRID,
                    community,
                )


def build_accounts(stdout=None) -> None:
    for account in demo_accounts():
        region = Region.objects.get(code=account.region_code) if account.region_code else None
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "region": region,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
                "all_regions": account.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role:
            user.groups.add(Group.objects.get(name=account.role))


def credentials_table() -> str:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")  # the apps' demo modules register their logins
    lines = [f"  {'用户名':<10}{'角色':<12}{'管辖区域':<10}", "  " + "-" * 40]
    names = {code: name for code, name, _, _ in STREETS} | {DISTRICT[0]: DISTRICT[1]}
    for account in demo_accounts():
        role = account.role or "系统管理员"
        scope = account.scope or names.get(account.region_code, "全部区域")
        lines.append(f"  {account.username:<13}{role:<10}{scope}")
    lines.append(f"  密码（全部演示账号）：{DEMO_PASSWORD}")
    return "\n".join(lines)


register_demo_builder(10, "行政区划", build_regions)
register_demo_builder(20, "演示账号", build_accounts)

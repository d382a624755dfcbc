"""The product beside a plain Django admin on the same generated data, interleaved in one run: a ratio table.

    .venv/bin/python bench/bench_scale.py                       # 1,000,000 organizations (generated if missing)
    .venv/bin/python bench/bench_scale.py --organizations 50000 --representatives 15000 --activities 100000 \
        --database tongxinku_scale_small

Data comes from ``manage.py generate_data`` (run first, resumable: a second run only measures). The
baseline is a bare ModelAdmin for Organization — the list's model columns, search on name, credit code
and pinyin initials, filters region/status/industry, the model's default ordering — registered on an
AdminSite of its own in a URLconf only this script loads. Each case is requested ``--repeat`` times
through the full stack (Django's test client: middleware, scoping, templates), product and admin in
turn, and the median is reported. Cases without an admin counterpart (the coverage pages, the monthly
figure) show their time alone.
"""

import argparse
import os
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE_PREFIX = "baseline-admin/"
MONTH = "2022-03"
CHINESE_TERM = "同心社"  # 3 characters: 同心社会工作服务中心, 同心社工服务社…
PINYIN_TERM = "txsh"  # 同心社会…
GOALS = {"list": 1 / 5, "search": 1 / 30, "sort": 1 / 30}  # product time ≤ goal × admin time


def setup(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.db import connection

    # a page that would not answer is reported as such, not waited for
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c statement_timeout={args.timeout * 1000}".strip()
    from django.core.management import call_command

    if args.no_generate:
        from registry.scale import use_database

        use_database(args.database)
    else:
        call_command(
            "generate_data",
            database=args.database,
            organizations=args.organizations,
            representatives=args.representatives,
            activities=args.activities,
        )


def baseline_urlconf() -> str:
    """A URLconf: the product's URLs plus a plain admin of Organization under /baseline-admin/."""
    from django.contrib import admin
    from django.urls import include, path

    from organizations.models import Organization

    class BaselineOrganizationAdmin(admin.ModelAdmin):
        list_display = ("name", "credit_code", "kind", "region", "industry", "status", "registration_date", "rating")
        search_fields = ("name", "credit_code", "name_initials")
        list_filter = ("region", "status", "industry")

        def lookup_allowed(self, lookup, value, request=None):
            # one street with its communities, as the product's street scope and region filter select
            return lookup == "region__path__startswith" or super().lookup_allowed(lookup, value, request)

    site = admin.AdminSite(name="baseline_admin")
    site.register(Organization, BaselineOrganizationAdmin)
    module = types.ModuleType("bench_scale_urls")
    module.urlpatterns = [path(BASELINE_PREFIX, site.urls), path("", include("config.urls"))]
    sys.modules[module.__name__] = module
    return module.__name__


class TimedOut(Exception):
    pass


def request(client, path, params):
    from django.db import OperationalError

    started = time.perf_counter()
    try:
        response = client.get(path, params or {})
    except OperationalError as error:  # statement_timeout
        raise TimedOut(str(error)) from error
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} {params} → HTTP {response.status_code}")
    return seconds


def export_and_import_cases():
    """Hook for the export of 100,000 rows and the imports of 10,000 and 60,000 rows.

    Helpers "export" (background exports, registry/exporting.py) and "import" (registry/importing)
    had not landed on main when this suite was written: once they have, return here a list of
    (label, callable product, callable baseline or None) — e.g. starting the list export of 100,000
    rows and waiting for its file, beside a bare xlsxwriter constant-memory write of the same rows.
    """
    return []


BIG_TABLES = (
    "organizations_organization",
    "organizations_annualsurvey",
    "organizations_partyorganization",
    "organizations_partycoverage",
    "organizations_liaison",
    "organizations_assignment",
    "talents_representative",
    "activities_activity",
    "activities_activity_organizations",
    "activities_participation",
)


def explain_lists(street, industry) -> None:
    """EXPLAIN of each list's page-1 key query (what registry.pagination runs first), default and filtered.

    Prints the plan's time and any sequential scan over a big table: the check behind "an index behind
    every default sort and every first-screen filter".
    """
    from django.db import connection
    from django.test import RequestFactory
    from django.urls import resolve

    from registry.models import User

    lists = {
        "/organizations/": [
            {},
            {"region": street.pk},
            {"status": "normal"},
            {"industry": industry},
            {"kind": "foundation"},
            {"sort": "name"},
            {"q": CHINESE_TERM},
            {"q": PINYIN_TERM},
        ],
        "/organizations/party-organizations/": [{}, {"region": street.pk}, {"kind": "joint_branch"}, {"q": "同心社"}],
        "/organizations/liaisons/": [{}, {"region": street.pk}, {"q": "王伟"}],
        "/talents/": [{}, {"region": street.pk}, {"status": "admitted"}],
        "/activities/": [
            {},
            {"region": street.pk},
            {"month": MONTH},
            {"kind": "lecture"},
            {"year": "2024"},
            {"status": "held"},
        ],
    }
    factory = RequestFactory()
    for username in ("quadmin", "minzhi"):
        user = User.objects.get(username=username)
        for path, variants in lists.items():
            for params in variants:
                request = factory.get(path, params)
                request.user = user
                view = resolve(path).func.view_class()
                view.setup(request)
                _, queryset, _ = view.filtered_queryset()
                sql, sql_params = queryset.values_list("pk", flat=True)[:51].query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, sql_params)
                    plan = cursor.fetchone()[0][0]
                scans = sorted(_seq_scans(plan["Plan"]))
                flag = f"顺序扫描：{'、'.join(scans)}" if scans else "无大表顺序扫描"
                print(f"  {username:<8}{path:<40}{params!s:<40}{plan['Execution Time']:>9.1f} ms  {flag}")


def _seq_scans(node) -> set[str]:
    found = set()
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
        found.add(node["Relation Name"])
    for child in node.get("Plans", []):
        found |= _seq_scans(child)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="tongxinku_scale")
    parser.add_argument("--organizations", type=int, default=1_000_000)
    parser.add_argument("--representatives", type=int, default=300_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=60, help="单个查询的时限（秒），超过记为超时")
    parser.add_argument("--no-generate", action="store_true", help="只测量已生成的数据库")
    parser.add_argument("--explain", action="store_true", help="另打印各列表第1页查询的执行计划检查")
    args = parser.parse_args()
    setup(args)

    from django.test import Client
    from django.test.utils import override_settings

    from activities.models import Activity, Participation
    from organizations.models import Organization
    from registry.models import Region, User
    from talents.models import Representative

    street = Region.objects.get(name="民治街道")
    users = {name: User.objects.get(username=name) for name in ("quadmin", "minzhi", "admin")}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    admin_list = f"/{BASELINE_PREFIX}organizations/organization/"
    in_street = {"region__path__startswith": street.path}
    cases = [
        # (label, goal key, product client, path, params, admin params or None)
        ("名录首页（区级，不筛选）", "list", "quadmin", "/organizations/", None, {}),
        ("名录首页（街道用户）", "list", "minzhi", "/organizations/", None, in_street),
        ("名录首页（区级筛选一个街道）", "list", "quadmin", "/organizations/", {"region": street.pk}, in_street),
        (
            f"3字中文搜索“{CHINESE_TERM}”",
            "search",
            "quadmin",
            "/organizations/",
            {"q": CHINESE_TERM},
            {"q": CHINESE_TERM},
        ),
        (
            f"拼音首字母搜索“{PINYIN_TERM}”",
            "search",
            "quadmin",
            "/organizations/",
            {"q": PINYIN_TERM},
            {"q": PINYIN_TERM},
        ),
        ("按名称排序第20页", "sort", "quadmin", "/organizations/", {"sort": "name", "page": 20}, {"o": "1", "p": 20}),
        ("两个覆盖（区级）", None, "quadmin", "/organizations/coverage/", None, None),
        ("两个覆盖（街道）", None, "minzhi", "/organizations/coverage/", None, None),
        (f"月度统计 {MONTH}（区级）", None, "quadmin", "/activities/figures/", {"month": MONTH}, None),
    ]
    sizes = (
        f"社会组织 {Organization.objects.count():,} 家，代表人士 {Representative.objects.count():,} 人，"
        f"活动 {Activity.objects.count():,} 条，参与人员 {Participation.objects.count():,} 条"
    )
    print(f"数据量：{sizes}；每项取 {args.repeat} 次请求的中位数（产品与 admin 交替）")
    results = []
    with override_settings(ALLOWED_HOSTS=["testserver", "localhost"], ROOT_URLCONF=baseline_urlconf()):
        for label, goal, who, path, params, admin_params in cases:
            try:
                request(clients[who], path, params)  # warm: templates, the first connection
                if admin_params is not None:
                    request(clients["admin"], admin_list, admin_params)
                product, admin = [], []
                for _ in range(args.repeat):
                    product.append(request(clients[who], path, params))
                    if admin_params is not None:
                        admin.append(request(clients["admin"], admin_list, admin_params))
            except TimedOut:
                results.append((label, goal, None, None))
                print(f"  {label}：超时（查询超过 {args.timeout} 秒被中止）", flush=True)
                continue
            results.append((label, goal, statistics.median(product), statistics.median(admin) if admin else None))
            print(f"  {label}：{results[-1][2]:.3f} 秒", flush=True)
        for label, product_call, baseline_call in export_and_import_cases():
            product = statistics.median(timed(product_call) for _ in range(args.repeat))
            admin = statistics.median(timed(baseline_call) for _ in range(args.repeat)) if baseline_call else None
            results.append((label, None, product, admin))
    if args.explain:
        print("\n各列表第1页的主键查询（EXPLAIN ANALYZE）：")
        explain_lists(street, Organization.objects.values_list("industry", flat=True).first())
    if not export_and_import_cases():
        print("导出 10 万行、导入 1 万/6 万行：导出与导入的改造尚未合入，见 export_and_import_cases()")
    print(f"\n{sizes}")
    print(f"{'场景':<24}{'产品(秒)':>10}{'admin(秒)':>11}{'比值':>9}  目标")
    for label, goal, product, admin in results:
        if product is None:
            print(f"{label:<24}{'超时':>10}")
            continue
        ratio = f"{product / admin:.3f}" if admin else "—"
        target = ""
        if goal and admin:
            met = product <= GOALS[goal] * admin
            target = f"≤ {GOALS[goal]:.3f}（{'达到' if met else '未达到'}，快 {admin / product:.1f} 倍）"
        admin_text = f"{admin:.3f}" if admin is not None else "—"
        print(f"{label:<24}{product:>10.3f}{admin_text:>11}{ratio:>9}  {target}")


def timed(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

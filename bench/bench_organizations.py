"""Times the organizations pages — list, search, filters, deep pages, coverage, export — and prints numbers.

    .venv/bin/python bench/bench_organizations.py --demo          # on the demo data of the local database
    .venv/bin/python bench/bench_organizations.py --rows 1000000  # on a generated database (tongxinku_bench)

The generated database is separate from the demo one; generation inserts with SQL (history triggers
off during the load) and takes a few minutes for a million organizations. Each timing is the median
of three requests through Django's test client (the full stack: middleware, scoping, templates).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(database: str | None):
    if database:
        os.environ["EMBEDDED_DB_NAME"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def generate(rows: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from organizations.demo import INDUSTRIES
    from organizations.models import Industry, Organization
    from registry.demo import build_accounts, build_regions

    call_command("migrate", verbosity=0)
    build_regions()
    build_accounts()
    for order, name in enumerate(INDUSTRIES, start=1):
        Industry.objects.get_or_create(name=name, defaults={"sort_order": order})
    have = Organization.objects.count()
    if have >= rows:
        print(f"已有 {have:,} 家社会组织，跳过生成")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no history triggers during the bulk load
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM registry_region WHERE level = 'community'")
        communities = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM organizations_industry")
        industries = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO organizations_organization
              (created_at, updated_at, version, name, name_initials, credit_code, kind, registration_authority,
               registration_date, supervising_unit, status, region_id, address, legal_representative, contact_phone,
               industry_id, is_hub, is_flagship, on_abnormal_list, rating, rating_year, honour_level, honour_year,
               venture_list, remarks)
            SELECT now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, 1,
                   '深圳市龙华区' || (ARRAY['春晖','同心','启航','阳光','和谐','明德','善行','星火'])[1 + i %% 8]
                     || (ARRAY['社会工作服务中心','志愿者协会','长者服务中心','公益基金会','文化促进会'])
                        [1 + i %% 5] || i,
                   'szslhq' || (ARRAY['ch','tx','qh','yg','hx','md','sx','xh'])[1 + i %% 8]
                     || (ARRAY['shgzfwzx','zyzxh','zzfwzx','gyjjh','whcjh'])[1 + i %% 5] || i,
                   '52440309MA' || lpad(i::text, 8, '0'),
                   (ARRAY['social_group','service_institution','foundation'])[1 + i %% 3], '深圳市龙华区民政局',
                   date '2010-01-01' + (i %% 5000), '', CASE WHEN i %% 50 = 0 THEN 'deregistered' ELSE 'normal' END,
                   (%(communities)s::bigint[])[1 + i %% %(nc)s], '深圳市龙华区人民路' || (i %% 300) || '号', '张三',
                   '138' || lpad((i %% 100000000)::text, 8, '0'), (%(industries)s::bigint[])[1 + i %% %(ni)s],
                   false, false, false, '', NULL, '', NULL, '', ''
            FROM generate_series(%(start)s, %(stop)s) AS i
            """,
            {
                "communities": communities,
                "nc": len(communities),
                "industries": industries,
                "ni": len(industries),
                "start": have + 1,
                "stop": rows,
            },
        )
        cursor.execute(
            """
            INSERT INTO organizations_annualsurvey
              (created_at, updated_at, version, organization_id, year, staff_count, party_member_count,
               probationary_member_count, mobile_party_member_count)
            SELECT now(), now(), 1, o.id, 2025, 1 + o.id % 60, o.id % 7, 0,
                   CASE WHEN o.id % 5 = 0 AND o.id % 7 > 0 THEN 1 ELSE 0 END
            FROM organizations_organization o
            WHERE NOT EXISTS (SELECT 1 FROM organizations_annualsurvey s WHERE s.organization_id = o.id)
            """
        )
        cursor.execute("SELECT id FROM registry_region WHERE level = 'district' LIMIT 1")
        district = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO organizations_partyorganization
              (created_at, updated_at, version, name, kind, tier, parent_id, region_id, industry_id, secretary,
               member_count, founded_date, remarks)
            SELECT now(), now(), 1, '中共基层支部' || g, 'branch', 'grassroots', NULL, %s, NULL, '', 3, NULL, ''
            FROM generate_series(1, 5000) AS g
            ON CONFLICT DO NOTHING
            """,
            [district],
        )
        cursor.execute(
            """
            INSERT INTO organizations_partycoverage (party_organization_id, organization_id)
            SELECT (SELECT min(id) FROM organizations_partyorganization) + o.id % 5000, o.id
            FROM organizations_organization o WHERE o.id % 3 = 0
            ON CONFLICT DO NOTHING
            """
        )
        cursor.execute(
            """
            INSERT INTO organizations_liaison
              (created_at, updated_at, version, name, name_initials, gender, mobile, work_unit, post, is_party_member,
               region_id, remarks)
            SELECT now(), now(), 1, '指导员' || g, 'zdy' || g, '', '', '', '', true, %s, ''
            FROM generate_series(1, 20000) AS g
            """,
            [district],
        )
        cursor.execute(
            """
            INSERT INTO organizations_assignment
              (created_at, updated_at, version, liaison_id, organization_id, role, start_date, end_date, remarks)
            SELECT now(), now(), 1, (SELECT min(id) FROM organizations_liaison) + o.id % 20000, o.id,
                   CASE WHEN o.id % 4 = 1 THEN 'instructor' ELSE 'party_liaison' END, date '2024-01-01', NULL, ''
            FROM organizations_organization o WHERE o.id % 2 = 1
            """
        )
        cursor.execute("SET session_replication_role = origin")
    print(f"生成 {rows - have:,} 家社会组织及其调查、覆盖、任职：{time.perf_counter() - started:.1f} 秒")
    # the load ran with the triggers off: compute the stored coverage of every organization once
    started = time.perf_counter()
    call_command("refresh_coverage", "--all")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"覆盖数据全量计算：{time.perf_counter() - started:.1f} 秒")


def timed(client, path, params=None, repeat=3):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, params or {})
        if getattr(response, "streaming", False):
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples), size, response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--demo", action="store_true", help="测量本地演示数据")
    group.add_argument("--rows", type=int, help="在独立的基准库中生成这么多家社会组织后测量")
    args = parser.parse_args()
    setup(None if args.demo else "tongxinku_bench")
    if args.rows:
        generate(args.rows)

    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # lets the client see the template context (row counts)

    from organizations.models import AnnualSurvey, Assignment, Organization
    from registry.models import Region, User

    district_user = User.objects.get(username="quadmin")
    street_user = User.objects.get(username="minzhi")
    street = Region.objects.get(name="民治街道")
    community = Region.objects.filter(parent=street).order_by("code").first()
    print(
        f"数据量：社会组织 {Organization.objects.count():,} 家，摸底调查 {AnnualSurvey.objects.count():,} 条，"
        f"联络员任职 {Assignment.objects.count():,} 条"
    )
    results = []
    with override_settings(ALLOWED_HOSTS=["testserver", "localhost"]):
        for label, user in (("区级用户", district_user), ("街道用户", street_user)):
            client = Client()
            client.force_login(user)
            cases = [
                ("名录首页（默认排序）", "/organizations/", None),
                ("按街道+行业筛选", "/organizations/", {"region": street.pk, "industry": 1}),
                ("名称关键词搜索", "/organizations/", {"q": "同心社会工作"}),
                ("拼音首字母搜索", "/organizations/", {"q": "szslhqtx"}),
                ("按名称排序第20页", "/organizations/", {"sort": "name", "page": 20}),
                ("两个覆盖页面", "/organizations/coverage/", None),
                ("两个覆盖（一个街道）", "/organizations/coverage/", {"region": street.pk}),
                ("工作台", "/", None),
                ("导出一个社区", "/organizations/export/", {"region": community.pk}),
            ]
            if args.demo and user is district_user:
                cases.append(("导出全部可见社会组织", "/organizations/export/", None))
            for name, path, params in cases:
                seconds, size, response = timed(client, path, params)
                rows = ""
                if "export" in path:
                    from registry.models import AccessLog

                    rows = f"{AccessLog.objects.filter(action='export').latest('created_at').detail['rows']:,} 行"
                elif response.context and "page" in response.context:
                    rows = f"{response.context['page'].count_display} 条"
                results.append((label, name, seconds, rows, size))
    print(f"{'用户':<6}{'操作':<16}{'耗时(秒)':>10}  结果")
    for label, name, seconds, rows, size in results:
        print(f"{label:<6}{name:<16}{seconds:>10.3f}  {rows} {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()

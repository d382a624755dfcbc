"""Times the activities pages — list, a deep page, a month, the month's figure, the month's export — and prints numbers.

    .venv/bin/python bench/bench_activities.py --demo                # on the demo data of the local database
    .venv/bin/python bench/bench_activities.py --rows 2000000        # on a generated database
    .venv/bin/python bench/bench_activities.py --rows 2000000 --explain   # and the street user's query plans

The generated database (tongxinku_bench_activities) is separate from the demo one; generation inserts with
SQL (history triggers off during the load): organizations as bench_organizations.py makes them, then the
activities, each organized by one or two organizations of its own street, serving its community, with a
theme and now and then a named participant. Each timing is the median of three requests through Django's
test client (the full stack: middleware, scoping, templates). The baselines beside them — Django's admin
changelist and raw SQL over the same month's rows — show what the page costs above the database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE = "tongxinku_bench_activities"
STATEMENT_TIMEOUT = 60  # seconds
# organizers for the generated activities: a big city's worth (the list's 组织单位 filter lists every one of them)
ORGANIZATIONS = 5_000
REPRESENTATIVES = 5_000
MONTH = "2022-03"  # the month the articles report; a generated month holds about rows / 83 activities
FIRST_DAY, DAYS = "2020-01-01", 2_525  # generated activities start between 2020-01-01 and 2026-11-29


def setup(database: str | None):
    if database:
        os.environ["EMBEDDED_DB_NAME"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.db import connections

    # a query that never ends (a street's scope at millions of rows) is reported, not waited for
    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c statement_timeout={STATEMENT_TIMEOUT * 1000}".strip()


def generate(rows: int) -> None:
    from bench_organizations import generate as generate_organizations
    from django.core.management import call_command
    from django.db import connection

    from activities.demo import build_activity_themes
    from activities.models import Activity
    from organizations.models import Organization

    call_command("migrate", verbosity=0)
    if Organization.objects.count() < ORGANIZATIONS:
        generate_organizations(ORGANIZATIONS)  # builds the district and its accounts too
    build_activity_themes()
    have = Activity.objects.count()
    if have >= rows:
        print(f"已有 {have:,} 条活动，跳过生成")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no history triggers during the bulk load
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM registry_region WHERE level = 'community'")
        communities = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO talents_representative
              (created_at, updated_at, version, name, name_initials, gender, ethnicity, birth_date, id_number, mobile,
               political_affiliation, education, title, organization_name, position, stratum, discovery_channel,
               status, level, status_date, remarks, merged_into_id, organization_id, region_id, specialty_names)
            SELECT now(), now(), 1, '代表' || g, 'db' || g, 'male', '01', NULL, '', '', 'masses', 'bachelor', '', '',
                   '', 'social_org', 'recommendation', 'admitted', 'district', NULL, '', NULL, NULL,
                   (%(communities)s::bigint[])[1 + g %% %(nc)s], ''
            FROM generate_series(1, %(count)s) AS g
            WHERE (SELECT count(*) FROM talents_representative) < %(count)s
            """,
            {"communities": communities, "nc": len(communities), "count": REPRESENTATIVES},
        )
        cursor.execute("SELECT coalesce(max(id), 0) FROM activities_activity")
        base = cursor.fetchone()[0]
        # explicit ids (base + i) let the organizer rows below find each activity's organization again
        numbered = """
            WITH organizer AS (
              SELECT row_number() OVER (ORDER BY id) AS n, id, region_id
              FROM organizations_organization WHERE status = 'normal'
            )
        """
        cursor.execute("SELECT count(*) FROM organizations_organization WHERE status = 'normal'")
        organizers = cursor.fetchone()[0]
        cursor.execute(
            numbered
            + """
            INSERT INTO activities_activity
              (id, created_at, updated_at, version, title, kind, party_day_kind, status, start_at, end_at, place,
               description, headcount, service_hours, beneficiaries, donation_amount, goods_value, region_id,
               team_id, venue_id)
            SELECT %(base)s + i, now(), now(), 1,
                   (ARRAY['核酸检测点秩序维护','关爱独居长者上门探访','四点半课堂','社区环境清洁行动','普法宣传进社区',
                          '义诊进社区','垃圾分类宣传督导','困难家庭走访慰问'])[1 + i %% 8] || i,
                   kind, CASE WHEN kind = 'party_day' THEN 'council' ELSE '' END,
                   CASE WHEN i %% 25 = 0 THEN 'cancelled' WHEN starts > now() THEN 'planned' ELSE 'held' END,
                   starts, starts + ((2 + i %% 6) || ' hours')::interval, '党群服务中心', '',
                   10 + i %% 190, (10 + i %% 190) * 3, (10 + i %% 190) * 5,
                   CASE WHEN i %% 3 = 0 THEN (i %% 500) * 100 ELSE 0 END,
                   CASE WHEN i %% 7 = 0 THEN (i %% 300) * 100 ELSE 0 END,
                   o.region_id, NULL, NULL
            FROM generate_series(1, %(count)s::bigint) AS i
            CROSS JOIN LATERAL (
              SELECT (ARRAY['volunteer','volunteer','volunteer','volunteer','party_day','lecture','research_day',
                            'base_service','training','briefing'])[1 + i %% 10] AS kind,
                     (%(first)s::date + ((i * 7919) %% %(days)s)::int)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       + ((8 + i %% 10) || ' hours')::interval AS starts
            ) AS generated
            JOIN organizer o ON o.n = 1 + (i * 13) %% %(organizers)s
            """,
            {
                "base": base,
                "count": rows - have,
                "first": FIRST_DAY,
                "days": DAYS,
                "organizers": organizers,
            },
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('activities_activity', 'id'), max(id)) FROM activities_activity"
        )
        cursor.execute(
            numbered
            + """
            INSERT INTO activities_activity_organizations (activity_id, organization_id)
            SELECT a.id, o.id FROM activities_activity a
              JOIN organizer o ON o.n = 1 + ((a.id - %(base)s) * 13) %% %(no)s
            WHERE a.id > %(base)s
            UNION ALL  -- every third has a partner from the same street
            SELECT a.id, p.id FROM activities_activity a
              JOIN organizer o ON o.n = 1 + ((a.id - %(base)s) * 13) %% %(no)s
              JOIN registry_region r ON r.id = o.region_id
              JOIN LATERAL (
                SELECT x.id FROM organizations_organization x WHERE x.region_id = r.id AND x.id <> o.id
                ORDER BY x.id OFFSET (a.id %% 5) LIMIT 1
              ) p ON true
            WHERE a.id > %(base)s AND a.id %% 3 = 0
            ON CONFLICT DO NOTHING
            """,
            {"base": base, "no": organizers},
        )
        cursor.execute(
            """
            INSERT INTO activities_activity_covered_regions (activity_id, region_id)
            SELECT a.id, a.region_id FROM activities_activity a WHERE a.id > %s
            """,
            [base],
        )
        cursor.execute(
            """
            INSERT INTO activities_activity_themes (activity_id, activitytheme_id)
            SELECT a.id, (SELECT array_agg(id ORDER BY id) FROM activities_activitytheme)[1 + a.id %% 5]
            FROM activities_activity a WHERE a.id > %s AND a.id %% 2 = 0
            """,
            [base],
        )
        cursor.execute(
            """
            WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM talents_representative)
            INSERT INTO activities_participation
              (created_at, updated_at, version, name, role, hours, remarks, activity_id, representative_id)
            SELECT now(), now(), 1, '', 'volunteer', 2, '', a.id,
                   people.ids[1 + a.id %% array_length(people.ids, 1)]
            FROM activities_activity a, people
            WHERE a.id > %s AND a.id %% 100 = 1 AND a.status = 'held'
            """,
            [base],
        )
        cursor.execute(
            "UPDATE activities_participation p SET name = r.name FROM talents_representative r "
            "WHERE r.id = p.representative_id AND p.name = ''"
        )
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("ANALYZE")
    print(f"生成 {rows - have:,} 条活动及其组织单位、服务区域、主题、参与人员：{time.perf_counter() - started:.1f} 秒")


def timed(client, path, params=None, repeat=3):
    """The median of ``repeat`` requests, then one more that counts its queries and the time spent in them."""
    from django.db import OperationalError, connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code)
        if getattr(response, "streaming", False):
            return response, sum(len(chunk) for chunk in response.streaming_content)
        return response, len(response.content)

    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            response, size = fetch()
        except OperationalError:  # statement_timeout: the request would not have ended
            return None, 0, None, f"超时：查询超过 {STATEMENT_TIMEOUT} 秒被中止"
        samples.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        fetch()
    sql = sum(float(query["time"]) for query in queries.captured_queries)
    return statistics.median(samples), size, response, f"SQL {len(queries.captured_queries)} 次 {sql:.3f} 秒"


def timed_call(function, repeat=3):
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def month_figure(user):
    """The month's figure as the figures page will read it: held activities, 人次, 捐赠, distinct organizers."""
    from django.db.models import Sum

    from activities.filters import ActivityFilter
    from activities.models import Activity
    from registry.scoping import restrict

    held = ActivityFilter({"month": MONTH}, queryset=restrict(Activity.objects.all(), user, "view")).qs.held()
    totals = held.aggregate(headcount=Sum("headcount"), donation=Sum("donation_amount"))
    organizers = Activity.organizations.through.objects.filter(activity__in=held.values("pk"))
    totals["organizations"] = organizers.values("organization").distinct().count()
    return totals


def raw_month(sql: str):
    from django.db import connection

    from activities.models import month_bounds

    start, end = month_bounds(*map(int, MONTH.split("-")))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start, "end": end})
        return cursor.fetchone()


def explain(user, params: dict) -> str:
    from django.db import OperationalError, connection

    from activities.filters import ActivityFilter
    from activities.selectors import activity_list

    queryset = ActivityFilter(params, queryset=activity_list(user=user)).qs.order_by("-start_at", "-pk")[:51]
    sql, sql_params = queryset.query.sql_with_params()
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
            return "\n".join(row[0] for row in cursor.fetchall())
    except OperationalError:  # too slow to run: the plan alone shows why
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, sql_params)
            return f"（执行超过 {STATEMENT_TIMEOUT} 秒，仅显示计划）\n" + "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--demo", action="store_true", help="测量本地演示数据")
    group.add_argument("--rows", type=int, help="在独立的基准库中生成这么多条活动后测量")
    parser.add_argument("--explain", action="store_true", help="打印街道用户列表查询的执行计划（EXPLAIN ANALYZE）")
    args = parser.parse_args()
    setup(None if args.demo else DATABASE)
    if args.rows:
        generate(args.rows)

    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # lets the client see the template context (row counts)

    from django.db import DatabaseError, OperationalError

    from activities.models import Activity, Participation
    from registry.models import AccessLog, User

    district_user = User.objects.get(username="quadmin")
    street_user = User.objects.get(username="minzhi")
    superuser = User.objects.get(username="admin")
    print(
        f"数据量：活动 {Activity.objects.count():,} 条，组织单位关联 "
        f"{Activity.organizations.through.objects.count():,} 条，参与人员 {Participation.objects.count():,} 条；"
        f"测量月份 {MONTH}"
    )
    results = []
    with override_settings(ALLOWED_HOSTS=["testserver", "localhost"]):
        for label, user in (("区级用户", district_user), ("街道用户", street_user)):
            client = Client()
            client.force_login(user)
            cases = [
                ("活动列表首页", "/activities/", None),
                ("列表第1000页", "/activities/", {"page": 1000}),
                ("按月份筛选", "/activities/", {"month": MONTH}),
                ("导出一个月", "/activities/export/", {"month": MONTH}),
            ]
            for name, path, params in cases:
                seconds, size, response, sql = timed(client, path, params)
                if response is None:
                    rows = ""
                elif "export" in path:
                    rows = f"{AccessLog.objects.filter(action='export').latest('created_at').detail['rows']:,} 行"
                else:
                    rows = f"{response.context['page'].count_display} 条"
                results.append((label, name, seconds, f"{rows} {size / 1024:.0f} KB；{sql}"))
            try:
                seconds, totals = timed_call(lambda user=user: month_figure(user))
                figure = f"{totals['organizations']:,} 家 / {totals['headcount'] or 0:,} 人次"
                figure += f" / {totals['donation'] or 0:,} 元"
            except OperationalError:
                seconds, figure = None, f"超时：查询超过 {STATEMENT_TIMEOUT} 秒被中止"
            results.append((label, "月度数字(ORM聚合)", seconds, figure))
        # baselines: what the same rows cost without our pages
        admin = Client()
        admin.force_login(superuser)
        seconds, size, response, sql = timed(admin, "/admin/activities/activity/")
        results.append(("基线", "Django admin 列表", seconds, f"{response.context['cl'].result_count:,} 条；{sql}"))
        if response.context["cl"].result_count > 999 * response.context["cl"].list_per_page:
            seconds, size, _, sql = timed(admin, "/admin/activities/activity/", {"p": 999})  # ?p= counts from 0
            results.append(("基线", "admin 第1000页", seconds, f"{size / 1024:.0f} KB；{sql}"))
        month_rows = "FROM activities_activity WHERE start_at >= %(start)s AND start_at < %(end)s"
        seconds, (count,) = timed_call(lambda: raw_month(f"SELECT count(*) {month_rows}"))
        results.append(("基线", "SQL 当月 COUNT", seconds, f"{count:,} 条"))
        seconds, (headcount, donation, organizations) = timed_call(
            lambda: raw_month(
                "SELECT sum(headcount), sum(donation_amount), "
                "(SELECT count(DISTINCT organization_id) FROM activities_activity_organizations m "
                f" WHERE m.activity_id IN (SELECT id {month_rows} AND status = 'held')) "
                f"{month_rows} AND status = 'held'"
            )
        )
        figure = f"{organizations:,} 家 / {headcount or 0:,} 人次 / {donation or 0:,} 元"
        results.append(("基线", "SQL 当月数字", seconds, figure))
    print(f"{'用户':<6}{'操作':<16}{'耗时(秒)':>10}  结果")
    for label, name, seconds, outcome in results:
        print(f"{label:<6}{name:<16}{'—' if seconds is None else f'{seconds:.3f}':>10}  {outcome}")
    if args.explain:
        for name, params in (("街道用户列表首页", {}), ("街道用户按月份筛选", {"month": MONTH})):
            try:
                print(f"\n== {name} EXPLAIN ANALYZE ==\n{explain(street_user, params)}")
            except DatabaseError as error:  # the server may refuse a session left by a cancelled statement
                print(f"\n== {name} ==\n未能取得执行计划：{error}")


if __name__ == "__main__":
    main()

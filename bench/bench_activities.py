"""Times the activities pages — list, a deep page, a month, the month's figure, the month's export — and prints numbers.

    .venv/bin/python bench/bench_activities.py --demo                # on the demo data of the local database
    .venv/bin/python bench/bench_activities.py --rows 2000000        # on a generated database
    .venv/bin/python bench/bench_activities.py --rows 2000000 --explain   # and the street user's query plans

The generated database (tongxinku_bench_activities) is separate from the demo one: ``manage.py
generate_data`` fills it (set-based SQL, history triggers off during the load): organizations, then the
activities, each organized by one or two organizations of its own street, serving its community, with a
theme and named participants. Each timing is the median of three requests through Django's
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


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.db import connections

    # a query that never ends (a street's scope at millions of rows) is reported, not waited for
    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c statement_timeout={STATEMENT_TIMEOUT * 1000}".strip()


def generate(rows: int) -> None:
    """The generated database (manage.py generate_data: resumable, only tops up what is missing)."""
    from django.core.management import call_command

    call_command(
        "generate_data",
        database=DATABASE,
        organizations=ORGANIZATIONS,
        representatives=REPRESENTATIVES,
        activities=rows,
    )


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
    setup()
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
            seconds, size, _, sql = timed(admin, "/admin/activities/activity/", {"p": 1000})
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

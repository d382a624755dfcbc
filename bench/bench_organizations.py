"""Times the organizations pages — list, search, filters, deep pages, coverage, export — and prints numbers.

    .venv/bin/python bench/bench_organizations.py --demo          # on the demo data of the local database
    .venv/bin/python bench/bench_organizations.py --rows 1000000  # on a generated database (tongxinku_bench)

The generated database is separate from the demo one: ``manage.py generate_data`` fills it (set-based
SQL, history triggers off during the load; a few minutes for a million organizations). Each timing is the median
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


DATABASE = "tongxinku_bench"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def generate(rows: int) -> None:
    """The generated database (manage.py generate_data: resumable, only tops up what is missing)."""
    from django.core.management import call_command

    call_command("generate_data", database=DATABASE, organizations=rows, representatives=0, activities=0)


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
    setup()
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

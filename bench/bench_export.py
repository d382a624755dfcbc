"""Times the organization export against a bare xlsxwriter and an openpyxl write of the same rows, in one run.

    .venv/bin/python bench/bench_export.py                 # 100,000 rows of the generated database
    .venv/bin/python bench/bench_export.py --rows 20000 --rounds 5
    .venv/bin/python bench/bench_export.py --profile       # cProfile of the product's export

Data: the organizations of the generated database ``tongxinku_bench`` (``bench/bench_organizations.py --rows
200000`` makes it; ``--generate N`` here does the same). The three writers take turns, round after round:

(a) the product: the organization list's exporter (registry.views.generic.ListExporter, built through the
    real export view for the district user, its queryset limited to ``--rows``) written by
    registry.exporting.write_xlsx — the SQL, the column readers, masking and the cell checks included;
(b) bare xlsxwriter in constant-memory mode writing the same values (fetched beforehand) with write_row;
(c) openpyxl's write-only mode writing the same values, for reference.

Then, outside the timings, the peak of Python allocations (tracemalloc) while each writes, and the time the
request that starts a background export of the whole list takes to answer.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATABASE = os.environ.get("EMBEDDED_DB_NAME") or "tongxinku_bench"


def setup():
    os.environ["EMBEDDED_DB_NAME"] = DATABASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def product_exporter(user, rows: int):
    """The list's exporter exactly as the export view builds it, limited to ``rows`` rows."""
    from django.http import HttpRequest, QueryDict
    from django.urls import resolve, reverse

    from registry.views.generic import ListExporter

    match = resolve(reverse("organizations:organization_export"))
    request = HttpRequest()
    request.method, request.GET, request.user, request.resolver_match = "GET", QueryDict(""), user, match
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request)
    filterset, queryset, _ = view.filtered_queryset()
    exporter = ListExporter.for_view(view, filterset=filterset, queryset=queryset[:rows])
    return exporter


def fetched_values(user, rows: int):
    """The same rows and columns as the values the cells hold (Shanghai time), fetched once: what (b) and (c) write."""
    import datetime

    from django.utils import timezone

    def cell(value):
        return timezone.localtime(value).replace(tzinfo=None) if isinstance(value, datetime.datetime) else value

    exporter = product_exporter(user, rows)
    sheet = next(exporter.sheets())
    return [column.label for column in sheet.columns], [[cell(v) for v in row] for row in sheet.rows]


def run_product(user, rows: int, path: str) -> int:
    from registry.exporting import write_xlsx

    return write_xlsx(product_exporter(user, rows), path).rows


def run_bare_xlsxwriter(header, values, path: str) -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("社会组织")
    sheet.write_row(0, 0, header)
    for index, row in enumerate(values, start=1):
        sheet.write_row(index, 0, row)
    workbook.close()
    return len(values)


def run_openpyxl(header, values, path: str) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社会组织")
    sheet.append(header)
    for row in values:
        sheet.append(row)
    workbook.save(path)
    return len(values)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def peak_mb(function, *args) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def start_request_seconds(user) -> tuple[float, int]:
    """The request that starts an export of the whole visible list (a background job): its time and status."""
    from django.test import Client
    from django.test.utils import override_settings

    from registry.models import ExportJob

    client = Client()
    client.force_login(user)
    samples = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for _ in range(3):
            started = time.perf_counter()
            response = client.get("/organizations/export/")
            samples.append(time.perf_counter() - started)
    ExportJob.objects.filter(user=user, status="queued").delete()  # the bench does not leave work for a worker
    return statistics.median(samples), response.status_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="导出行数（默认 100000）")
    parser.add_argument("--rounds", type=int, default=3, help="轮数（三种写法交替，每轮各一次）")
    parser.add_argument("--generate", type=int, help="先在基准库中生成这么多家社会组织（bench_organizations）")
    parser.add_argument("--profile", action="store_true", help="对产品的导出做 cProfile 并打印前 25 项")
    args = parser.parse_args()
    setup()
    if args.generate:
        import bench_organizations

        bench_organizations.generate(args.generate)

    from organizations.models import Organization
    from registry.models import User

    user = User.objects.get(username="quadmin")
    total = Organization.objects.count()
    if total < args.rows:
        sys.exit(f"基准库只有 {total:,} 家社会组织，少于 {args.rows:,}：先运行 bench_organizations.py --rows 200000")
    folder = tempfile.mkdtemp(prefix="bench_export_")
    path = os.path.join(folder, "out.xlsx")

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run_product, user, args.rows, path)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    header, values = fetched_values(user, args.rows)
    print(f"数据量：库中社会组织 {total:,} 家；导出 {len(values):,} 行 × {len(header)} 列；{args.rounds} 轮交替")
    samples = {"product": [], "xlsxwriter": [], "openpyxl": []}
    for _ in range(args.rounds):
        samples["product"].append(timed(run_product, user, args.rows, path))
        samples["xlsxwriter"].append(timed(run_bare_xlsxwriter, header, values, path))
        samples["openpyxl"].append(timed(run_openpyxl, header, values, path))
    size = os.path.getsize(path)
    memory = {
        "product": peak_mb(run_product, user, args.rows, path),
        "xlsxwriter": peak_mb(run_bare_xlsxwriter, header, values, path),
        "openpyxl": peak_mb(run_openpyxl, header, values, path),
    }
    bare = statistics.median(samples["xlsxwriter"])
    names = {
        "product": "(a) 产品导出（含查询、脱敏、检查）",
        "xlsxwriter": "(b) 裸 xlsxwriter constant_memory",
        "openpyxl": "(c) openpyxl write-only",
    }
    print(f"{'写法':<36}{'中位数(秒)':>10}{'与(b)之比':>10}{'内存峰值增长(MB)':>18}   各轮")
    for key, label in names.items():
        median = statistics.median(samples[key])
        rounds = " ".join(f"{s:.2f}" for s in samples[key])
        print(f"{label:<36}{median:>10.2f}{median / bare:>10.2f}{memory[key]:>18.1f}   {rounds}")
    print(f"文件大小 {size / 1024 / 1024:.1f} MB（openpyxl 的文件）；(b)(c) 的数值事先取好，不计查询")
    seconds, status = start_request_seconds(user)
    print(f"发起全部 {total:,} 家的导出（后台任务）的请求：{seconds * 1000:.0f} 毫秒，HTTP {status}")


if __name__ == "__main__":
    main()

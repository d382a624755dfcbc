"""Times the Excel import of a generated organizations file — validate, commit, re-import — and prints numbers.

    .venv/bin/python bench/bench_import.py                 # 10,000 organizations with their 2025 survey
    .venv/bin/python bench/bench_import.py --rows 2000 --profile commit

Runs against its own database (tongxinku_importbench, created and migrated here, the demo district
龙华区 and its accounts built in it; the organizations of earlier runs are removed first). The file
is what a district's 台账 looks like: every column of the 社会组织 template, valid GB 32100 credit
codes, communities by name, industries from the dictionary, the year's survey figures. The import
goes the way a page takes it (registry.importing.jobs: upload → validate → confirm → commit, inline
rather than in the task worker) as the district admin ``quadmin``.

Peak memory is the process's peak resident size after each phase (ru_maxrss, monotonic), and,
with ``--tracemalloc``, the peak of Python allocations within each phase (slower).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "tongxinku_importbench"
YEAR = 2025


def start_django() -> None:
    os.environ["EMBEDDED_DB_NAME"] = DATABASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def setup() -> None:
    start_django()

    from django.core.management import call_command
    from django.db import connection

    from organizations.demo import INDUSTRIES
    from organizations.models import Industry
    from registry.demo import build_accounts, build_regions

    call_command("migrate", verbosity=0)
    build_regions()
    build_accounts()
    for order, name in enumerate(INDUSTRIES, start=1):
        Industry.objects.get_or_create(name=name, defaults={"sort_order": order})
    with connection.cursor() as cursor:
        # a clean slate for the organizations (their surveys, coverage and assignments go with them)
        cursor.execute("TRUNCATE organizations_organization, registry_importrecord CASCADE")


def _org_code(rng) -> str:
    """A 9-character organization code with its GB 11714 check character."""
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def build_in_child(rows: int) -> tuple[bytes, bytes]:
    """build_file in a child process, so that its memory does not count in the import's peak."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child_build, (rows,))


def _child_build(rows: int) -> tuple[bytes, bytes]:
    start_django()
    return build_file(rows)


def build_file(rows: int) -> tuple[bytes, bytes]:
    """The organizations file, and the same file with every tenth row's survey changed (an update run)."""
    from openpyxl import Workbook

    from organizations.demo import GIVEN, INDUSTRIES, PATTERNS, SURNAMES, WORDS
    from registry.importing import get_spec
    from registry.models import Region
    from registry.validators import credit_code_check_char

    spec = get_spec("organizations.organization")
    headers = [column.header for column in spec.columns]
    rng = random.Random(20261124)
    district = Region.objects.get(code="440309")
    communities = list(
        Region.objects.filter(path__startswith=district.path, level="community").select_related("parent")
    )
    kinds = {
        "social_group": ("1", "社会团体"),
        "service_institution": ("2", "社会服务机构"),
        "foundation": ("3", "基金会"),
    }
    codes: set[str] = set()
    records = []
    for n in range(rows):
        pattern, kind, industry = rng.choice(PATTERNS)
        community = rng.choice(communities)
        name = pattern.format(w=rng.choice(WORDS), s=community.parent.name.removesuffix("街道"), c=community.name)
        while True:
            first17 = f"5{kinds[kind][0]}440309{_org_code(rng)}"
            code = first17 + credit_code_check_char(first17)
            if code not in codes:
                codes.add(code)
                break
        party = rng.choice([0, 0, 0, 1, 2, 3, 5, 8])
        rated = rng.random() < 0.3
        honoured = rng.random() < 0.05
        phone = (
            rng.choice(["138", "139", "150", "186", "177"]) + f"{rng.randrange(10**8):08d}"
            if rng.random() < 0.7
            else f"0755-{rng.randrange(2000_0000, 2999_9999)}"
        )
        record = {
            "名称": f"{name}{'' if n < len(PATTERNS) * len(WORDS) else n}",
            "统一社会信用代码": code,
            "组织类型": kinds[kind][1],
            "登记状态": "正常" if rng.random() < 0.97 else "注销",
            "所属区域": community.name,
            "行业类别": industry if industry in INDUSTRIES else rng.choice(INDUSTRIES),
            "登记管理机关": "深圳市龙华区民政局",
            "登记日期": f"{rng.randint(2008, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "业务主管单位": rng.choice(["", "", "深圳市龙华区民政局", "深圳市龙华区教育局"]),
            "法定代表人": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "联系电话": phone,
            "住所": f"深圳市龙华区{community.parent.name}{community.name}人民路{rng.randint(1, 300)}号",
            "评估等级": rng.choice(["3A", "4A", "5A"]) if rated else "",
            "评估年度": rng.randint(2019, 2024) if rated else None,
            "示范性社会组织": rng.choice(["市级", "区级"]) if honoured else "",
            "示范性认定年度": rng.randint(2019, 2024) if honoured else None,
            "公益创投名单": "红名单" if rng.random() < 0.05 else "",
            "枢纽型": "是" if rng.random() < 0.02 else "否",
            "品牌性": "是" if rng.random() < 0.05 else "否",
            "活动异常名录": "是" if rng.random() < 0.02 else "否",
            "备注": "",
            "摸底调查年度": YEAR,
            "从业人员数": rng.randint(1, 80),
            "正式党员数": party,
            "预备党员数": rng.choice([0, 0, 1]),
            "流动党员数": rng.randint(0, party),
        }
        records.append([record[h] for h in headers])

    def save(rows_to_write) -> bytes:
        # a normal workbook, not write_only: it records the sheet's dimension, as Excel does
        wb = Workbook()
        ws = wb.active
        ws.title = spec.title
        ws.append(headers)
        for row in rows_to_write:
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    staff = headers.index("从业人员数")
    changed = [
        [*row[:staff], row[staff] + 1, *row[staff + 1 :]] if n % 10 == 0 else row for n, row in enumerate(records)
    ]
    return save(records), save(changed)


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend process (Linux /proc), or None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Phase:
    """Wall time, and the CPU time of this process plus its database backend: on a shared machine the
    wall time includes waiting for CPUs that other work holds, the CPU time does not."""

    def __init__(self, name: str, args):
        self.name = name
        self.args = args
        self.profile = cProfile.Profile(time.process_time) if args.profile == name else None

    def __enter__(self):
        if self.args.tracemalloc:
            tracemalloc.start()
        self.backend_started = backend_cpu_seconds()
        if self.profile:
            self.profile.enable()
        self.cpu_started = time.process_time()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.cpu_started
        if self.profile:
            self.profile.disable()
        backend = backend_cpu_seconds()
        self.backend = None if backend is None or self.backend_started is None else backend - self.backend_started
        self.traced = None
        if self.args.tracemalloc:
            self.traced = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        self.rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def report(self, rows: int, note: str = "") -> str:
        traced = f"{self.traced / 2**20:10.1f}" if self.traced is not None else "         -"
        per_row = self.seconds / rows * 1000 if rows else 0
        backend = f"{self.backend:8.1f}" if self.backend is not None else "       -"
        return (
            f"{self.name:<13}{self.seconds:>8.1f}{per_row:>9.2f}{self.cpu:>9.1f}{backend}"
            f"{self.rss / 2**20:>10.0f}{traced}  {note}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="社会组织行数（默认 10000）")
    parser.add_argument("--profile", choices=["validate", "commit", "revalidate"], help="对该阶段做 cProfile")
    parser.add_argument("--profile-sort", default="cumulative", help="cProfile 排序（cumulative、tottime…）")
    parser.add_argument("--tracemalloc", action="store_true", help="各阶段 Python 内存分配峰值（更慢）")
    parser.add_argument(
        "--as-before",
        action="store_true",
        help="按优化前的做法运行以便对比：提交时各服务照常开保存点，校验时把工作表读两遍",
    )
    args = parser.parse_args()
    setup()

    import pghistory  # noqa: F401  (loaded by the app; the services write history as in production)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test.utils import override_settings

    from organizations.models import AnnualSurvey, Organization
    from registry import importing
    from registry.importing import jobs
    from registry.models import ImportStatus, Region, User

    if args.as_before:
        importing._one_transaction_without_savepoints = transaction.atomic
        importing.KEEP_ROWS = 0

    user = User.objects.get(username="quadmin")
    spec = importing.get_spec("organizations.organization")
    started = time.perf_counter()
    content, changed = build_in_child(args.rows)
    print(
        f"数据：{args.rows:,} 行社会组织（{len(spec.columns)} 列，含 {YEAR} 年度摸底调查），"
        f"文件 {len(content) / 2**20:.1f} MB，生成 {time.perf_counter() - started:.1f} 秒；"
        f"库中已有区划 {Region.objects.count()} 个"
    )
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    lines = []

    def run(label: str, data: bytes, validate_name: str, commit_name: str | None):
        upload = SimpleUploadedFile(f"{label}.xlsx", data, content_type=importing.XLSX_CONTENT_TYPE)
        with Phase(validate_name, args) as phase:
            record = jobs.import_upload(user=user, spec=spec, upload=upload)
        assert record.status == ImportStatus.PENDING, record.message
        counts = (
            f"新增 {record.create_count}，更新 {record.update_count}，无变化 {record.unchanged_count}，"
            f"错误 {record.error_count}"
        )
        lines.append(phase.report(record.total_rows, counts))
        if commit_name is None:
            return phase
        with Phase(commit_name, args) as committed:
            jobs.import_request_commit(user=user, record=record, confirmed_errors=record.error_count)
        record.refresh_from_db()
        assert record.status == ImportStatus.DONE, record.message
        lines.append(committed.report(record.total_rows, record.message))
        return phase, committed

    # inline, as a small file would be: the same services the task worker runs, without the queue
    with override_settings(IMPORT_INLINE_MAX_ROWS=10**9):
        first = run("社会组织", content, "validate", "commit")
        again = run("社会组织-再次导入", content, "revalidate", None)
        update = run("社会组织-修改", changed, "validate-upd", "commit-upd")
    assert Organization.objects.count() == args.rows
    assert AnnualSurvey.objects.filter(year=YEAR).count() == args.rows

    print("阶段           墙钟秒  毫秒/行  本进程CPU秒  数据库CPU秒  峰值RSS(MB)  Python峰值(MB)  结果")
    for line in lines:
        print(line)
    total = first[0].seconds + first[1].seconds
    print(
        f"首次导入 校验+提交 共 {total:.1f} 秒（{args.rows:,} 行，{total / args.rows * 1000:.2f} 毫秒/行）；"
        f"再次导入（全部无变化）校验 {again.seconds:.1f} 秒；"
        f"修改十分之一后 校验+提交 {update[0].seconds + update[1].seconds:.1f} 秒。"
        f"进程启动后基线 RSS {base_rss / 2**20:.0f} MB。"
        + ("（优化前的做法：保存点、两遍读取）" if args.as_before else "")
    )
    for phase in (*first, again, *update):
        if phase.profile:
            print(f"\n--- cProfile：{phase.name}（CPU 时间，按 {args.profile_sort}）---")
            stats = pstats.Stats(phase.profile).sort_stats(args.profile_sort)
            stats.print_stats(40)


if __name__ == "__main__":
    main()

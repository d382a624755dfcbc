"""Times the Excel import of generated organizations files against a bare openpyxl + bulk_create script.

    .venv/bin/python bench/bench_import.py                        # 10,000 and 60,000 rows, bare vs product
    .venv/bin/python bench/bench_import.py --sizes 2000 --prefill 0
    .venv/bin/python bench/bench_import.py --detail --rows 2000 --profile commit   # phase by phase

Runs against its own database (``--database``, default tongxinku_importbench, created and migrated
here, the demo district 龙华区 and its accounts built in it). The registry is first filled with
``--prefill`` existing organizations and their surveys (default 100,000, raw SQL with the history
triggers off, kept between runs) so that the indexes the writes maintain are of a realistic size;
the organizations of earlier runs' files are removed before each measurement. The file is what a
district's 台账 looks like: every column of the 社会组织 template, valid GB 32100 credit codes,
communities by name, industries from the dictionary, the year's survey figures.

For each size, in the same run and interleaved, each in a fresh process (so that its peak memory is
its own):

- **bare**: what a minimal script does with the same file — openpyxl read-only read, the per-cell
  checks it needs (required cells, credit code check character, choices, community and industry
  names, dates, numbers, phone, mobile ≤ party members, codes not already stored), the pinyin
  initials the search needs, then bulk_create of the organizations and their surveys in one
  transaction;
- **product**: the import the way a page takes it (registry.importing.jobs: upload → validate →
  confirm → commit, inline rather than in the task worker) as the district admin ``quadmin``.

It prints the wall and CPU seconds of each, product/bare, the 60k/10k ratio (linear: ≈ 6) and the
peak resident memory growth of each process. ``--detail`` runs the older phase-by-phase report
(validate, commit, re-import unchanged, update a tenth) on ``--rows``.
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
PREFILL_CODES = "52440300%"  # the prefilled organizations' codes: another district's, never a file's


def start_django(database: str = DATABASE) -> None:
    os.environ["EMBEDDED_DB_NAME"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def setup(database: str, prefill: int) -> None:
    start_django(database)

    from django.core.management import call_command

    from organizations.demo import INDUSTRIES
    from organizations.models import Industry
    from registry.demo import build_accounts, build_regions

    call_command("migrate", verbosity=0)
    build_regions()
    build_accounts()
    for order, name in enumerate(INDUSTRIES, start=1):
        Industry.objects.get_or_create(name=name, defaults={"sort_order": order})
    fill_registry(prefill)
    remove_imported()


def fill_registry(rows: int) -> None:
    """``rows`` existing organizations (codes 52440300…) with their survey, by SQL, history triggers off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organizations_organization WHERE credit_code LIKE %s", [PREFILL_CODES])
        have = cursor.fetchone()[0]
        if have >= rows:
            return
        started = time.perf_counter()
        cursor.execute("SET session_replication_role = replica")
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
            SELECT now(), now(), 1,
                   '深圳市龙华区' || (ARRAY['春晖','同心','启航','阳光','和谐','明德','善行','星火'])[1 + i %% 8]
                     || (ARRAY['社会工作服务中心','志愿者协会','长者服务中心','公益基金会','文化促进会'])[1 + i %% 5]
                     || i,
                   'szslhq' || i, '52440300MA' || lpad(i::text, 8, '0'),
                   (ARRAY['social_group','service_institution','foundation'])[1 + i %% 3], '深圳市龙华区民政局',
                   date '2010-01-01' + (i %% 5000), '', 'normal',
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
            SELECT now(), now(), 1, o.id, %s, 1 + o.id %% 60, o.id %% 7, 0, 0
            FROM organizations_organization o
            WHERE o.credit_code LIKE %s
              AND NOT EXISTS (SELECT 1 FROM organizations_annualsurvey s WHERE s.organization_id = o.id)
            """,
            [YEAR, PREFILL_CODES],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE organizations_organization")
        cursor.execute("ANALYZE organizations_annualsurvey")
    print(f"预置 {rows - have:,} 家已有社会组织（及其摸底调查），{time.perf_counter() - started:.0f} 秒")


def remove_imported() -> None:
    """The organizations earlier measurements imported (not the prefilled ones), and the import records."""
    from django.db import connection

    from organizations.models import Organization

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no history of the clean-up, no cascade triggers
        imported = "SELECT id FROM organizations_organization WHERE credit_code NOT LIKE %s"
        for relation in Organization._meta.related_objects:
            if relation.many_to_many or not relation.field.concrete:
                continue
            table, column = relation.related_model._meta.db_table, relation.field.column
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" IN ({imported})', [PREFILL_CODES])
        cursor.execute("DELETE FROM organizations_organization WHERE credit_code NOT LIKE %s", [PREFILL_CODES])
        cursor.execute("DELETE FROM registry_importrecord")
        cursor.execute("SET session_replication_role = DEFAULT")


def _org_code(rng) -> str:
    """A 9-character organization code with its GB 11714 check character."""
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def in_child(function, *args):
    """``function(*args)`` in a fresh process (Django set up on the bench's database), its result returned."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child, (os.environ["EMBEDDED_DB_NAME"], function.__name__, args))


def _child(database: str, name: str, args):
    start_django(database)
    return globals()[name](*args)


def build_in_child(rows: int) -> tuple[bytes, bytes]:
    """build_file in a child process, so that its memory does not count in the import's peak."""
    return in_child(build_file, rows)


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


def detail(args):
    import pghistory  # noqa: F401  (loaded by the app; the services write history as in production)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings

    from organizations.models import AnnualSurvey, Organization
    from registry import importing
    from registry.importing import jobs
    from registry.models import ImportStatus, Region, User

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
    imported = Organization.objects.exclude(credit_code__startswith=PREFILL_CODES[:-1])
    assert imported.count() == args.rows
    assert AnnualSurvey.objects.filter(year=YEAR, organization__in=imported).count() == args.rows

    print("阶段           墙钟秒  毫秒/行  本进程CPU秒  数据库CPU秒  峰值RSS(MB)  Python峰值(MB)  结果")
    for line in lines:
        print(line)
    total = first[0].seconds + first[1].seconds
    print(
        f"首次导入 校验+提交 共 {total:.1f} 秒（{args.rows:,} 行，{total / args.rows * 1000:.2f} 毫秒/行）；"
        f"再次导入（全部无变化）校验 {again.seconds:.1f} 秒；"
        f"修改十分之一后 校验+提交 {update[0].seconds + update[1].seconds:.1f} 秒。"
        f"进程启动后基线 RSS {base_rss / 2**20:.0f} MB。"
    )
    for phase in (*first, again, *update):
        if phase.profile:
            print(f"\n--- cProfile：{phase.name}（CPU 时间，按 {args.profile_sort}）---")
            stats = pstats.Stats(phase.profile).sort_stats(args.profile_sort)
            stats.print_stats(40)


def measured(job):
    """Run ``job()``; its wall and CPU seconds (this process and its database backend) and peak memory growth."""
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    backend = backend_cpu_seconds()
    cpu, started = time.process_time(), time.perf_counter()
    note = job()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    backend_after = backend_cpu_seconds()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "seconds": seconds,
        "cpu": cpu,
        "backend": None if backend is None or backend_after is None else backend_after - backend,
        "peak": peak,
        "growth": peak - base,
        "note": note,
    }


def bare_import(content: bytes) -> dict:
    """A minimal script: openpyxl read-only, the checks it needs per cell, bulk_create of organizations and surveys."""
    import datetime
    import re

    from django.db import transaction
    from openpyxl import load_workbook

    from organizations.choices import HonourLevel, OrganizationKind, OrganizationStatus, Rating, VentureList
    from organizations.models import AnnualSurvey, Industry, Organization
    from registry.models import Region
    from registry.search import name_initials
    from registry.validators import credit_code_check_char

    def choices(enum, **aliases):
        return {**{label: value for value, label in enum.choices}, **dict(enum.choices), **aliases}

    def job():
        kinds = choices(OrganizationKind, 社会服务机构=OrganizationKind.SERVICE_INSTITUTION)
        statuses, ratings = choices(OrganizationStatus), choices(Rating)
        honours, ventures = choices(HonourLevel), choices(VentureList)
        yes_no = {"是": True, "否": False}
        regions = dict(Region.objects.filter(level__in=("street", "community")).values_list("name", "pk"))
        industries = dict(Industry.objects.values_list("name", "pk"))
        phone = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = wb.active.iter_rows(values_only=True)
        at = {header: n for n, header in enumerate(next(rows))}

        def text(row, header, required=False, limit=200):
            value = row[at[header]]
            value = "" if value is None else str(value).strip()
            if (required and not value) or len(value) > limit:
                raise ValueError(header)
            return value

        def number(row, header):
            value = row[at[header]]
            return None if value in (None, "") else int(value)

        def date(row, header):
            value = row[at[header]]
            if value in (None, ""):
                return None
            return value.date() if isinstance(value, datetime.datetime) else datetime.date.fromisoformat(str(value))

        organizations, surveys, errors = [], [], 0
        for row in rows:
            try:
                code = text(row, "统一社会信用代码", True).upper()
                if len(code) != 18 or credit_code_check_char(code[:17]) != code[17]:
                    raise ValueError("统一社会信用代码")
                contact = text(row, "联系电话", limit=20)
                if contact and not phone.match(contact):
                    raise ValueError("联系电话")
                name = text(row, "名称", True)
                organization = Organization(
                    name=name,
                    name_initials=name_initials(name),
                    credit_code=code,
                    kind=kinds[text(row, "组织类型", True)],
                    status=statuses[text(row, "登记状态") or "正常"],
                    region_id=regions[text(row, "所属区域", True)],
                    industry_id=industries[text(row, "行业类别")] if text(row, "行业类别") else None,
                    registration_authority=text(row, "登记管理机关", limit=100),
                    registration_date=date(row, "登记日期"),
                    supervising_unit=text(row, "业务主管单位", limit=100),
                    legal_representative=text(row, "法定代表人", limit=50),
                    contact_phone=contact,
                    address=text(row, "住所"),
                    rating=ratings[text(row, "评估等级")] if text(row, "评估等级") else "",
                    rating_year=number(row, "评估年度"),
                    honour_level=honours[text(row, "示范性社会组织")] if text(row, "示范性社会组织") else "",
                    honour_year=number(row, "示范性认定年度"),
                    venture_list=ventures[text(row, "公益创投名单")] if text(row, "公益创投名单") else "",
                    is_hub=yes_no[text(row, "枢纽型") or "否"],
                    is_flagship=yes_no[text(row, "品牌性") or "否"],
                    on_abnormal_list=yes_no[text(row, "活动异常名录") or "否"],
                    remarks=text(row, "备注", limit=10_000),
                )
                if organization.rating and not organization.rating_year:
                    raise ValueError("评估年度")
                survey = AnnualSurvey(
                    year=number(row, "摸底调查年度"),
                    staff_count=number(row, "从业人员数") or 0,
                    party_member_count=number(row, "正式党员数") or 0,
                    probationary_member_count=number(row, "预备党员数") or 0,
                    mobile_party_member_count=number(row, "流动党员数") or 0,
                )
                if survey.mobile_party_member_count > survey.party_member_count:
                    raise ValueError("流动党员数")
            except (KeyError, ValueError, TypeError):
                errors += 1
                continue
            organizations.append(organization)
            surveys.append(survey)
        wb.close()
        codes = [o.credit_code for o in organizations]
        stored = set()
        for start in range(0, len(codes), 5000):
            batch = codes[start : start + 5000]
            stored |= set(Organization.objects.filter(credit_code__in=batch).values_list("credit_code", flat=True))
        assert not stored
        with transaction.atomic():
            Organization.objects.bulk_create(organizations, batch_size=2000)
            for organization, survey in zip(organizations, surveys, strict=True):
                survey.organization_id = organization.pk
            AnnualSurvey.objects.bulk_create(surveys, batch_size=2000)
        return f"新增 {len(organizations)}，错误 {errors}"

    return measured(job)


def product_import(content: bytes) -> dict:
    """The import as a page runs it, validate and commit inline, as the district admin."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings

    from registry import importing
    from registry.importing import jobs
    from registry.models import ImportStatus, User

    user = User.objects.get(username="quadmin")
    spec = importing.get_spec("organizations.organization")
    phases = {}

    def job():
        upload = SimpleUploadedFile("社会组织.xlsx", content, content_type=importing.XLSX_CONTENT_TYPE)
        with override_settings(IMPORT_INLINE_MAX_ROWS=10**9):
            started = time.perf_counter()
            record = jobs.import_upload(user=user, spec=spec, upload=upload)
            assert record.status == ImportStatus.PENDING, record.message
            phases["validate"] = time.perf_counter() - started
            started = time.perf_counter()
            jobs.import_request_commit(user=user, record=record, confirmed_errors=record.error_count)
            phases["commit"] = time.perf_counter() - started
        record.refresh_from_db()
        assert record.status == ImportStatus.DONE, record.message
        return record.message

    result = measured(job)
    result["note"] = f"校验 {phases['validate']:.1f} 秒 + 提交 {phases['commit']:.1f} 秒；{result['note']}"
    return result


def compare(args) -> None:
    """Bare and product at each size, interleaved, each in its own process; ratios and linearity."""
    print(f"数据库 {args.database}：预置已有社会组织 {args.prefill:,} 家；每项在单独进程中运行（峰值内存各自独立）")
    print("规模      做法      墙钟秒  毫秒/行  进程CPU秒  数据库CPU秒  峰值RSS(MB)  增长(MB)  结果")
    results = {}
    for rows in args.sizes:
        content, _ = build_in_child(rows)
        for name, runner in (("bare", bare_import), ("product", product_import)):
            result = in_child(runner, content)
            remove_imported()
            results[rows, name] = result
            backend = f"{result['backend']:>11.1f}" if result["backend"] is not None else "          -"
            print(
                f"{rows:>7,}  {name:<8}{result['seconds']:>8.1f}{result['seconds'] / rows * 1000:>9.2f}"
                f"{result['cpu']:>11.1f}{backend}{result['peak'] / 2**20:>13.0f}{result['growth'] / 2**20:>10.0f}"
                f"  {result['note']}"
            )
        product, bare = results[rows, "product"], results[rows, "bare"]
        ratio = product["seconds"] / bare["seconds"]
        # on a shared machine the wall time includes waiting for CPUs other work holds; the CPU time does not
        cpu_ratio = (product["cpu"] + (product["backend"] or 0)) / (bare["cpu"] + (bare["backend"] or 0))
        print(f"{rows:>7,}  产品/裸脚本：墙钟 {ratio:.2f} 倍，CPU（进程+数据库）{cpu_ratio:.2f} 倍（目标 ≤ 2）")
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for name in ("bare", "product"):
            growth = results[large, name]["seconds"] / results[small, name]["seconds"]
            cpu = (results[large, name]["cpu"] + (results[large, name]["backend"] or 0)) / (
                results[small, name]["cpu"] + (results[small, name]["backend"] or 0)
            )
            print(
                f"线性：{name} {large:,} 行 / {small:,} 行 = 墙钟 {growth:.2f} 倍，CPU {cpu:.2f} 倍"
                f"（行数 {large / small:.1f} 倍）"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DATABASE, help=f"基准测试自己的数据库（默认 {DATABASE}）")
    parser.add_argument("--prefill", type=int, default=100_000, help="预置的已有社会组织数（默认 100000）")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 60_000], help="对比的文件行数（默认 10000 60000）"
    )
    parser.add_argument("--detail", action="store_true", help="逐阶段报告（校验、提交、再次导入、修改后导入）")
    parser.add_argument("--rows", type=int, default=10_000, help="--detail 的社会组织行数（默认 10000）")
    parser.add_argument("--profile", choices=["validate", "commit", "revalidate"], help="--detail：对该阶段做 cProfile")
    parser.add_argument("--profile-sort", default="cumulative", help="cProfile 排序（cumulative、tottime…）")
    parser.add_argument("--tracemalloc", action="store_true", help="--detail：各阶段 Python 内存分配峰值（更慢）")
    args = parser.parse_args()
    setup(args.database, args.prefill)
    if args.detail:
        detail(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()

"""Run by test_replica.py in a process of its own, configured as a deployment is: DATABASE_URL for the
primary, DATABASE_REPLICA_URL for a real hot standby of it. Prints one line per check; exits non-zero
on the first that fails."""

import os
import sys
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import openpyxl  # noqa: E402
from django.db import DatabaseError, connections, router  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from organizations.models import Organization  # noqa: E402
from registry import roles  # noqa: E402
from registry.db import PRIMARY, REPLICA, replica_reads  # noqa: E402
from tests.factories import OrganizationFactory, UserFactory, make_region_tree  # noqa: E402


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"失败：{message}", flush=True)
        sys.exit(1)
    print(f"通过：{message}", flush=True)


def exported_names(response) -> set[str]:
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    return {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}


check(not in_recovery(PRIMARY) and in_recovery(REPLICA), "default 是主库，replica 是热备（pg_is_in_recovery）")
check(not router.allow_migrate(REPLICA, "organizations"), "迁移从不在副本上执行")

tree = make_region_tree()
analyst = UserFactory(username="replica_analyst", region=tree["district"], role=roles.ANALYST)
OrganizationFactory(region=tree["community_a1"], name="副本检查甲社工服务中心")

# outside the block every read is the primary's
check(Organization.objects.all().db == PRIMARY, "块外的读取走主库")

# a write on the primary, then at once a read through the replica: the block waits for the replay
with replica_reads() as used:
    check(used and Organization.objects.all().db == REPLICA, "replica_reads() 内的读取走副本")
    fresh = Organization.objects.filter(name="副本检查甲社工服务中心").exists()
    check(fresh, "副本回放到块开始时的位置后才读：刚写入的记录可见")
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organizations_organization WHERE name = %s", ["副本检查甲社工服务中心"])
        check(cursor.fetchone()[0] == 1, "该记录确实在热备上")
    # a write inside the block still goes to the primary
    written = OrganizationFactory(region=tree["community_a1"], name="副本检查乙基金会")
    check(written._state.db == PRIMARY, "块内的写入经路由走主库")
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("UPDATE organizations_organization SET remarks = 'x' WHERE id = %s", [written.pk])
        check(False, "热备拒绝写入")
    except DatabaseError as error:
        check("read-only" in str(error), f"直接写副本被热备拒绝（{str(error).splitlines()[0]}）")
    connections[REPLICA].close()

# a replica that has not replayed the user's last write is not read from: the primary answers
with connections[REPLICA].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_pause()")
OrganizationFactory(region=tree["community_a1"], name="副本检查丙协会")
with replica_reads(wait=0.3) as used:
    check(not used and Organization.objects.all().db == PRIMARY, "副本滞后（回放暂停）时改从主库读取")
    check(Organization.objects.filter(name="副本检查丙协会").exists(), "用户自己刚写入的记录仍然读得到")
with connections[REPLICA].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_resume()")

# the list export reads its rows from the replica, and writes its access log to the primary
client = Client()
client.force_login(analyst)
with CaptureQueriesContext(connections[REPLICA]) as on_replica:
    response = client.get("/organizations/export/")
check(response.status_code == 200, "导出成功")
check(
    {"副本检查甲社工服务中心", "副本检查乙基金会", "副本检查丙协会"} <= exported_names(response),
    "导出包含截至请求时已提交的全部记录",
)
check(
    any("organizations_organization" in query["sql"] for query in on_replica.captured_queries),
    f"导出的行从副本读取（副本上 {len(on_replica.captured_queries)} 条查询）",
)
print("全部通过", flush=True)

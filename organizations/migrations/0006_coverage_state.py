"""CoverageState: each organization's 两个覆盖 facts, refreshed by triggers in the writing transaction.

Triggers rather than signals or service calls: bulk_create, COPY, queryset.update()/delete(), the admin,
raw SQL and the import all write through the same tables, and a statement-level trigger with transition
tables sees every one of them and refreshes the touched organizations in one set-based statement.
``organizations_refresh_coverage(ids, day)`` is the one refresh (ids NULL: every organization); it mirrors
organizations.coverage.CoverageSets, and ``manage.py check_coverage`` compares the two.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models


# the active-assignment condition of coverage._active, for an alias
def _active(alias):
    return f"{alias}.start_date <= $2 AND ({alias}.end_date IS NULL OR {alias}.end_date >= $2)"


REFRESH_FUNCTION = (
    r"""
-- the Shanghai date of the transaction, or the date a session set (tests travelling in time set theirs)
CREATE OR REPLACE FUNCTION organizations_coverage_today() RETURNS date LANGUAGE sql STABLE AS
$$ SELECT COALESCE(NULLIF(current_setting('tongxinku.today', true), '')::date,
                   (now() AT TIME ZONE 'Asia/Shanghai')::date) $$;

CREATE OR REPLACE FUNCTION organizations_refresh_instructors(liaisons bigint[], on_date date) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  only_these text := CASE WHEN liaisons IS NULL THEN 'true' ELSE 'a.liaison_id = ANY($1)' END;
BEGIN
  IF liaisons IS NOT NULL AND cardinality(liaisons) = 0 THEN
    RETURN;
  END IF;
  EXECUTE 'DELETE FROM organizations_instructorload a WHERE ' || only_these USING liaisons;
  EXECUTE format($q$
    INSERT INTO organizations_instructorload (liaison_id, guided, dedicated_large, regions, computed_on)
    SELECT g.liaison_id, g.guided, g.guided = 1 AND g.large,
           ARRAY(SELECT DISTINCT o.region_id FROM organizations_assignment x
                 JOIN organizations_organization o ON o.id = x.organization_id WHERE x.liaison_id = g.liaison_id),
           $2
    FROM (
      SELECT a.liaison_id, count(DISTINCT a.organization_id) AS guided, COALESCE(bool_or(s.staff >= 30), false) AS large
      FROM organizations_assignment a
      LEFT JOIN organizations_coveragestate s ON s.organization_id = a.organization_id
      WHERE a.role = 'instructor' AND """
    + _active("a")
    + r""" AND %s
      GROUP BY a.liaison_id
    ) g
    $q$, only_these) USING liaisons, on_date;
END
$fn$;

CREATE OR REPLACE FUNCTION organizations_refresh_coverage(ids bigint[], on_date date) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  refreshed integer;
  every boolean := ids IS NULL;
BEGIN
  IF NOT every AND cardinality(ids) = 0 THEN
    RETURN 0;
  END IF;
  EXECUTE format($q$
    INSERT INTO organizations_coveragestate AS st
      (organization_id, name, region_id, industry_id, status, has_party_org, has_own_party_org, has_work_liaison,
       has_uf_member, has_uf_liaison, has_dedicated_instructor, surveyed, staff, party_members, mobile_members,
       resident_members, computed_on, computed_at)
    SELECT o.id, o.name, o.region_id, o.industry_id, o.status,
           c.organization_id IS NOT NULL, COALESCE(c.own, false),
           COALESCE(r.work_role, false), COALESCE(r.uf_member, false), COALESCE(r.uf_liaison, false),
           COALESCE(r.dedicated, false),
           s.organization_id IS NOT NULL, COALESCE(s.staff_count, 0), COALESCE(s.party_member_count, 0),
           COALESCE(s.mobile_party_member_count, 0),
           COALESCE(s.party_member_count - s.mobile_party_member_count, 0), $2, now()
    FROM organizations_organization o
    LEFT JOIN (
      SELECT c.organization_id, bool_or(p.kind <> 'joint_branch') AS own
      FROM organizations_partycoverage c
      JOIN organizations_partyorganization p ON p.id = c.party_organization_id
      WHERE %1$s
      GROUP BY c.organization_id
    ) c ON c.organization_id = o.id
    LEFT JOIN (
      SELECT a.organization_id,
             bool_or(a.role IN ('instructor', 'party_liaison', 'uf_liaison', 'party_worker')) AS work_role,
             bool_or(a.role = 'uf_member') AS uf_member,
             bool_or(a.role = 'uf_liaison') AS uf_liaison,
             bool_or(l.guided = 1) AS dedicated
      FROM organizations_assignment a
      LEFT JOIN (
        SELECT b.liaison_id, count(DISTINCT b.organization_id) AS guided
        FROM organizations_assignment b
        WHERE b.role = 'instructor' AND """
    + _active("b")
    + r""" AND %3$s
        GROUP BY b.liaison_id
      ) l ON a.role = 'instructor' AND l.liaison_id = a.liaison_id
      WHERE """
    + _active("a")
    + r""" AND %2$s
      GROUP BY a.organization_id
    ) r ON r.organization_id = o.id
    LEFT JOIN (
      SELECT DISTINCT ON (s.organization_id)
             s.organization_id, s.staff_count, s.party_member_count, s.mobile_party_member_count
      FROM organizations_annualsurvey s
      WHERE %4$s
      ORDER BY s.organization_id, s.year DESC
    ) s ON s.organization_id = o.id
    WHERE %5$s
    ON CONFLICT (organization_id) DO UPDATE SET
      name = EXCLUDED.name, region_id = EXCLUDED.region_id, industry_id = EXCLUDED.industry_id, status = EXCLUDED.status,
      has_party_org = EXCLUDED.has_party_org, has_own_party_org = EXCLUDED.has_own_party_org,
      has_work_liaison = EXCLUDED.has_work_liaison, has_uf_member = EXCLUDED.has_uf_member,
      has_uf_liaison = EXCLUDED.has_uf_liaison, has_dedicated_instructor = EXCLUDED.has_dedicated_instructor,
      surveyed = EXCLUDED.surveyed, staff = EXCLUDED.staff, party_members = EXCLUDED.party_members,
      mobile_members = EXCLUDED.mobile_members, resident_members = EXCLUDED.resident_members,
      computed_on = EXCLUDED.computed_on, computed_at = EXCLUDED.computed_at
    $q$,
    CASE WHEN every THEN 'true' ELSE 'c.organization_id = ANY($1)' END,
    CASE WHEN every THEN 'true' ELSE 'a.organization_id = ANY($1)' END,
    CASE WHEN every THEN 'true' ELSE
      'b.liaison_id IN (SELECT x.liaison_id FROM organizations_assignment x '
      'WHERE x.organization_id = ANY($1) AND x.role = ''instructor'')' END,
    CASE WHEN every THEN 'true' ELSE 's.organization_id = ANY($1)' END,
    CASE WHEN every THEN 'true' ELSE 'o.id = ANY($1)' END
  ) USING ids, on_date;
  GET DIAGNOSTICS refreshed = ROW_COUNT;
  -- the instructors (and other liaisons) working at these organizations: their loads and regions
  PERFORM organizations_refresh_instructors(
    CASE WHEN every THEN NULL
    ELSE ARRAY(SELECT DISTINCT x.liaison_id FROM organizations_assignment x WHERE x.organization_id = ANY(ids)) END,
    on_date);
  RETURN refreshed;
END
$fn$;
"""
)

# One trigger function per input table; each collects the organizations a statement touched.
TOUCHED = {
    "organizations_organization": {
        # a new organization, or one whose name, region, status or industry changed (not every edit)
        "INSERT": "SELECT n.id FROM new_rows n",
        "UPDATE": "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE (n.name, n.region_id, n.status, n.industry_id) IS DISTINCT FROM (o.name, o.region_id, o.status, o.industry_id)",
    },
    "organizations_annualsurvey": {
        "INSERT": "SELECT organization_id FROM new_rows",
        "UPDATE": "SELECT organization_id FROM new_rows UNION SELECT organization_id FROM old_rows",
        "DELETE": "SELECT organization_id FROM old_rows",
    },
    "organizations_partycoverage": {
        "INSERT": "SELECT organization_id FROM new_rows",
        "UPDATE": "SELECT organization_id FROM new_rows UNION SELECT organization_id FROM old_rows",
        "DELETE": "SELECT organization_id FROM old_rows",
    },
    "organizations_partyorganization": {
        # a party organization becoming (or ceasing to be) a 联合党支部 changes "own party organization"
        "UPDATE": "SELECT c.organization_id FROM organizations_partycoverage c JOIN new_rows n "
        "ON n.id = c.party_organization_id JOIN old_rows o ON o.id = n.id WHERE n.kind IS DISTINCT FROM o.kind",
    },
    "organizations_assignment": {
        # the organizations themselves, and every organization an instructor involved guides: whether
        # their instructor is theirs alone (1:1) depends on the instructor's other assignments
        "INSERT": "SELECT organization_id FROM new_rows UNION SELECT x.organization_id FROM organizations_assignment x "
        "WHERE x.role = 'instructor' AND x.liaison_id IN (SELECT liaison_id FROM new_rows WHERE role = 'instructor')",
        "UPDATE": "SELECT organization_id FROM new_rows UNION SELECT organization_id FROM old_rows "
        "UNION SELECT x.organization_id FROM organizations_assignment x WHERE x.role = 'instructor' AND x.liaison_id IN "
        "(SELECT liaison_id FROM new_rows WHERE role = 'instructor' "
        "UNION SELECT liaison_id FROM old_rows WHERE role = 'instructor')",
        "DELETE": "SELECT organization_id FROM old_rows UNION SELECT x.organization_id FROM organizations_assignment x "
        "WHERE x.role = 'instructor' AND x.liaison_id IN (SELECT liaison_id FROM old_rows WHERE role = 'instructor')",
    },
}
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


# an assignment's liaison, who may have no assignment left at the organizations refreshed
LIAISONS_TOUCHED = {
    "INSERT": "SELECT liaison_id FROM new_rows",
    "UPDATE": "SELECT liaison_id FROM new_rows UNION SELECT liaison_id FROM old_rows",
    "DELETE": "SELECT liaison_id FROM old_rows",
}


def _trigger_sql(table, event, touched):
    name = f"coverage_{event.lower()}"
    function = f"{table}_{name}"
    liaisons = (
        f"PERFORM organizations_refresh_instructors(ARRAY(SELECT DISTINCT t.id FROM ({LIAISONS_TOUCHED[event]}) "
        "AS t(id)), organizations_coverage_today());"
        if table == "organizations_assignment"
        else ""
    )
    return (
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM organizations_refresh_coverage(ARRAY(SELECT DISTINCT t.id FROM ({touched}) AS t(id)),
                                         organizations_coverage_today());
  {liaisons}
  RETURN NULL;
END
$fn$;
CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {TRANSITIONS[event]}
  FOR EACH STATEMENT EXECUTE FUNCTION {function}();
""",
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {function}();",
    )


TRIGGERS = [
    _trigger_sql(table, event, touched) for table, events in TOUCHED.items() for event, touched in events.items()
]

# Django's CASCADE would delete this row before the organization's assignments, whose triggers then
# write it again: the database removes it with the organization instead (the field has db_constraint=False)
CASCADE_FK = """
ALTER TABLE organizations_coveragestate ADD CONSTRAINT coverage_state_organization_fk
  FOREIGN KEY (organization_id) REFERENCES organizations_organization (id) ON DELETE CASCADE;
"""


# CoverageTally: every statement on CoverageState adds its new rows' counts and subtracts its old rows'
COUNTED = ["org_covered", "work_covered"] + [
    f"breaks_{rule}"
    for rule in (
        "large_without_instructor",
        "party_org_without_uf_member",
        "uf_liaison_with_party_org",
        "uf_member_without_party_org",
        "should_build",
        "mobile_branch_missing",
        "mobile_unattached",
        "work_uncovered",
    )
]
_COLUMNS = "region_id, industry_id, status, " + ", ".join(COUNTED)
TALLY_ROWS = {
    "INSERT": f"SELECT 1 AS sign, {_COLUMNS} FROM new_rows",
    "UPDATE": f"SELECT 1 AS sign, {_COLUMNS} FROM new_rows UNION ALL SELECT -1, {_COLUMNS} FROM old_rows",
    "DELETE": f"SELECT -1 AS sign, {_COLUMNS} FROM old_rows",
}


def _tally_sql(event, rows):
    name = f"coverage_tally_{event.lower()}"
    function = f"organizations_coveragestate_{name}"
    sums = ", ".join(f"sum(sign * {column}::int)" for column in COUNTED)
    updates = ", ".join(f"{column} = t.{column} + EXCLUDED.{column}" for column in COUNTED)
    return (
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- the daily re-dating (coverage_state.roll_over) changes no count: a million rows need not be summed
  IF current_setting('tongxinku.coverage_redate', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO organizations_coveragetally AS t (region_id, industry_key, status, organizations, {", ".join(COUNTED)})
  SELECT region_id, COALESCE(industry_id, 0), status, sum(sign), {sums}
  FROM ({rows}) AS d
  GROUP BY 1, 2, 3
  ON CONFLICT (region_id, industry_key, status) DO UPDATE SET
    organizations = t.organizations + EXCLUDED.organizations, {updates};
  RETURN NULL;
END
$fn$;
CREATE TRIGGER {name} AFTER {event} ON organizations_coveragestate REFERENCING {TRANSITIONS[event]}
  FOR EACH STATEMENT EXECUTE FUNCTION {function}();
""",
        f"DROP TRIGGER IF EXISTS {name} ON organizations_coveragestate; DROP FUNCTION IF EXISTS {function}();",
    )


TALLY_TRIGGERS = [_tally_sql(event, rows) for event, rows in TALLY_ROWS.items()]


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0005_usability_name_initials"),
        ("registry", "0006_merge_parallel_streams"),
    ]

    operations = [
        migrations.CreateModel(
            name="CoverageState",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="coverage_state",
                        serialize=False,
                        to="organizations.organization",
                        verbose_name="社会组织",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="名称")),
                (
                    "status",
                    models.CharField(
                        choices=[("normal", "正常"), ("deregistered", "注销"), ("revoked", "撤销")],
                        max_length=16,
                        verbose_name="登记状态",
                    ),
                ),
                ("has_party_org", models.BooleanField(verbose_name="有党组织覆盖")),
                ("has_own_party_org", models.BooleanField(verbose_name="有本单位党组织")),
                ("has_work_liaison", models.BooleanField(verbose_name="有在任党建指导员或联络员")),
                ("has_uf_member", models.BooleanField(verbose_name="有在任统战委员")),
                ("has_uf_liaison", models.BooleanField(verbose_name="有在任统战联络员")),
                ("has_dedicated_instructor", models.BooleanField(verbose_name="有1:1党建指导员")),
                ("surveyed", models.BooleanField(verbose_name="已摸底")),
                ("staff", models.PositiveIntegerField(verbose_name="从业人员数")),
                ("party_members", models.PositiveIntegerField(verbose_name="正式党员数")),
                ("mobile_members", models.PositiveIntegerField(verbose_name="流动党员数")),
                ("resident_members", models.IntegerField(verbose_name="本单位正式党员数")),
                (
                    "org_covered",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(("has_party_org", True)),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "work_covered",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(("has_party_org", True), ("has_work_liaison", True), _connector="OR"),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_large_without_instructor",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(
                            ("staff__gte", 30), models.Q(("has_dedicated_instructor", True), _negated=True)
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_party_org_without_uf_member",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(
                            ("has_own_party_org", True), models.Q(("has_uf_member", True), _negated=True)
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_uf_liaison_with_party_org",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(("has_own_party_org", True), ("has_uf_liaison", True)),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_uf_member_without_party_org",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(models.Q(("has_party_org", True), _negated=True), ("has_uf_member", True)),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_should_build",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(
                            models.Q(("has_own_party_org", True), _negated=True), ("resident_members__gte", 3)
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_mobile_branch_missing",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(
                            models.Q(("has_own_party_org", True), _negated=True),
                            ("mobile_members__gte", 3),
                            ("resident_members__lt", 3),
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_mobile_unattached",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(
                            models.Q(("has_party_org", True), _negated=True),
                            ("mobile_members__gt", 0),
                            ("mobile_members__lt", 3),
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                (
                    "breaks_work_uncovered",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Q(
                            models.Q(("has_party_org", True), _negated=True),
                            models.Q(("has_work_liaison", True), _negated=True),
                        ),
                        output_field=models.BooleanField(),
                    ),
                ),
                ("computed_on", models.DateField(verbose_name="覆盖数据日期")),
                ("computed_at", models.DateTimeField(verbose_name="计算时间")),
                (
                    "industry",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organizations.industry",
                        verbose_name="行业类别",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.region",
                        verbose_name="所属区域",
                    ),
                ),
            ],
            options={
                "verbose_name": "覆盖状态",
                "verbose_name_plural": "覆盖状态",
                "default_permissions": (),
                "indexes": [
                    models.Index(fields=["region", "status"], name="coverage_state_region_idx"),
                    models.Index(
                        condition=models.Q(("breaks_work_uncovered", True), ("status", "normal")),
                        fields=["region", "name", "organization"],
                        name="coverage_state_uncovered_idx",
                    ),
                    models.Index(fields=["computed_on"], name="coverage_state_day_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="CoverageTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("industry_key", models.BigIntegerField(verbose_name="行业类别编号")),
                (
                    "status",
                    models.CharField(
                        choices=[("normal", "正常"), ("deregistered", "注销"), ("revoked", "撤销")],
                        max_length=16,
                        verbose_name="登记状态",
                    ),
                ),
                ("organizations", models.IntegerField(verbose_name="社会组织数")),
                ("org_covered", models.IntegerField(verbose_name="组织覆盖数")),
                ("work_covered", models.IntegerField(verbose_name="工作覆盖数")),
                ("breaks_large_without_instructor", models.IntegerField(default=0)),
                ("breaks_party_org_without_uf_member", models.IntegerField(default=0)),
                ("breaks_uf_liaison_with_party_org", models.IntegerField(default=0)),
                ("breaks_uf_member_without_party_org", models.IntegerField(default=0)),
                ("breaks_should_build", models.IntegerField(default=0)),
                ("breaks_mobile_branch_missing", models.IntegerField(default=0)),
                ("breaks_mobile_unattached", models.IntegerField(default=0)),
                ("breaks_work_uncovered", models.IntegerField(default=0)),
                (
                    "region",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.region",
                        verbose_name="所属区域",
                    ),
                ),
            ],
            options={
                "verbose_name": "覆盖汇总",
                "verbose_name_plural": "覆盖汇总",
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(fields=("region", "industry_key", "status"), name="coverage_tally_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="InstructorLoad",
            fields=[
                (
                    "liaison",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="instructor_load",
                        serialize=False,
                        to="organizations.liaison",
                        verbose_name="联络员",
                    ),
                ),
                ("guided", models.PositiveIntegerField(verbose_name="指导社会组织数")),
                ("dedicated_large", models.BooleanField(verbose_name="1:1指导30人以上组织")),
                (
                    "regions",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, verbose_name="任职组织所在区域"
                    ),
                ),
                ("computed_on", models.DateField(verbose_name="计算日期")),
            ],
            options={
                "verbose_name": "党建指导员指导数",
                "verbose_name_plural": "党建指导员指导数",
                "default_permissions": (),
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(fields=["regions"], name="instructor_load_regions_idx")
                ],
            },
        ),
        migrations.RunSQL(CASCADE_FK, migrations.RunSQL.noop),
        migrations.RunSQL(
            REFRESH_FUNCTION,
            "DROP FUNCTION IF EXISTS organizations_refresh_coverage(bigint[], date); "
            "DROP FUNCTION IF EXISTS organizations_refresh_instructors(bigint[], date); "
            "DROP FUNCTION IF EXISTS organizations_coverage_today();",
        ),
        *(migrations.RunSQL(create, drop) for create, drop in TRIGGERS),
        *(migrations.RunSQL(create, drop) for create, drop in TALLY_TRIGGERS),
    ]

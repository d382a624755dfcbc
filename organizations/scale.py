"""Organizations at scale for ``manage.py generate_data``: set-based SQL in the demo's region tree.

Proportions follow the demo (organizations/demo.py) and the coverage rules (coverage.py): two years of
摸底调查 with mostly small staffs and a tail of 30+; about half with party members; 3+ resident members
get their own branch (one in nine left 应建未建), one or two members share a 联合党支部 of four (one group
in ten left out); 党建指导员 guide 5–10 uncovered organizations each (some 12, some 3: breaches), large
organizations get a 1:1 instructor (one in ten missing), 统战委员 where a branch exists (one in seven
missing), 党建/统战联络员 in two of three of the rest. About a third end up with a party organization.
Every row carries its real derived columns: pinyin initials as ``name_initials`` stores them, credit
codes with their GB 32100 check character. Row ids are the generated numbers, so each phase finds its
organizations again by id range and a later run continues or tops up.
"""

import random

from django.utils import timezone

from registry.choices import RegionLevel
from registry.demo import DISTRICT
from registry.models import Region
from registry.scale import HASH_SQL
from registry.search import name_initials

from .demo import GIVEN, INDUSTRIES, PATTERNS, SURNAMES, WORDS
from .models import Industry

P = HASH_SQL
BASE_NAMES = 20_000  # distinct names before a number is appended
KIND_CATEGORY = {"social_group": "1", "service_institution": "2", "foundation": "3"}
# instructors guide this many organizations each, in turn: 5–10 within the rule, 12 and 3 breaking it
INSTRUCTOR_LOADS = [5, 6, 7, 8, 9, 10, 7, 8, 12, 3]


def _bases(streets, communities, industries):
    """(name, initials template with # where the number goes, kind, industry id, region id) for each base name."""
    rng = random.Random(20171201)
    seen, bases = set(), []
    while len(bases) < BASE_NAMES:
        pattern, kind, industry = rng.choice(PATTERNS)
        street = rng.choice(streets)
        community = rng.choice(communities[street.pk])
        name = pattern.format(
            s=street.name.removesuffix("街道"), c=community.name.removesuffix("社区"), w=rng.choice(WORDS)
        )
        # a word pair of its own makes the names many (深圳市龙华区同心明德社会工作服务中心)
        if name in seen:
            name = name.replace("龙华区", "龙华区" + rng.choice(WORDS), 1)
        if name in seen:
            continue
        seen.add(name)
        initials = "# ".join(name_initials(name, max_length=150).split(" ")) + "#"
        region = community if rng.random() < 0.6 else street
        bases.append((name, initials, kind, industries[industry], region.pk))
    return bases


def _region_arrays():
    district = Region.objects.get(code=DISTRICT[0])
    streets = list(Region.objects.filter(parent=district, level=RegionLevel.STREET).order_by("code"))
    communities = {
        s.pk: list(Region.objects.filter(parent=s, level=RegionLevel.COMMUNITY).order_by("code")) for s in streets
    }
    return district, streets, communities


def generate_organizations(run, count: int) -> None:
    for order, name in enumerate(INDUSTRIES, start=1):
        Industry.objects.get_or_create(name=name, defaults={"sort_order": order})
    industries = dict(Industry.objects.values_list("name", "pk"))
    district, streets, communities = _region_arrays()
    today = timezone.localdate()
    bases = None

    def organizations(cursor, before):
        nonlocal bases
        bases = bases or _bases(streets, communities, industries)
        # the base names as a table: subscripting a 20,000-element text[] walks it element by element, per row
        cursor.execute(
            """
            CREATE TEMP TABLE scale_base ON COMMIT DROP AS
            SELECT b::int, name, initials, category, kind, industry, region
            FROM unnest(%(names)s::text[], %(initials)s::text[], %(categories)s::text[], %(kinds)s::text[],
                        %(industries)s::bigint[], %(regions)s::bigint[])
                 WITH ORDINALITY AS v(name, initials, category, kind, industry, region, b);
            ALTER TABLE scale_base ADD PRIMARY KEY (b);
            """,
            {
                "names": [b[0] for b in bases],
                "initials": [b[1] for b in bases],
                "categories": [KIND_CATEGORY[b[2]] for b in bases],
                "kinds": [str(b[2]) for b in bases],
                "industries": [b[3] for b in bases],
                "regions": [b[4] for b in bases],
            },
        )
        cursor.execute(
            f"""
            INSERT INTO organizations_organization
              (id, created_at, updated_at, version, name, name_initials, credit_code, kind, registration_authority,
               registration_date, supervising_unit, status, region_id, address, legal_representative, contact_phone,
               industry_id, is_hub, is_flagship, on_abnormal_list, rating, rating_year, honour_level, honour_year,
               venture_list, remarks)
            SELECT i, stamp, stamp + ({P}(i, 8, 400) || ' days')::interval, 1,
                   base.name || suffix,
                   replace(base.initials, '#', suffix),
                   pg_temp.credit_code('5' || base.category || '440309MA' || lpad(i::text, 7, '0')),
                   base.kind, '深圳市龙华区民政局', date '2008-01-01' + {P}(i, 2, 6200)::int,
                   (ARRAY['', '', '深圳市龙华区民政局', '深圳市龙华区文化广电旅游体育局', '深圳市龙华区教育局',
                          '深圳市龙华区卫生健康局'])[1 + {P}(i, 3, 6)],
                   CASE {P}(i, 4, 100) WHEN 0 THEN 'deregistered' WHEN 1 THEN 'deregistered' WHEN 2 THEN 'revoked'
                        ELSE 'normal' END,
                   base.region,
                   (ARRAY['人民路', '和平路', '东环一路', '梅龙大道', '布龙路', '观澜大道'])[1 + {P}(i, 5, 6)]
                     || (1 + {P}(i, 6, 300)) || '号',
                   (%(surnames)s::text[])[1 + {P}(i, 7, %(ns)s)] || (%(given)s::text[])[1 + {P}(i, 9, %(ng)s)],
                   (ARRAY['13', '15', '18', '17', '19'])[1 + {P}(i, 10, 5)]
                     || lpad({P}(i, 11, 1000000000)::text, 9, '0'),
                   base.industry,
                   i %% 5000 = 1, i %% 200 = 7, {P}(i, 12, 100) = 0,
                   rating, CASE WHEN rating = '' THEN NULL ELSE 2020 + {P}(i, 13, 5) END,
                   honour, CASE WHEN honour = '' THEN NULL ELSE 2020 + {P}(i, 14, 5) END,
                   CASE {P}(i, 15, 100) WHEN 0 THEN 'black' WHEN 1 THEN 'red' WHEN 2 THEN 'red' WHEN 3 THEN 'red'
                        WHEN 4 THEN 'red' ELSE '' END, ''
            FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i
            CROSS JOIN LATERAL (
              SELECT 1 + (i - 1) %% %(nb)s AS b,
                     CASE WHEN i > %(nb)s THEN ((i - 1) / %(nb)s + 1)::text ELSE '' END AS suffix,
                     now() - ({P}(i, 1, 1500000) || ' minutes')::interval - interval '400 days' AS stamp,
                     (ARRAY['', '', '', '', '3A', '4A', '5A', '2A'])[1 + {P}(i, 16, 8)] AS rating,
                     CASE {P}(i, 17, 100) WHEN 0 THEN 'city' WHEN 1 THEN 'district' WHEN 2 THEN 'province'
                          ELSE '' END AS honour
            ) AS row
            JOIN scale_base AS base ON base.b = row.b
            """,
            {
                "nb": len(bases),
                "surnames": list(SURNAMES),
                "ns": len(SURNAMES),
                "given": list(GIVEN),
                "ng": len(GIVEN),
                "start": before + 1,
                "stop": count,
            },
        )
        run.set_sequence(cursor, "organizations_organization")

    def surveys(cursor, before):
        # staff mostly small with a tail of 30+; 55% without party members, 25% with one or two, 20% with 3+
        cursor.execute(
            f"""
            INSERT INTO organizations_annualsurvey
              (created_at, updated_at, version, organization_id, year, staff_count, party_member_count,
               probationary_member_count, mobile_party_member_count, surveyed_on)
            SELECT now(), now(), 1, id, year, greatest(1, floor(staff * factor)::int), members,
                   CASE WHEN members > 0 AND {P}(id, 27, 4) = 0 THEN 1 ELSE 0 END, mobile,
                   make_date(year, 6, 1) + {P}(id, 28, 150)::int
            FROM (
              SELECT id, staff, members,
                     CASE WHEN members > 0 AND {P}(id, 25, 10) < 3 THEN {P}(id, 26, members + 1) ELSE 0 END AS mobile
              FROM (
                SELECT id, staff,
                       CASE WHEN p < 55 THEN 0 WHEN p < 80 THEN 1 + {P}(id, 23, 2)
                            ELSE least(staff, 3 + {P}(id, 24, 10)) END AS members
                FROM (
                  SELECT id, {P}(id, 22, 100) AS p,
                         CASE WHEN {P}(id, 20, 100) < 5 THEN 30 + {P}(id, 21, 200)
                              ELSE 3 + ({P}(id, 29, 26) * {P}(id, 30, 26)) / 26 END AS staff
                  FROM organizations_organization WHERE id > %(before)s AND id <= %(count)s
                ) AS drawn
              ) AS counted
            ) AS org
            CROSS JOIN (VALUES (%(last)s, 1.0), (%(previous)s, 0.9)) AS years(year, factor)
            ON CONFLICT DO NOTHING
            """,
            {"before": before, "count": count, "last": today.year - 1, "previous": today.year - 2},
        )

    run.step("organizations", f"社会组织 {count:,} 家", count, organizations, tables=["organizations_organization"])
    run.step("surveys", "年度摸底调查（两年）", count, surveys)
    run.step(
        "party",
        "党组织与覆盖（含联合党支部）",
        count,
        lambda c, b: _party(c, b, count, district, streets),
        tables=["organizations_partyorganization"],
    )
    run.step(
        "liaisons",
        "联络员与任职",
        count,
        lambda c, b: _liaisons(c, b, count, district, today),
        tables=["organizations_liaison"],
    )


def _tree(cursor, district, streets):
    """区社会组织党委 (1), a 促进会 branch per street (6), one per industry (12): the tiers above the N."""
    cursor.execute(
        """
        INSERT INTO organizations_partyorganization
          (created_at, updated_at, version, name, kind, tier, parent_id, region_id, industry_id, secretary,
           member_count, founded_date, remarks)
        SELECT now(), now(), 1, '中共深圳市龙华区社会组织委员会', 'committee', 'district', NULL, %s, NULL, '', 15,
               date '2018-07-01', ''
        WHERE NOT EXISTS (SELECT 1 FROM organizations_partyorganization WHERE tier = 'district')
        """,
        [district.pk],
    )
    cursor.execute(
        """
        WITH root AS (SELECT id FROM organizations_partyorganization WHERE tier = 'district' ORDER BY id LIMIT 1)
        INSERT INTO organizations_partyorganization
          (created_at, updated_at, version, name, kind, tier, parent_id, region_id, industry_id, secretary,
           member_count, founded_date, remarks)
        SELECT now(), now(), 1, '中共深圳市龙华区' || r.name || '社会组织促进会总支部委员会', 'general_branch', 'area',
               root.id, r.id, NULL, '', 20, date '2019-03-01', ''
        FROM registry_region r, root WHERE r.id = ANY(%(streets)s)
        UNION ALL
        SELECT now(), now(), 1, '中共深圳市龙华区' || i.name || '行业社会组织支部委员会', 'branch', 'sector',
               root.id, %(district)s, i.id, '', 10, date '2019-03-01', ''
        FROM organizations_industry i, root
        ON CONFLICT DO NOTHING
        """,
        {"streets": [s.pk for s in streets], "district": district.pk},
    )


def _organizations_of_run(cursor, before, count) -> None:
    """scale_org: the registered organizations of ids (before, count] with their street and latest survey."""
    cursor.execute(
        """
        CREATE TEMP TABLE scale_org ON COMMIT DROP AS
        SELECT o.id, o.name, o.region_id, o.industry_id,
               CASE WHEN r.level = 'street' THEN r.id ELSE r.parent_id END AS street_id,
               coalesce(s.staff_count, 0) AS staff, coalesce(s.party_member_count, 0) AS members,
               coalesce(s.party_member_count - s.mobile_party_member_count, 0) AS resident
        FROM organizations_organization o
        JOIN registry_region r ON r.id = o.region_id
        LEFT JOIN LATERAL (SELECT * FROM organizations_annualsurvey s WHERE s.organization_id = o.id
                           ORDER BY s.year DESC LIMIT 1) s ON true
        WHERE o.id > %s AND o.id <= %s AND o.status = 'normal'
        """,
        [before, count],
    )


def _party(cursor, before, count, district, streets):
    _tree(cursor, district, streets)
    cursor.execute("SELECT coalesce(max(id), 0) FROM organizations_partyorganization")
    base = cursor.fetchone()[0]
    _organizations_of_run(cursor, before, count)
    # N: their own branch for 3+ resident party members, one in nine left without (应建未建)
    cursor.execute(
        f"""
        CREATE TEMP TABLE scale_own ON COMMIT DROP AS
        SELECT %(base)s + row_number() OVER (ORDER BY o.id) AS party_id, o.*
        FROM scale_org o WHERE o.resident >= 3 AND {P}(o.id, 31, 9) <> 4
        """,
        {"base": base},
    )
    cursor.execute(
        """
        INSERT INTO organizations_partyorganization
          (id, created_at, updated_at, version, name, kind, tier, parent_id, region_id, industry_id, secretary,
           member_count, founded_date, remarks)
        SELECT o.party_id, now(), now(), 1, '中共' || o.name || '支部委员会',
               CASE WHEN o.members >= 50 THEN 'committee' ELSE 'branch' END, 'grassroots',
               CASE WHEN o.id % 3 = 0 THEN sector.id ELSE hub.id END, o.region_id, NULL, '', o.members,
               date '2015-01-01' + (o.id % 3000)::int, ''
        FROM scale_own o
        JOIN organizations_partyorganization hub ON hub.tier = 'area' AND hub.region_id = o.street_id
        LEFT JOIN organizations_partyorganization sector
          ON sector.tier = 'sector' AND sector.industry_id = o.industry_id
        """
    )
    cursor.execute(
        "INSERT INTO organizations_partycoverage (party_organization_id, organization_id) "
        "SELECT party_id, id FROM scale_own"
    )
    # 联合党支部: neighbours of one street with one or two party members, four to a branch; one group in ten left out
    cursor.execute("SELECT coalesce(max(id), 0) FROM organizations_partyorganization")
    base = cursor.fetchone()[0]
    cursor.execute(
        """
        CREATE TEMP TABLE scale_joint ON COMMIT DROP AS
        SELECT id, street_id, members, (row_number() OVER (PARTITION BY street_id ORDER BY id) - 1) / 4 AS grp
        FROM scale_org WHERE members IN (1, 2)
        """
    )
    cursor.execute(
        """
        CREATE TEMP TABLE scale_branch ON COMMIT DROP AS
        WITH earlier AS (  -- a street's branches of earlier runs keep their numbers
          SELECT region_id AS street_id, count(*) AS n FROM organizations_partyorganization
          WHERE kind = 'joint_branch' GROUP BY region_id
        )
        SELECT %(base)s + row_number() OVER (ORDER BY j.street_id, j.grp) AS party_id, j.street_id, j.grp,
               sum(j.members) AS members,
               coalesce(max(earlier.n), 0) + row_number() OVER (PARTITION BY j.street_id ORDER BY j.grp) AS number
        FROM scale_joint j LEFT JOIN earlier USING (street_id) WHERE j.grp %% 10 <> 9
        GROUP BY j.street_id, j.grp
        """,
        {"base": base},
    )
    cursor.execute(
        """
        INSERT INTO organizations_partyorganization
          (id, created_at, updated_at, version, name, kind, tier, parent_id, region_id, industry_id, secretary,
           member_count, founded_date, remarks)
        SELECT b.party_id, now(), now(), 1,
               '中共深圳市龙华区' || r.name || '社会组织第' || b.number || '联合支部委员会',
               'joint_branch', 'grassroots', hub.id, b.street_id, NULL, '', b.members, date '2020-07-01', ''
        FROM scale_branch b
        JOIN registry_region r ON r.id = b.street_id
        JOIN organizations_partyorganization hub ON hub.tier = 'area' AND hub.region_id = b.street_id
        """
    )
    cursor.execute(
        """
        INSERT INTO organizations_partycoverage (party_organization_id, organization_id)
        SELECT b.party_id, j.id FROM scale_joint j JOIN scale_branch b USING (street_id, grp)
        """
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('organizations_partyorganization', 'id'), max(id)) "
        "FROM organizations_partyorganization"
    )


def _liaisons(cursor, before, count, district, today):
    start = today.replace(year=today.year - 1, month=3, day=1)
    _organizations_of_run(cursor, before, count)
    cursor.execute(
        """
        CREATE TEMP TABLE scale_cov ON COMMIT DROP AS
        SELECT o.id, o.name, o.street_id, o.staff,
               EXISTS (SELECT 1 FROM organizations_partycoverage c WHERE c.organization_id = o.id) AS covered,
               EXISTS (SELECT 1 FROM organizations_partycoverage c JOIN organizations_partyorganization p
                         ON p.id = c.party_organization_id
                       WHERE c.organization_id = o.id AND p.kind <> 'joint_branch') AS own
        FROM scale_org o
        """
    )
    # one row per assignment: a person of the organization's own, or a shared instructor (numbered apart)
    cursor.execute(
        f"""
        CREATE TEMP TABLE scale_plan ON COMMIT DROP AS
        SELECT id, name, street_id, role, row_number() OVER (ORDER BY id, role) AS person FROM (
          SELECT id, name, street_id, 'uf_member' AS role FROM scale_cov WHERE own AND {P}(id, 40, 7) <> 3
          UNION ALL
          SELECT id, name, NULL, 'instructor' FROM scale_cov WHERE staff >= 30 AND {P}(id, 41, 10) <> 0
          UNION ALL
          SELECT id, name, street_id, CASE WHEN {P}(id, 43, 2) = 0 THEN 'party_liaison' ELSE 'uf_liaison' END
          FROM scale_cov WHERE NOT covered AND staff < 30 AND {P}(id, 42, 100) >= 35 AND {P}(id, 44, 3) <> 0
        ) AS own_people
        """
    )
    cursor.execute(
        f"""
        CREATE TEMP TABLE scale_guided ON COMMIT DROP AS
        SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
        FROM scale_cov WHERE NOT covered AND staff < 30 AND {P}(id, 42, 100) < 35
        """
    )
    loads = INSTRUCTOR_LOADS
    slot = [index for index, load in enumerate(loads) for _ in range(load)]  # position in a cycle → instructor
    cursor.execute("SELECT coalesce(max(id), 0), (SELECT count(*) FROM scale_plan) FROM organizations_liaison")
    base, own_people = cursor.fetchone()
    params = {
        "base": base,
        "own": own_people,
        "cycle": len(slot),
        "slot": slot,
        "per_cycle": len(loads),
        "district": district.pk,
        "start": start,
        "ended": today.replace(day=1),
    }
    cursor.execute(
        f"""
        ALTER TABLE scale_guided ADD COLUMN person bigint;
        UPDATE scale_guided SET person = %(own)s + 1 + (n / %(cycle)s) * %(per_cycle)s
                                         + (%(slot)s::int[])[1 + n %% %(cycle)s];
        INSERT INTO organizations_liaison
          (id, created_at, updated_at, version, name, name_initials, gender, mobile, work_unit, post,
           is_party_member, region_id, remarks)
        SELECT %(base)s + person, now(), now(), 1, name, '', gender,
               '13' || lpad((%(base)s + person)::text, 9, '0'), unit, post, true, region, ''
        FROM (
          SELECT person, coalesce(street_id, %(district)s) AS region,
                 CASE WHEN role = 'instructor' THEN '深圳市龙华区民政局' ELSE name END AS unit,
                 CASE role WHEN 'instructor' THEN '专职党建指导员' WHEN 'uf_member' THEN '党支部委员、统战委员'
                           ELSE '办公室主任' END AS post
          FROM scale_plan
          UNION ALL
          SELECT DISTINCT person, %(district)s::bigint, '中共深圳市龙华区委组织部', '党建指导员' FROM scale_guided
        ) AS people
        CROSS JOIN LATERAL (
          SELECT (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭','何','林'])
                   [1 + {P}(person, 45, 18)]
                 || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','华'])
                   [1 + {P}(person, 46, 18)] AS name,
                 CASE WHEN {P}(person, 47, 2) = 0 THEN 'male' ELSE 'female' END AS gender
        ) AS drawn;
        INSERT INTO organizations_assignment
          (created_at, updated_at, version, liaison_id, organization_id, role, start_date, end_date, remarks)
        SELECT now(), now(), 1, %(base)s + person, id, role, %(start)s,
               CASE WHEN role = 'party_liaison' AND {P}(id, 48, 50) = 0 THEN %(ended)s::date END, ''
        FROM scale_plan
        UNION ALL
        SELECT now(), now(), 1, %(base)s + person, id, 'instructor', %(start)s, NULL, '' FROM scale_guided;
        """,
        params,
    )
    # the people's initials, as Liaison.save stores them (a few hundred distinct names)
    cursor.execute("SELECT DISTINCT name FROM organizations_liaison WHERE id > %s", [base])
    names = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "UPDATE organizations_liaison l SET name_initials = v.initials "
        "FROM unnest(%s::text[], %s::text[]) AS v(name, initials) WHERE l.id > %s AND l.name = v.name",
        [names, [name_initials(n, max_length=100) for n in names], base],
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('organizations_liaison', 'id'), max(id)) FROM organizations_liaison"
    )


def refresh_precomputed_coverage(run) -> None:
    """The load ran with the triggers off: compute the stored coverage (CoverageState, tallies) once, set-based."""
    import time

    from . import coverage_state

    started = time.perf_counter()
    coverage_state.refresh_coverage(None)
    coverage_state.rebuild_tally()
    run.timings.append(("预计算覆盖表", time.perf_counter() - started))
    run.say(f"  预计算覆盖表：{time.perf_counter() - started:.1f} 秒")

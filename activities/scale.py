"""Activities at scale for ``manage.py generate_data``: set-based SQL over the generated organizations.

Each activity is organized by one registered organization (every third with a partner of the same
street), held in its organizer's region, starting between 2020-01-01 and the end of the current year
(later ones 计划中, one in 25 取消), half with a theme; a held activity names 0–3 representatives as
participants (distinct, hours within its duration), so the figures' 人次 stays above the named people.
Row ids are the generated numbers.
"""

from django.utils import timezone

from registry.scale import HASH_SQL

from .demo import THEMES
from .models import ActivityTheme

P = HASH_SQL
FIRST_DAY = "2020-01-01"


def generate_activities(run, count: int) -> None:
    for order, name in enumerate(THEMES, start=1):
        ActivityTheme.objects.get_or_create(name=name, defaults={"sort_order": order * 10, "is_active": True})
    today = timezone.localdate()
    days = (today.replace(month=12, day=31) - today.replace(year=2020, month=1, day=1)).days + 1

    def activities(cursor, before):
        # the organizers: registered organizations numbered overall and within their street
        cursor.execute(
            """
            CREATE TEMP TABLE scale_organizer ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY o.id) AS n, o.id, o.region_id,
                   CASE WHEN r.level = 'street' THEN r.id ELSE r.parent_id END AS street_id,
                   row_number() OVER (PARTITION BY CASE WHEN r.level = 'street' THEN r.id ELSE r.parent_id END
                                      ORDER BY o.id) AS k
            FROM organizations_organization o JOIN registry_region r ON r.id = o.region_id
            WHERE o.status = 'normal';
            CREATE UNIQUE INDEX ON scale_organizer (n);
            CREATE UNIQUE INDEX ON scale_organizer (street_id, k);
            ANALYZE scale_organizer;
            """
        )
        cursor.execute("SELECT count(*) FROM scale_organizer")
        organizers = cursor.fetchone()[0]
        if not organizers:
            raise RuntimeError("没有可作为组织单位的社会组织：请先生成社会组织。")
        params = {"start": before + 1, "stop": count, "first": FIRST_DAY, "days": days, "organizers": organizers}
        cursor.execute(
            f"""
            CREATE TEMP TABLE scale_activity ON COMMIT DROP AS
            SELECT i AS id, o.id AS organizer, o.region_id, o.street_id, o.k
            FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i
            JOIN scale_organizer o ON o.n = 1 + {P}(i, 80, %(organizers)s);
            INSERT INTO activities_activity
              (id, created_at, updated_at, version, title, kind, party_day_kind, status, start_at, end_at, place,
               description, headcount, service_hours, beneficiaries, donation_amount, goods_value, region_id,
               team_id, venue_id)
            SELECT a.id, least(starts, now()), least(starts, now()), 1,
                   (ARRAY['核酸检测点秩序维护','关爱独居长者上门探访','四点半课堂','社区环境清洁行动','普法宣传进社区',
                          '义诊进社区','垃圾分类宣传督导','困难家庭走访慰问','加装电梯协商','社区食堂运营'])
                     [1 + {P}(a.id, 81, 10)],
                   kind, CASE WHEN kind = 'party_day' THEN 'council' ELSE '' END,
                   CASE WHEN {P}(a.id, 82, 25) = 0 THEN 'cancelled' WHEN starts > now() THEN 'planned' ELSE 'held' END,
                   starts, starts + (hours || ' hours')::interval, '党群服务中心', '',
                   headcount, headcount * hours, headcount * 5,
                   CASE WHEN {P}(a.id, 83, 3) = 0 THEN {P}(a.id, 84, 500) * 100 ELSE 0 END,
                   CASE WHEN {P}(a.id, 85, 7) = 0 THEN {P}(a.id, 86, 300) * 100 ELSE 0 END,
                   a.region_id, NULL, NULL
            FROM scale_activity a
            CROSS JOIN LATERAL (
              SELECT (ARRAY['volunteer','volunteer','volunteer','volunteer','party_day','lecture','research_day',
                            'base_service','training','briefing'])[1 + {P}(a.id, 87, 10)] AS kind,
                     (%(first)s::date + {P}(a.id, 88, %(days)s)::int)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       + ((8 + {P}(a.id, 89, 10)) || ' hours')::interval AS starts,
                     2 + {P}(a.id, 90, 5) AS hours,
                     10 + {P}(a.id, 91, 190) AS headcount
            ) AS drawn;
            """,
            params,
        )
        run.set_sequence(cursor, "activities_activity")
        cursor.execute(
            f"""
            INSERT INTO activities_activity_organizations (activity_id, organization_id)
            WITH street AS (SELECT street_id, max(k) AS size FROM scale_organizer GROUP BY street_id)
            SELECT id, organizer FROM scale_activity
            UNION  -- every third has a partner from the same street
            SELECT a.id, p.id FROM scale_activity a
              JOIN street s ON s.street_id = a.street_id
              JOIN scale_organizer p ON p.street_id = a.street_id AND p.k = 1 + (a.k + {P}(a.id, 92, 50)) %% s.size
            WHERE a.id %% 3 = 0
            ON CONFLICT DO NOTHING;
            INSERT INTO activities_activity_covered_regions (activity_id, region_id)
            SELECT id, region_id FROM scale_activity;
            INSERT INTO activities_activity_themes (activity_id, activitytheme_id)
            SELECT a.id, (%(themes)s::bigint[])[1 + {P}(a.id, 93, %(nt)s)]
            FROM scale_activity a WHERE {P}(a.id, 94, 2) = 0;
            """,
            {"themes": list(ActivityTheme.objects.order_by("pk").values_list("pk", flat=True)), "nt": len(THEMES)},
        )
        # named participants: 0–3 distinct representatives of each held activity, in the pool's order
        cursor.execute("SELECT coalesce(max(id), 0) FROM talents_representative")
        people = cursor.fetchone()[0]
        if people:
            cursor.execute(
                f"""
                INSERT INTO activities_participation
                  (created_at, updated_at, version, name, role, hours, remarks, activity_id, representative_id)
                SELECT now(), now(), 1, r.name,
                       CASE WHEN slot = 1 THEN 'organizer' ELSE 'volunteer' END,
                       least(2, extract(epoch FROM act.end_at - act.start_at) / 3600), '', act.id, r.id
                FROM activities_activity act
                CROSS JOIN LATERAL generate_series(1, {P}(act.id, 95, 4)::int) AS slot
                JOIN talents_representative r
                  ON r.id = 1 + ({P}(act.id, 96, %(people)s) + (slot - 1) * 7919) %% %(people)s
                WHERE act.id >= %(start)s AND act.id <= %(stop)s AND act.status = 'held'
                  AND r.merged_into_id IS NULL
                ON CONFLICT DO NOTHING
                """,
                {"people": people, "start": before + 1, "stop": count},
            )

    run.step(
        "activities",
        f"活动 {count:,} 条（组织单位、服务区域、主题、参与人员）",
        count,
        activities,
        tables=["activities_activity"],
    )

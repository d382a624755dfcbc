"""Representatives at scale for ``manage.py generate_data``: set-based SQL, stored as the model stores them.

ID numbers are real-shaped (area 440309, a birth date, a sequence whose parity is the gender, the
GB 11643 check character) and unique; birth date and gender agree with them, as ``clean`` demands.
Mobiles and ID numbers are stored in clear (registry.personal masks them on the way out), indexed as
the model's Meta says. Pool status in demo proportions (40% 候选, 45% 入库, 10% 重点联系对象, 5% 退出) with
a StatusChange row for each change; specialties (and their copied ``specialty_names``); 15% in a
service group. Row ids are the generated numbers.
"""

from registry.choices import RegionLevel
from registry.demo import DISTRICT
from registry.models import Region
from registry.scale import HASH_SQL
from registry.search import pinyin_initials

from .demo import FEMALE_GIVEN, MALE_GIVEN, SPECIALTIES, SURNAMES
from .models import ServiceGroup, Specialty

P = HASH_SQL
GROUPS = [
    ("公益服务组", "functional"),
    ("法律服务组", "functional"),
    ("心理援助组", "functional"),
    ("龙华区社会组织党员百姓讲师团", "lecturers"),
    ("龙华区新的社会阶层人士联合会社会组织代表人士分会", "association_branch"),
]
BIRTH_DAYS = 16_000  # birth dates spread over 1960-01-01 + 16,000 days (to 2003)


def generate_representatives(run, count: int, organizations: int) -> None:
    district = Region.objects.get(code=DISTRICT[0])
    communities = list(
        Region.objects.filter(path__startswith=district.path, level=RegionLevel.COMMUNITY)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    for order, name in enumerate(SPECIALTIES, start=1):
        Specialty.objects.get_or_create(name=name, defaults={"sort_order": order})
    for name, kind in GROUPS:
        ServiceGroup.objects.get_or_create(name=name, defaults={"kind": kind, "region": district})
    specialties = list(Specialty.objects.order_by("sort_order", "pk").values_list("pk", "name"))
    groups = list(ServiceGroup.objects.order_by("pk").values_list("pk", flat=True))
    surnames = sorted(set(SURNAMES))

    def people(cursor, before):
        cursor.execute(
            f"""
            INSERT INTO talents_representative
              (id, created_at, updated_at, version, name, name_initials, gender, ethnicity, birth_date, id_number,
               mobile, political_affiliation, education, title, organization_id, organization_name, position, stratum,
               discovery_channel, status, level, status_date, remarks, merged_into_id, region_id, specialty_names)
            SELECT i, stamp, stamp, 1,
                   (%(surnames)s::text[])[ks]
                     || (CASE WHEN male THEN %(male)s::text[] ELSE %(female)s::text[] END)[kg1]
                     || coalesce((CASE WHEN male THEN %(male)s::text[] ELSE %(female)s::text[] END)[kg2], ''),
                   (%(surname_initials)s::text[])[ks]
                     || (CASE WHEN male THEN %(male_initials)s::text[] ELSE %(female_initials)s::text[] END)[kg1]
                     || coalesce((CASE WHEN male THEN %(male_initials)s::text[]
                                  ELSE %(female_initials)s::text[] END)[kg2], ''),
                   CASE WHEN male THEN 'male' ELSE 'female' END,
                   CASE WHEN {P}(i, 51, 20) = 0 THEN '03' ELSE '01' END, born,
                   CASE WHEN {P}(i, 52, 10) = 0 THEN '' ELSE pg_temp.id_number(
                     '440309' || to_char(born, 'YYYYMMDD')
                     || lpad((((i - 1) / {BIRTH_DAYS}) * 2 + CASE WHEN male THEN 1 ELSE 0 END)::text, 3, '0'))
                   END,
                   CASE WHEN {P}(i, 53, 7) = 0 THEN ''
                        ELSE '1' || (3 + {P}(i, 54, 7)) || lpad({P}(i, 55, 1000000000)::text, 9, '0') END,
                   (ARRAY['masses','masses','masses','masses','masses','cpc','cpc','cpc','cdl','non_party','jiusan',
                          'capd'])[1 + {P}(i, 56, 12)],
                   (ARRAY['doctorate','master','master','bachelor','bachelor','bachelor','college','secondary'])
                     [1 + {P}(i, 57, 8)],
                   (ARRAY['', '', '高级社会工作师', '律师', '主治医师', '社会工作师'])[1 + {P}(i, 58, 6)],
                   org, CASE WHEN org IS NULL THEN '深圳市龙华区' || (ARRAY['星河律师事务所','华智科技有限公司',
                          '同创会计师事务所','龙华日报社'])[1 + {P}(i, 59, 4)] ELSE '' END,
                   (ARRAY['理事长','秘书长','副理事长','主任','合伙人','项目主管'])[1 + {P}(i, 60, 6)],
                   CASE WHEN org IS NULL THEN (ARRAY['enterprise','intermediary','new_media','freelance'])
                     [1 + {P}(i, 61, 4)] ELSE 'social_org' END,
                   (ARRAY['award','influence','recommendation','recommendation','venture','other'])[1 + {P}(i, 62, 6)],
                   status, CASE WHEN status IN ('admitted', 'key_contact')
                                THEN CASE WHEN {P}(i, 63, 5) = 0 THEN 'city' ELSE 'district' END ELSE '' END,
                   CASE WHEN status = 'candidate' THEN NULL ELSE date '2018-01-01' + {P}(i, 64, 2500)::int END,
                   '', NULL, (%(communities)s::bigint[])[1 + {P}(i, 65, %(nc)s)],
                   coalesce((%(specialty_names)s::text[])[specialty], '')
            FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i
            CROSS JOIN LATERAL (
              SELECT {P}(i, 50, 2) = 1 AS male,
                     date '1960-01-01' + ((i * 7919) %% {BIRTH_DAYS})::int AS born,
                     now() - ({P}(i, 66, 1000000) || ' minutes')::interval AS stamp,
                     CASE WHEN {P}(i, 67, 5) < 3 THEN 1 + {P}(i, 68, %(organizations)s) END AS org,
                     CASE WHEN {P}(i, 69, 2) = 0 THEN 1 + {P}(i, 70, %(ns)s)::int END AS specialty,
                     CASE WHEN p < 40 THEN 'candidate' WHEN p < 85 THEN 'admitted' WHEN p < 95 THEN 'key_contact'
                          ELSE 'withdrawn' END AS status,
                     1 + {P}(i, 72, %(nsur)s) AS ks, 1 + {P}(i, 73, %(ngiven)s) AS kg1,
                     CASE WHEN {P}(i, 75, 3) > 0 THEN 1 + {P}(i, 74, %(ngiven)s) END AS kg2
              FROM (SELECT {P}(i, 71, 100) AS p) AS drawn
            ) AS row
            """,
            {
                "start": before + 1,
                "stop": count,
                "communities": communities,
                "nc": len(communities),
                "organizations": max(organizations, 1),
                "specialty_names": [name for _, name in specialties],
                "ns": len(specialties),
                "surnames": surnames,
                "surname_initials": [pinyin_initials(s) for s in surnames],
                "nsur": len(surnames),
                "male": list(MALE_GIVEN),
                "male_initials": [pinyin_initials(c) for c in MALE_GIVEN],
                "female": list(FEMALE_GIVEN),
                "female_initials": [pinyin_initials(c) for c in FEMALE_GIVEN],
                "ngiven": min(len(MALE_GIVEN), len(FEMALE_GIVEN)),
            },
        )
        if not organizations:
            cursor.execute("UPDATE talents_representative SET organization_id = NULL WHERE id > %s", [before])
        run.set_sequence(cursor, "talents_representative")
        cursor.execute(
            """
            INSERT INTO talents_representative_specialties (representative_id, specialty_id)
            SELECT r.id, s.id FROM talents_representative r JOIN talents_specialty s ON s.name = r.specialty_names
            WHERE r.id > %s AND r.id <= %s
            """,
            [before, count],
        )
        cursor.execute(
            """
            INSERT INTO talents_statuschange (representative_id, from_status, to_status, level, changed_on, note,
                                              created_at, changed_by_id)
            SELECT id, 'candidate', status, level, status_date, '', now(), NULL FROM talents_representative
            WHERE id > %s AND id <= %s AND status <> 'candidate'
            """,
            [before, count],
        )
        cursor.execute(
            f"""
            INSERT INTO talents_membership
              (created_at, updated_at, version, role, joined_on, left_on, note, representative_id, group_id)
            SELECT now(), now(), 1, CASE WHEN {P}(id, 76, 20) = 0 THEN 'council' ELSE 'member' END,
                   greatest(status_date, date '2019-07-01'), NULL, '', id,
                   (%(groups)s::bigint[])[1 + {P}(id, 77, %(ng)s)]
            FROM talents_representative
            WHERE id > %(before)s AND id <= %(count)s AND status IN ('admitted', 'key_contact')
              AND {P}(id, 78, 100) < 27
            """,
            {"groups": groups, "ng": len(groups), "before": before, "count": count},
        )

    run.step(
        "representatives",
        f"代表人士 {count:,} 人（状态、特长、服务小组）",
        count,
        people,
        tables=["talents_representative"],
    )

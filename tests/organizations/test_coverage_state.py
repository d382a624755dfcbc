"""The stored coverage (CoverageState, CoverageTally) never disagrees with a full recomputation, whoever writes."""

import datetime
import random

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from organizations import coverage, coverage_state, services
from organizations.models import (
    AnnualSurvey,
    Assignment,
    CoverageState,
    CoverageTally,
    Liaison,
    Organization,
    PartyOrganization,
)
from tests.factories import AssignmentFactory, LiaisonFactory, OrganizationFactory, SurveyFactory
from tests.importing import commit, upload, xlsx
from tests.organizations.test_imports import ORGANIZATION, code, organization_row

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def database_clock(db):
    """The triggers date their rows by the test's clock, not the machine's (reset with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('tongxinku.today', %s, false)", [timezone.localdate().isoformat()])


def assert_true_to_the_inputs():
    assert coverage_state.disagreements() == []


@pytest.mark.dates
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_through_every_path_keep_the_rows_true(
    seed, database_clock, client, district_orgs, tree, district_admin, superuser
):
    """Services, the API, the admin, the Excel import, queryset updates and deletes, in a random order."""
    rng = random.Random(seed)
    today = timezone.localdate()
    regions = [tree[key] for key in ("community_a1", "community_a2", "community_b1", "community_b2", "street_a")]
    instructors = list(Assignment.objects.filter(role="instructor").values_list("liaison", flat=True).distinct())
    imported = iter(range(1, 100))

    def organizations():
        return list(Organization.objects.order_by("pk"))

    def service_update():
        org = rng.choice(organizations())
        data = rng.choice([{"status": rng.choice(["normal", "deregistered"])}, {"region": rng.choice(regions)}])
        services.organization_update(user=district_admin, instance=org, data=data)

    def service_survey():
        org = rng.choice(organizations())
        party = rng.randrange(0, 6)
        services.survey_save(
            user=district_admin,
            organization=org,
            year=today.year,
            data={
                "staff_count": rng.choice([1, 29, 30, 45]),
                "party_member_count": party,
                "mobile_party_member_count": rng.randrange(0, party + 1),
            },
        )

    def service_assign():
        liaison = (
            Liaison.objects.get(pk=rng.choice(instructors))
            if rng.random() < 0.5
            else LiaisonFactory(region=tree["district"])
        )
        role = rng.choice(["instructor", "uf_member", "uf_liaison", "party_liaison", "party_worker"])
        start = today - datetime.timedelta(days=rng.choice([0, 1, 30]))
        services.assignment_create(
            user=district_admin,
            data={
                "liaison": liaison,
                "organization": rng.choice(organizations()),
                "role": role,
                "start_date": start,
                "end_date": rng.choice([None, today, today + datetime.timedelta(days=3)]),
            },
        )

    def service_end_assignment():
        assignment = Assignment.objects.order_by("?").first()
        if assignment:
            end = max(assignment.start_date, today - datetime.timedelta(days=1))
            services.assignment_end(user=district_admin, instance=assignment, end_date=end)

    def api_update():
        org = rng.choice(organizations())
        client.force_login(district_admin)
        response = client.patch(
            f"/api/v1/organizations/organizations/{org.pk}/",
            {"industry": rng.choice([None, org.industry_id]), "status": "normal"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    def admin_party_kind():
        party = PartyOrganization.objects.exclude(tier="district").order_by("?").first()
        client.force_login(superuser)
        kind = "joint_branch" if party.kind != "joint_branch" else "branch"
        # the admin's list action path: a queryset update, as a bulk admin change writes
        PartyOrganization.objects.filter(pk=party.pk).update(kind=kind)

    def admin_delete_organization():
        org = rng.choice(organizations())
        client.force_login(superuser)
        response = client.post(f"/admin/organizations/organization/{org.pk}/delete/", {"post": "yes"})
        assert response.status_code in (200, 302)

    def bulk_surveys():
        # the import's bulk path: one INSERT of many rows, no save() and no signal
        year = today.year + 1
        AnnualSurvey.objects.bulk_create(
            [
                AnnualSurvey(organization=org, year=year, staff_count=31, party_member_count=3)
                for org in rng.sample(organizations(), 3)
                if not AnnualSurvey.objects.filter(organization=org, year=year).exists()
            ]
        )

    def bulk_delete_assignments():
        Assignment.objects.filter(pk__in=Assignment.objects.order_by("?").values("pk")[:3]).delete()

    def excel_import():
        client.force_login(district_admin)
        n = next(imported)
        row = organization_row(n, 所属区域=rng.choice(["民治1社区", "民治2社区"]), 正式党员数=rng.randrange(0, 5))
        row["流动党员数"] = 0
        record = commit(client, upload(client, ORGANIZATION, xlsx(ORGANIZATION, [row])))
        assert record.status == "done", record.message
        assert Organization.objects.filter(credit_code=code(n)).exists()

    actions = [
        service_update,
        service_survey,
        service_assign,
        service_end_assignment,
        api_update,
        admin_party_kind,
        admin_delete_organization,
        bulk_surveys,
        bulk_delete_assignments,
        excel_import,
    ]
    for _ in range(25):
        rng.choice(actions)()
        assert_true_to_the_inputs()
    # and the pages read them as of today
    assert coverage.as_of() is None
    assert_true_to_the_inputs()


def test_an_assignment_ending_yesterday_is_seen_the_next_day(district_admin, tree):
    """O_a (40 staff) and O_b share instructor L; L's assignment at O_b ends today. Tomorrow L guides O_a
    alone: O_b is no longer work-covered and O_a has its 1:1 instructor — both by the daily roll-over."""
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    with time_machine.travel(datetime.datetime(2026, 6, 10, 10, 0, tzinfo=shanghai), tick=False):
        today = timezone.localdate()
        large = OrganizationFactory(name="大组织", region=tree["community_a1"])
        small = OrganizationFactory(name="小组织", region=tree["community_a1"])
        SurveyFactory(organization=large, year=2025, staff_count=40)
        liaison = LiaisonFactory(region=tree["district"])
        start = datetime.date(2026, 1, 1)
        AssignmentFactory(liaison=liaison, organization=large, role="instructor", start_date=start)
        AssignmentFactory(liaison=liaison, organization=small, role="instructor", start_date=start, end_date=today)
        coverage_state.refresh_coverage([large.pk, small.pk])  # the triggers dated them by the database's clock
        rows = {s.organization_id: s for s in CoverageState.objects.filter(pk__in=[large.pk, small.pk])}
        assert rows[small.pk].work_covered and rows[large.pk].breaks_large_without_instructor

    with time_machine.travel(datetime.datetime(2026, 6, 11, 0, 5, tzinfo=shanghai), tick=False):
        assert timezone.localdate() == datetime.date(2026, 6, 11)
        before = CoverageState.objects.get(pk=small.pk)
        assert before.computed_on == datetime.date(2026, 6, 10) and before.work_covered  # yesterday's facts
        result = coverage_state.roll_over()
        assert result["recomputed"] == 2  # O_b's assignment ended; O_a shares its instructor
        rows = {s.organization_id: s for s in CoverageState.objects.filter(pk__in=[large.pk, small.pk])}
        assert not rows[small.pk].work_covered and rows[small.pk].breaks_work_uncovered
        assert rows[large.pk].has_dedicated_instructor and not rows[large.pk].breaks_large_without_instructor
        assert {row.computed_on for row in CoverageState.objects.all()} == {datetime.date(2026, 6, 11)}
        assert_true_to_the_inputs()
        uncovered = [org.name for org in coverage.uncovered_organizations(user=district_admin)]
        assert uncovered == ["小组织"]


def test_many_stale_rows_wait_for_the_daily_task_and_the_page_says_so(
    client, district_orgs, district_admin, monkeypatch
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CoverageState.objects.update(computed_on=yesterday)
    monkeypatch.setattr(coverage_state, "STALE_REFRESH_LIMIT", 5)  # the district has 20 registered organizations
    client.force_login(district_admin)
    body = client.get("/organizations/coverage/").content.decode()
    assert f"覆盖数据截至 {yesterday.year}年{yesterday.month}月{yesterday.day}日" in body
    call_command("refresh_coverage")
    body = client.get("/organizations/coverage/").content.decode()
    assert "覆盖数据截至" not in body
    assert set(CoverageState.objects.values_list("computed_on", flat=True)) == {timezone.localdate()}


def test_check_coverage_reports_a_wrong_row_exits_non_zero_and_fixes_it(district_orgs, capsys):
    call_command("check_coverage")
    assert "全部一致" in capsys.readouterr().out
    org = district_orgs["orgs"]["O6"]
    # a row written wrong behind the triggers' back, and an organization loaded with the triggers off
    CoverageState.objects.filter(pk=org.pk).update(has_work_liaison=True)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            loaded = OrganizationFactory(region=district_orgs["orgs"]["O1"].region)
        finally:
            cursor.execute("SET session_replication_role = origin")
    assert not CoverageState.objects.filter(pk=loaded.pk).exists()
    with pytest.raises(CommandError, match="处不一致"):
        call_command("check_coverage")
    out = capsys.readouterr().out
    assert f"社会组织 {org.pk}" in out and "has_work_liaison 存储为 True，应为 False" in out
    assert f"社会组织 {loaded.pk}：row 存储为 缺少" in out
    call_command("check_coverage", "--fix")
    assert "现已全部一致" in capsys.readouterr().out
    assert_true_to_the_inputs()


def test_the_tally_follows_every_row(district_orgs):
    """CoverageTally is the sum of the rows after creates, moves and deletes."""
    org = district_orgs["orgs"]["O6"]
    # the ORM paths every service, admin action and import ends in
    Organization.objects.filter(pk=org.pk).update(region=district_orgs["orgs"]["O8"].region)
    district_orgs["orgs"]["O10"].delete()
    OrganizationFactory(region=district_orgs["orgs"]["O1"].region)
    assert coverage_state.tally_disagreements() == []
    total = sum(CoverageTally.objects.filter(status="normal").values_list("organizations", flat=True))
    assert total == Organization.objects.filter(status="normal").count()

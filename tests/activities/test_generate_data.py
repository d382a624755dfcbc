"""manage.py generate_data: valid rows in realistic proportions, resumable, never into the demo's database."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from activities.models import Activity, Participation
from activities.scale import generate_activities
from organizations.coverage import INSTRUCTOR_MAX, INSTRUCTOR_MIN
from organizations.models import Assignment, Liaison, Organization, PartyCoverage, PartyOrganization
from organizations.scale import generate_organizations
from registry.demo import build_accounts, build_regions
from registry.scale import Run, prepare_state
from registry.search import name_initials
from talents.models import Representative
from talents.scale import generate_representatives

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    build_regions()
    build_accounts()
    prepare_state()
    run = Run()
    generate_organizations(run, 3000)
    generate_representatives(run, 400, 3000)
    generate_activities(run, 600)
    return run


def test_rows_pass_the_models_own_checks(generated):
    for model in (Organization, PartyOrganization, Liaison, Assignment, Representative, Activity, Participation):
        rows = list(model.objects.order_by("pk")[:: max(1, model.objects.count() // 40)])
        assert rows, model
        for row in rows:
            row.full_clean()  # credit codes and ID numbers with their check characters, dates, choices
    for organization in Organization.objects.order_by("pk")[::97]:
        assert organization.name_initials == name_initials(organization.name)
    for person in Representative.objects.order_by("pk")[::37]:
        assert person.name_initials == name_initials(person.name, max_length=100)


def test_proportions_follow_the_coverage_rules(generated):
    normal = Organization.objects.filter(status="normal").count()
    covered = PartyCoverage.objects.values("organization").distinct().count()
    assert 0.25 < covered / normal < 0.45  # about a third covered by a party organization
    assert PartyOrganization.objects.filter(kind="joint_branch").annotate(n=Count("coverages")).filter(n=4).exists()
    loads = instructor_loads()
    assert loads[1] > 0  # 1:1 instructors of the 30+-staff organizations
    shared = {load: count for load, count in loads.items() if load > 1}
    within = sum(count for load, count in shared.items() if INSTRUCTOR_MIN <= load <= INSTRUCTOR_MAX)
    assert within > 0.7 * sum(shared.values())  # most guide 5–10 …
    assert any(load > INSTRUCTOR_MAX for load in loads)  # … some break the rule
    assert any(1 < load < INSTRUCTOR_MIN for load in loads)
    assert Representative.objects.filter(status="admitted").exclude(level="").exists()
    assert Participation.objects.filter(activity__status="held").exists()
    assert not Participation.objects.exclude(activity__status="held").exists()


def instructor_loads():
    guided = (
        Assignment.objects.filter(role="instructor")
        .values("liaison")
        .annotate(n=Count("organization"))
        .values_list("n", flat=True)
    )
    loads = {}
    for n in guided:
        loads[n] = loads.get(n, 0) + 1
    return loads


def test_a_second_run_adds_nothing_and_a_larger_one_tops_up(generated):
    counts = {m: m.objects.count() for m in (Organization, PartyCoverage, Assignment, Representative, Activity)}
    run = Run()
    generate_organizations(run, 3000)
    generate_representatives(run, 400, 3000)
    generate_activities(run, 600)
    assert {m: m.objects.count() for m in counts} == counts
    generate_organizations(run, 3500)
    assert Organization.objects.count() == 3500
    assert PartyCoverage.objects.filter(organization__pk__gt=3000).exists()
    assert Organization.objects.filter(pk__gt=3000, surveys__isnull=True).count() == 0


def test_the_command_refuses_the_default_database():
    with pytest.raises(CommandError, match="拒绝写入"):
        call_command("generate_data", database="tongxinku", organizations=1, representatives=1, activities=0)

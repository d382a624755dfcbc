"""Exact query-count pins: every list page, API list endpoint and export costs as many queries at 3N rows as at N.

The endpoints are found by walking the URL configuration (``<app>:<model>_list``/``_export`` and the
DRF routers' ``<basename>-list``), so a new list is pinned the day it is added: it needs only a row
maker below. Each row comes with its related rows (surveys, coverage, assignments, specialties,
attendees…) so that a table cell, serializer field or export column reading them shows up as a
query per row.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from registry.models import AccessLog, ExportJob, ImportRecord, Region
from tests.factories import (
    AssignmentFactory,
    ConsultationFactory,
    DecisionFactory,
    DepartmentFactory,
    EvaluationFactory,
    IndustryFactory,
    LiaisonFactory,
    MeetingFactory,
    MembershipFactory,
    NominationFactory,
    OpinionCategoryFactory,
    OpinionFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    ProposalFactory,
    RegionFactory,
    RepresentativeFactory,
    ServiceGroupFactory,
    SpecialtyFactory,
    SurveyFactory,
    TrainingFactory,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

N = 2
_serial = itertools.count(1)


# ---- one row of each model, with the related rows its list shows ----
def _activity_theme():
    from activities.models import ActivityTheme

    return ActivityTheme.objects.create(name=f"活动主题{next(_serial)}", sort_order=next(_serial))


def _organization(tree):
    organization = OrganizationFactory(region=tree["community_a1"], industry=IndustryFactory())
    SurveyFactory(organization=organization, year=2025)
    PartyOrganizationFactory(region=tree["community_a1"], covers=[organization])
    AssignmentFactory(organization=organization, liaison=LiaisonFactory(region=tree["street_a"]))
    return organization


def _party_organization(tree):
    from organizations.models import Pairing

    party = PartyOrganizationFactory(
        region=tree["community_a1"], industry=IndustryFactory(), covers=[_organization(tree), _organization(tree)]
    )
    Pairing.objects.create(
        party_organization=party, partner_name="结对单位党支部", partner_kind="other", since=datetime.date(2024, 1, 1)
    )
    return party


def _liaison(tree):
    liaison = LiaisonFactory(region=tree["street_a"])
    AssignmentFactory(liaison=liaison, organization=_organization(tree))
    return liaison


def _activity(tree):
    from tests.factories import ActivityFactory, ActivityThemeFactory, ParticipationFactory

    activity = ActivityFactory(
        region=tree["street_a"],
        organizations=[_organization(tree)],
        themes=[ActivityThemeFactory(name="乡村振兴")],
    )
    activity.covered_regions.set([tree["community_a1"]])
    ParticipationFactory(activity=activity, representative=_representative(tree))
    ParticipationFactory(activity=activity)
    return activity


def _proposal(tree):
    consultation = ConsultationFactory(region=tree["street_a"])
    item = ProposalFactory(region=tree["street_a"], consultation=consultation)
    item.proposers.set([_representative(tree)])
    item.co_departments.set([DepartmentFactory()])
    return item


def _opinion(tree):
    return OpinionFactory(region=tree["community_a1"], reporter=_representative(tree))


def _decision(tree):
    return DecisionFactory(region=tree["street_a"], meeting=MeetingFactory(region=tree["street_a"]))


def _venue(tree):
    from organizations.models import Venue

    return Venue.objects.create(
        name=f"统战服务驿站{next(_serial)}",
        kind="station",
        level="town",
        region=tree["community_a1"],
        operating_organization=_organization(tree),
    )


def _representative(tree):
    person = RepresentativeFactory(
        region=tree["community_a1"],
        organization=_organization(tree),
        id_number=valid_id_number(sequence=next(_serial) % 1000),
    )
    person.specialties.add(SpecialtyFactory(), SpecialtyFactory())
    NominationFactory(representative=person)
    EvaluationFactory(representative=person)
    return person


def _status_change(tree):
    from talents.models import StatusChange

    return StatusChange.objects.create(
        representative=_representative(tree),
        to_status="admitted",
        level="district",
        changed_on=datetime.date(2025, 1, 1),
    )


def _training(tree):
    from talents.models import Attendance

    training = TrainingFactory(region=tree["street_a"])
    for _ in range(2):
        Attendance.objects.create(training=training, representative=_representative(tree))
    return training


def _service_group(tree):
    group = ServiceGroupFactory(region=tree["street_a"])
    MembershipFactory(group=group, representative=_representative(tree))
    return group


def _region(tree):
    return RegionFactory(
        code=f"440309002{next(_serial) + 100:03d}",
        name=f"测试社区{next(_serial)}",
        level="community",
        parent=tree["street_a"],
    )


def _import_record(tree, user):
    return ImportRecord.objects.create(
        user=user,
        username=user.username,
        model_key="organizations.organization",
        model_label="社会组织",
        file_name="社会组织.xlsx",
        file_sha256="0" * 64,
    )


def _export_job(tree, user):
    return ExportJob.objects.create(user=user, exporter="list", title="社会组织", description={"搜索": "民治"})


def _access_log(tree, user):
    return AccessLog.objects.create(
        user=user,
        username=user.username,
        action="export",
        target_model="talents.Representative",
        target_repr="代表人士",
    )


def _volunteer_certificate(tree):
    """A certificate issued for a person with a held activity (the list shows its issuer)."""
    from activities.certificates import certificate_issue
    from tests.factories import UserFactory

    person = _activity(tree).participations.exclude(representative=None).get().representative
    issuer = UserFactory(username="certificate_issuer", is_superuser=True, all_regions=True)
    return certificate_issue(user=issuer, representative=person)


MAKERS = {
    "organizations.Organization": _organization,
    "organizations.AnnualSurvey": lambda tree: SurveyFactory(organization=_organization(tree), year=2024),
    "organizations.PartyOrganization": _party_organization,
    "organizations.Liaison": _liaison,
    "organizations.Assignment": lambda tree: AssignmentFactory(
        organization=_organization(tree), liaison=LiaisonFactory(region=tree["street_a"])
    ),
    "organizations.Pairing": lambda tree: _party_organization(tree).pairings.get(),
    "organizations.Venue": _venue,
    "organizations.Industry": lambda tree: IndustryFactory(),
    "talents.Representative": _representative,
    "talents.StatusChange": _status_change,
    "talents.Evaluation": lambda tree: EvaluationFactory(representative=_representative(tree), year=2024),
    "talents.Nomination": lambda tree: NominationFactory(representative=_representative(tree), kind="npc"),
    "talents.Training": _training,
    "talents.ServiceGroup": _service_group,
    "talents.Membership": lambda tree: MembershipFactory(
        group=ServiceGroupFactory(region=tree["street_a"]), representative=_representative(tree)
    ),
    "talents.Attendance": lambda tree: _training(tree).attendances.first(),
    "talents.Specialty": lambda tree: SpecialtyFactory(),
    "registry.Region": _region,
    "activities.ActivityTheme": lambda tree: _activity_theme(),
    "proposals.Proposal": _proposal,
    "proposals.Opinion": _opinion,
    "proposals.Decision": _decision,
    "proposals.Consultation": lambda tree: _proposal(tree).consultation,
    "proposals.Meeting": lambda tree: _decision(tree).meeting,
    "proposals.Department": lambda tree: DepartmentFactory(),
    "proposals.OpinionCategory": lambda tree: OpinionCategoryFactory(),
    "activities.Activity": _activity,
    "activities.Participation": lambda tree: _activity(tree).participations.order_by("pk").first(),
    "activities.VolunteerCertificate": _volunteer_certificate,
}
# records owned by an account, not a region: made as the requesting user
OWNED_MAKERS = {
    "registry.ImportRecord": _import_record,
    "registry.AccessLog": _access_log,
    "registry.ExportJob": _export_job,
}
# list pages that are plain functions: the model they list
FUNCTION_VIEW_MODELS = {
    "registry:region_list": Region,
    "registry:import_list": ImportRecord,
    "registry:export_list": ExportJob,
}


# ---- the endpoints, from the URL configuration ----
def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name, pattern


def _endpoints():
    found = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if pattern.pattern.converters or name in found or name.startswith("admin:"):
            continue
        if ":" in name and name.rsplit("_", 1)[-1] in ("list", "export"):
            view_class = getattr(pattern.callback, "view_class", None)
            model = getattr(view_class, "model", None) or FUNCTION_VIEW_MODELS.get(name)
            found[name] = model
        elif name.endswith("-list") and hasattr(pattern.callback, "cls"):
            found[name] = pattern.callback.cls.queryset.model
    return sorted(found.items())


ENDPOINTS = _endpoints()


def test_every_list_api_and_export_is_found():
    names = dict(ENDPOINTS)
    assert "talents:representative_list" in names and "organizations:organization_export" in names
    assert "training-list" in names and "registry:accesslog_export" in names
    unmade = sorted(n for n, model in ENDPOINTS if model is None or model._meta.label not in MAKERS | OWNED_MAKERS)
    assert not unmade, f"没有造数据的函数（MAKERS）：{unmade}"


def _make(model, count, tree, user):
    label = model._meta.label
    for _ in range(count):
        if label in OWNED_MAKERS:
            OWNED_MAKERS[label](tree, user)
        else:
            MAKERS[label](tree)


def _queries(client, url) -> list[str] | None:
    """The SQL of one GET; None when the user may not open the page (403)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    if response.status_code == 403:
        return None
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


# a district admin sees personal data in clear; a street's staff see it masked, with reveal links
@pytest.mark.parametrize("role", ["district_admin", "street_a_user"])
@pytest.mark.parametrize("name,model", ENDPOINTS, ids=[name for name, _ in ENDPOINTS])
def test_query_count_is_the_same_at_n_and_3n_rows(request, client, tree, name, model, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse(name)
    _make(model, N, tree, user)
    if _queries(client, url) is None:  # warm: the session, the content types, the permission caches
        pytest.skip(f"{role} 无权打开 {name}")
    at_n = _queries(client, url)
    _make(model, 2 * N, tree, user)
    at_3n = _queries(client, url)
    assert len(at_3n) == len(at_n), "\n".join(["N:", *at_n, "3N:", *at_3n])


# ---- detail pages whose sections other apps add (registry.navigation.register_detail_section) ----
def _person_with_activities(tree, person, count):
    from tests.factories import ActivityFactory, ParticipationFactory, local_datetime

    for _ in range(count):
        serial = next(_serial)
        activity = ActivityFactory(
            region=tree["street_a"],
            organizations=[person.organization],
            start_at=local_datetime(2020 + serial % 5, 3, 1),
        )
        ParticipationFactory(activity=activity, representative=person)


@pytest.mark.parametrize("role", ["district_admin", "street_a_user"])
@pytest.mark.parametrize("page", ["talents:representative_detail", "organizations:organization_detail"])
def test_activity_sections_cost_the_same_at_n_and_3n_activities(request, client, tree, page, role):
    client.force_login(request.getfixturevalue(role))
    person = _representative(tree)
    url = reverse(page, args=[person.pk if page.startswith("talents") else person.organization_id])
    _person_with_activities(tree, person, N)
    _queries(client, url)  # warm
    at_n = _queries(client, url)
    _person_with_activities(tree, person, 2 * N)
    at_3n = _queries(client, url)
    assert len(at_3n) == len(at_n), "\n".join(["N:", *at_n, "3N:", *at_3n])
    # past the 20 shown, the 查看全部 count is one more query, whatever the number of rows
    _person_with_activities(tree, person, 21)
    assert len(_queries(client, url)) <= len(at_n) + 1

"""An organization's page tells its whole story: one 变更记录 of its own changes and those of its surveys,
liaison assignments, party-organization coverage and venues, newest first, an import's entries linked to it.

Each change is its own transaction (transactional tests): pghistory stamps an event with the transaction's
time, so only separate transactions give the entries an order to check.
"""

import datetime
import itertools
import re

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations import services
from organizations.models import Venue
from registry.models import ImportStatus
from tests.factories import (
    AssignmentFactory,
    IndustryFactory,
    LiaisonFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    SurveyFactory,
    last_year,
)
from tests.importing import commit, upload, xlsx
from tests.organizations.test_imports import NO_SURVEY, code, organization_row

ORGANIZATION = "organizations.organization"
_years = itertools.count(2000)


def entries(response) -> list[str]:
    """The record labels of the 变更记录 block, top to bottom."""
    assert response.status_code == 200
    block = response.content.decode().split('id="history"', 1)[1]
    return re.findall(r'data-testid="history-record">([^<]*)<', block)


def page(client, organization):
    return client.get(reverse("organizations:organization_detail", args=[organization.pk]))


@pytest.fixture
def story(tree, street_a_user, client_a):
    """An organization of street A: created, renamed, surveyed, given a district-level instructor who then
    leaves, updated by an Excel import, and operating a venue that belongs to street B."""
    IndustryFactory(name="社会工作服务")
    row = organization_row(1, **NO_SURVEY)
    organization = OrganizationFactory(name="旧名称", credit_code=code(1), region=tree["community_a1"])
    with pghistory.context(user=street_a_user.pk):
        services.organization_update(user=street_a_user, instance=organization, data={"name": row["名称"]})
    SurveyFactory(organization=organization, year=last_year())
    instructor = LiaisonFactory(name="张三", region=tree["district"])
    assignment = AssignmentFactory(liaison=instructor, organization=organization, role="instructor")
    with pghistory.context(user=street_a_user.pk):
        services.assignment_end(user=street_a_user, instance=assignment, end_date=datetime.date(2024, 6, 30))
    Venue.objects.create(
        name="观澜统战驿站",
        kind="station",
        level="community",
        region=tree["community_b1"],
        operating_organization=organization,
    )
    record = upload(client_a, ORGANIZATION, xlsx(ORGANIZATION, [row]), name="社会组织台账.xlsx")
    record = commit(client_a, record)
    assert record.status == ImportStatus.DONE, record.message
    organization.refresh_from_db()
    assert organization.legal_representative == "王芳"  # the import did change it
    return {"organization": organization, "record": record}


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_every_record_of_the_organization_newest_first(client_a, story, district_admin, client):
    survey = f"年度摸底调查 {last_year()}年"
    assert entries(page(client_a, story["organization"])) == [
        "本组织",  # the import
        "联络员任职：张三 · 党建指导员",  # ended
        "联络员任职：张三 · 党建指导员",  # added
        survey,
        "本组织",  # renamed
        "本组织",  # created
    ]
    # the venue is in street B: street A does not see it; the district sees it in its place
    client.force_login(district_admin)
    assert entries(page(client, story["organization"])) == [
        "本组织",
        "阵地：观澜统战驿站",
        "联络员任职：张三 · 党建指导员",
        "联络员任职：张三 · 党建指导员",
        survey,
        "本组织",
        "本组织",
    ]


@pytest.mark.django_db(transaction=True)
def test_an_entry_from_an_import_links_to_the_import_record(client_a, story):
    body = page(client_a, story["organization"]).content.decode()
    url = reverse("registry:import_record", args=[story["record"].pk])
    link = re.search(r'data-testid="history-import"><a href="([^"]+)">([^<]+)</a>', body)
    assert link and link.groups() == (url, "来自导入：社会组织台账.xlsx")
    assert body.count('data-testid="history-import"') == 1  # only the import's entry says so
    assert client_a.get(url).status_code == 200
    # the entry says what the import changed
    top = body.split('data-testid="history-record">', 2)[1]
    assert "法定代表人" in top.split("</tr>")[0] and "王芳" in top.split("</tr>")[0]


@pytest.mark.django_db(transaction=True)
def test_another_streets_user_gets_404(client, story, street_b_user):
    client.force_login(street_b_user)
    assert page(client, story["organization"]).status_code == 404


@pytest.mark.django_db
def test_other_records_pages_keep_their_own_history(client_a, tree):
    """The combined timeline is the organization's; a liaison's page still shows the liaison's events only."""
    liaison = LiaisonFactory(region=tree["street_a"])
    AssignmentFactory(liaison=liaison, organization=OrganizationFactory(region=tree["community_a1"]))
    response = client_a.get(reverse("organizations:liaison_detail", args=[liaison.pk]))
    assert response.status_code == 200
    assert entries(response) == []  # no record labels: the plain one-record history
    assert "创建记录" in response.content.decode().split('id="history"', 1)[1]


def _grow(tree, organization, n: int) -> None:
    """n more of each related record, each with an edit, the liaisons and party organizations distinct."""
    for _ in range(n):
        SurveyFactory(organization=organization, year=next(_years))
        assignment = AssignmentFactory(organization=organization, liaison=LiaisonFactory(region=tree["street_a"]))
        assignment.remarks = "已调整"
        assignment.save()
        PartyOrganizationFactory(region=tree["community_a1"], covers=[organization])
        Venue.objects.create(
            name=f"阵地{Venue.objects.count()}",
            kind="station",
            level="community",
            region=tree["community_a1"],
            operating_organization=organization,
        )
        organization.remarks = f"第{_}次修改"
        organization.save()


@pytest.mark.django_db
def test_the_timeline_costs_the_same_queries_at_any_size(client_a, tree):
    organization = OrganizationFactory(region=tree["community_a1"])
    _grow(tree, organization, 2)

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            shown = len(entries(page(client_a, organization)))
        return len(queries), shown

    small, shown_small = cost()
    _grow(tree, organization, 4)
    large, shown_large = cost()
    assert shown_large > shown_small >= 10
    assert large == small

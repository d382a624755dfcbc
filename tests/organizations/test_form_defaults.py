"""Forms that start right: a new survey defaults to the current year (or the latest one not yet surveyed), a
taken year is named on the year field, and a count never surveyed reads 未摸底, not 0."""

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import AnnualSurvey
from tests.factories import OrganizationFactory, SurveyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def initial_year(client, **params) -> int:
    response = client.get(reverse("organizations:annualsurvey_create"), params)
    assert response.status_code == 200
    return int(response.context["form"]["year"].value())


def test_a_new_survey_starts_at_the_current_year_or_the_latest_missing_one(client_a, tree):
    year = timezone.localdate().year
    organization = OrganizationFactory(region=tree["community_a1"])
    assert initial_year(client_a) == year
    assert initial_year(client_a, organization=organization.pk) == year
    SurveyFactory(organization=organization, year=year)
    assert initial_year(client_a, organization=organization.pk) == year - 1


def test_a_taken_survey_year_is_marked_on_the_year_field(client_a, tree):
    year = timezone.localdate().year
    organization = OrganizationFactory(region=tree["community_a1"])
    SurveyFactory(organization=organization, year=year)
    data = {
        "organization": organization.pk,
        "year": year,
        "staff_count": 3,
        "party_member_count": 0,
        "probationary_member_count": 0,
        "mobile_party_member_count": 0,
    }
    response = client_a.post(reverse("organizations:annualsurvey_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["year"] == [f"该社会组织{year}年度已有摸底调查记录，请改选其他年度或打开那条记录修改。"]
    assert "本年度" not in response.content.decode()
    assert AnnualSurvey.objects.filter(organization=organization).count() == 1


def test_counts_never_surveyed_read_unsurveyed_not_zero(client_a, tree):
    never = OrganizationFactory(name="从未摸底的协会", region=tree["community_a1"])
    surveyed = OrganizationFactory(name="已摸底的协会", region=tree["community_a1"])
    SurveyFactory(organization=surveyed, staff_count=0, party_member_count=0)
    rows = {
        row["object"].name: {cell["column"].key: cell["text"] for cell in row["cells"]}
        for row in client_a.get(reverse("organizations:organization_list")).context["rows"]
    }
    assert rows[never.name]["staff"] == "未摸底"
    assert rows[never.name]["party_members"] == "未摸底"
    assert rows[surveyed.name]["staff"] == "0"
    detail = client_a.get(reverse("organizations:organization_detail", args=[never.pk])).content.decode()
    assert "未摸底" in detail

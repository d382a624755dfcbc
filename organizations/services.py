"""Writes of the organizations app; views, admin, API and import all call these."""

from django.core.exceptions import ValidationError
from django.db import transaction

from registry.crud import scoped_create, scoped_delete, scoped_update

from .choices import PartyOrgKind
from .models import AnnualSurvey, Assignment, Liaison, Organization, Pairing, PartyOrganization, Venue


def organization_create(*, user, data: dict) -> Organization:
    return scoped_create(user=user, model=Organization, data=data)


def organization_update(*, user, instance: Organization, data: dict) -> Organization:
    return scoped_update(user=user, instance=instance, data=data)


def organization_delete(*, user, instance: Organization) -> None:
    scoped_delete(user=user, instance=instance)


@transaction.atomic
def survey_save(*, user, organization: Organization, year: int, data: dict) -> AnnualSurvey:
    """Create or update the organization's survey of ``year`` (one per year)."""
    survey = AnnualSurvey.objects.visible_to(user).filter(organization=organization, year=year).first()
    if survey is None:
        return scoped_create(user=user, model=AnnualSurvey, data={**data, "organization": organization, "year": year})
    return scoped_update(user=user, instance=survey, data=data)


def survey_create(*, user, data: dict) -> AnnualSurvey:
    return scoped_create(user=user, model=AnnualSurvey, data=data)


def survey_update(*, user, instance: AnnualSurvey, data: dict) -> AnnualSurvey:
    return scoped_update(user=user, instance=instance, data=data)


def check_coverage(kind: str, organizations) -> None:
    """Only a 联合党支部 covers several organizations; any other party organization covers its own."""
    if organizations is not None and kind != PartyOrgKind.JOINT_BRANCH and len(list(organizations)) > 1:
        raise ValidationError({"organizations": "只有联合党支部可以覆盖多家社会组织；其他党组织只覆盖本单位。"})


def party_organization_create(*, user, data: dict) -> PartyOrganization:
    check_coverage(data.get("kind"), data.get("organizations"))
    return scoped_create(user=user, model=PartyOrganization, data=data)


def party_organization_update(*, user, instance: PartyOrganization, data: dict) -> PartyOrganization:
    check_coverage(data.get("kind", instance.kind), data.get("organizations"))
    return scoped_update(user=user, instance=instance, data=data)


def liaison_create(*, user, data: dict) -> Liaison:
    return scoped_create(user=user, model=Liaison, data=data)


def liaison_update(*, user, instance: Liaison, data: dict) -> Liaison:
    return scoped_update(user=user, instance=instance, data=data)


def assignment_create(*, user, data: dict) -> Assignment:
    return scoped_create(user=user, model=Assignment, data=data)


def assignment_update(*, user, instance: Assignment, data: dict) -> Assignment:
    return scoped_update(user=user, instance=instance, data=data)


def assignment_end(*, user, instance: Assignment, end_date) -> Assignment:
    return scoped_update(user=user, instance=instance, data={"end_date": end_date})


def pairing_create(*, user, data: dict) -> Pairing:
    return scoped_create(user=user, model=Pairing, data=data)


def pairing_update(*, user, instance: Pairing, data: dict) -> Pairing:
    return scoped_update(user=user, instance=instance, data=data)


def venue_create(*, user, data: dict) -> Venue:
    return scoped_create(user=user, model=Venue, data=data)


def venue_update(*, user, instance: Venue, data: dict) -> Venue:
    return scoped_update(user=user, instance=instance, data=data)

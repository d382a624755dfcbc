"""A change of a person's specialties — by form, API, merge or from the specialty's side — is a row in 变更记录."""

import pytest
from django.urls import reverse

from talents.models import Representative
from tests.factories import RepresentativeFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialties(db):
    return {name: SpecialtyFactory(name=name, sort_order=order) for order, name in enumerate(("法律", "心理", "医疗"))}


@pytest.fixture
def person(tree, specialties):
    person = RepresentativeFactory(name="周敏", region=tree["community_a1"], id_number="", mobile="")
    person.specialties.set([specialties["心理"]])
    return person


def _form(person, specialty_ids):
    return {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "political_affiliation": person.political_affiliation,
        "stratum": person.stratum,
        "region": person.region_id,
        "specialties": specialty_ids,
    }


def test_editing_specialties_in_the_form_shows_in_the_history(client, person, specialties, street_a_user):
    client.force_login(street_a_user)
    chosen = [specialties["医疗"].pk, specialties["法律"].pk]
    response = client.post(reverse("talents:representative_update", args=[person.pk]), _form(person, chosen))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.specialty_names == "法律、医疗"  # in the dictionary's order
    page = client.get(reverse("talents:representative_detail", args=[person.pk])).content.decode()
    history = page.split("变更记录")[-1]
    assert "专业特长" in history and "心理" in history and "法律、医疗" in history
    assert street_a_user.display_name in history


def test_the_api_and_the_specialtys_side_keep_the_names(client, person, specialties, district_admin):
    client.force_login(district_admin)
    url = f"/api/v1/talents/representatives/{person.pk}/"
    response = client.patch(url, {"specialties": [specialties["法律"].pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Representative.objects.get(pk=person.pk).specialty_names == "法律"
    specialties["法律"].representatives.clear()
    assert Representative.objects.get(pk=person.pk).specialty_names == ""
    specialties["医疗"].representatives.add(person)
    assert Representative.objects.get(pk=person.pk).specialty_names == "医疗"


def test_an_unchanged_save_writes_no_history(person, specialties):
    from pghistory.models import Events

    before = Events.objects.count()
    person.specialties.set([specialties["心理"]])
    assert Events.objects.count() == before

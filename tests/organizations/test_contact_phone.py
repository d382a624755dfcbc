"""An organization's contact phone is a mobile or a landline with its area code — on the form and in the import."""

import pytest
from django.urls import reverse

from organizations.models import Organization
from registry.importing.cells import CellError
from registry.importing.converters import Phone
from tests.organizations.test_validation import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "phone", ["0755-23456789", "0755-2345678", "010 12345678", "(0755)23456789转801", "13800138000"]
)
def test_the_form_accepts_landlines_and_mobiles(client, tree, street_a_user, phone):
    client.force_login(street_a_user)
    response = client.post(reverse("organizations:organization_create"), form_data(tree, contact_phone=phone))
    assert response.status_code == 302
    assert Organization.objects.get().contact_phone


@pytest.mark.parametrize("phone", ["23456789", "0755-123", "电话", "075523456789999"])
def test_the_form_refuses_a_phone_that_is_neither_and_says_what_is_expected(client, tree, street_a_user, phone):
    client.force_login(street_a_user)
    response = client.post(reverse("organizations:organization_create"), form_data(tree, contact_phone=phone))
    assert response.status_code == 400
    assert response.context["form"].errors["contact_phone"] == [
        "联系电话应为11位手机号，或带区号的固定电话（区号加7—8位号码，如 0755-23456789）。"
    ]
    assert not Organization.objects.exists()


def test_the_import_converter_agrees_with_the_form():
    phone = Phone()
    assert phone.convert("0755-2345678", None) == "0755-2345678"
    assert phone.convert(13800138000, None) == "13800138000"
    with pytest.raises(CellError, match="固定电话请带区号"):
        phone.convert("23456789", None)

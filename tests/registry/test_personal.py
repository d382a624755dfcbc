import pytest

from registry.personal import can_see_personal, mask_id_number, mask_mobile
from tests.factories import UserFactory


def test_mask_id_number_keeps_area_prefix_and_last_four():
    assert mask_id_number("440301199001011234") == "4403**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""


def test_mask_mobile():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""
    assert mask_mobile("12345") == "*****"


@pytest.mark.django_db
def test_clear_values_depend_on_the_permission(district_admin, street_a_user):
    assert can_see_personal(district_admin)
    assert not can_see_personal(street_a_user)


@pytest.mark.django_db
def test_anonymous_and_unprivileged_see_masked():
    from django.contrib.auth.models import AnonymousUser

    assert not can_see_personal(AnonymousUser())
    assert not can_see_personal(UserFactory())

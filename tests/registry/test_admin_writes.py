"""The registry's own admin pages write through the services too and still work: a new user keeps the password."""

import pytest
from django.urls import reverse

from registry.models import User

pytestmark = pytest.mark.django_db


def test_adding_a_user_in_the_admin_keeps_the_password(client, tree, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:registry_user_add"),
        {
            "username": "newstaff",
            "full_name": "新同事",
            "region": tree["street_a"].pk,
            "usable_password": "true",
            "password1": "Another-Password-2026",
            "password2": "Another-Password-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newstaff")
    assert user.check_password("Another-Password-2026") and user.region == tree["street_a"]


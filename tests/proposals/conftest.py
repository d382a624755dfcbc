"""Fixtures of the proposals tests: a 承办单位 and its 承办单位联络人 account."""

import pytest

from proposals.catalog import DEPARTMENT_CONTACT
from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def department():
    return DepartmentFactory(name="区民政局", is_conference_member=True)


@pytest.fixture
def contact(department):
    """民政局's 承办单位联络人: an account with no region, acting only for its unit."""
    user = UserFactory(username="minzheng", region=None, role=DEPARTMENT_CONTACT)
    department.contacts.add(user)
    return user

"""The shared create/update steps: full_clean by default, constraints left to the database in a checked bulk write,
and the import's explanation of what the database refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations.imports import ORGANIZATION_SPEC
from organizations.models import Organization
from registry.crud import checked_bulk_write
from registry.importing import _integrity_reason
from talents.models import Representative
from talents.services import representative_create
from tests.factories import OrganizationFactory, RepresentativeFactory, valid_credit_code, valid_id_number


@pytest.fixture
def existing(tree):
    return OrganizationFactory(region=tree["community_a1"], credit_code=valid_credit_code(7))


def _data(tree, existing, **extra):
    return {
        "name": "另一家社会组织",
        "credit_code": existing.credit_code,
        "kind": existing.kind,
        "region": tree["community_a1"],
        **extra,
    }


def test_forms_path_reports_a_duplicate_code_as_a_validation_error(tree, existing, district_admin):
    from organizations.services import organization_create

    with pytest.raises(ValidationError) as caught:
        organization_create(user=district_admin, data=_data(tree, existing))
    assert "credit_code" in caught.value.message_dict
    assert Organization.objects.count() == 1


def test_checked_bulk_write_leaves_the_duplicate_to_the_database(tree, existing, district_admin):
    from organizations.services import organization_create

    with pytest.raises(IntegrityError) as caught, transaction.atomic(), checked_bulk_write(district_admin):
        organization_create(user=district_admin, data=_data(tree, existing))
    assert (
        _integrity_reason(ORGANIZATION_SPEC, caught.value) == "统一社会信用代码已被另一条社会组织使用，数据库拒绝保存。"
    )
    assert Organization.objects.count() == 1


def test_a_refused_named_constraint_speaks_its_own_message(tree, district_admin):
    from talents.imports import REPRESENTATIVE_SPEC

    number = valid_id_number()
    RepresentativeFactory(region=tree["community_a1"], id_number=number)
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), checked_bulk_write(district_admin):
        representative_create(
            user=district_admin, data={"name": "另一人", "id_number": number, "region": tree["community_a1"]}
        )
    reason = _integrity_reason(REPRESENTATIVE_SPEC, caught.value)
    assert reason.startswith("该身份证号已登记为另一位代表人士")
    assert Representative.objects.count() == 1


def test_the_flag_does_not_outlive_its_block(tree, existing, district_admin):
    from organizations.services import organization_create

    with checked_bulk_write(district_admin):
        pass
    with pytest.raises(ValidationError):
        organization_create(user=district_admin, data=_data(tree, existing))


def test_a_checked_bulk_write_still_refuses_a_record_outside_the_scope_at_its_end(tree, street_a_user):
    from django.core.exceptions import PermissionDenied

    from organizations.services import organization_create

    data = {"name": "观澜的组织", "credit_code": valid_credit_code(8, "1"), "kind": "social_group"}
    with pytest.raises(PermissionDenied) as caught, transaction.atomic(), checked_bulk_write(street_a_user):
        organization_create(user=street_a_user, data={**data, "region": tree["community_a1"]})
        organization_create(
            user=street_a_user, data={**data, "credit_code": valid_credit_code(9, "1"), "region": tree["community_b1"]}
        )
    assert "1 条社会组织" in str(caught.value)
    assert not Organization.objects.exists()


def test_a_checked_bulk_write_leaves_foreign_keys_to_the_database(tree, district_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.services import organization_create

    data = {
        "name": "春晖",
        "credit_code": valid_credit_code(10, "1"),
        "kind": "social_group",
        "region": tree["community_a1"],
    }
    with transaction.atomic(), checked_bulk_write(district_admin), CaptureQueriesContext(connection) as queries:
        organization_create(user=district_admin, data=data)
    # the insert only (in its savepoint): no look-up of the region, the code or the scope per record
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SAVEPOINT", "INSERT", "RELEASE"]
    assert Organization.objects.filter(name="春晖").exists()

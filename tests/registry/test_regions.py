import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from registry.choices import RegionLevel
from registry.models import Region

pytestmark = pytest.mark.django_db


def test_path_is_materialized_from_codes(tree):
    assert tree["grid_a"].path == "/440300/440309/440309002/440309002001/440309002001001/"
    assert tree["community_a1"].full_name == "龙华区民治街道民治1社区"
    assert [r.name for r in tree["grid_a"].ancestors()] == ["深圳市", "龙华区", "民治街道", "民治1社区"]


def test_moving_a_community_re_roots_its_subtree(tree):
    community = tree["community_a1"]
    community.parent = tree["street_b"]
    community.save()
    grid = Region.objects.get(pk=tree["grid_a"].pk)
    assert grid.path == "/440300/440309/440309006/440309002001/440309002001001/"
    assert set(Region.objects.subtree(tree["street_b"])) >= {community, grid}


def test_level_must_follow_parent(tree):
    bad = Region(code="440309002999", name="错层", level=RegionLevel.GRID, parent=tree["street_a"])
    with pytest.raises(ValidationError) as info:
        bad.full_clean()
    assert "下级应为社区/村" in str(info.value)


def test_database_refuses_a_second_root_below_city(tree):
    with pytest.raises(IntegrityError):
        Region.objects.create(code="123456", name="孤儿街道", level=RegionLevel.STREET, parent=None)


def test_code_is_unique(tree):
    with pytest.raises(IntegrityError):
        Region.objects.create(code="440309002", name="重复", level=RegionLevel.STREET, parent=tree["district"])


def test_every_problem_of_a_region_is_reported_at_once(tree):
    # a region moved under its own child at the wrong level: both the level and the parent are wrong
    street = Region.objects.get(pk=tree["street_a"].pk)
    street.parent = Region.objects.get(pk=tree["community_a1"].pk)
    with pytest.raises(ValidationError) as info:
        street.full_clean()
    assert set(info.value.message_dict) == {"level", "parent"}
    assert info.value.message_dict["parent"] == ["上级区划不能是其自身或其下级。"]

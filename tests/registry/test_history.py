"""Change history: every write is kept, bulk updates included, with who and from where."""

import pytest
from django.urls import reverse

from registry.history import history_for
from registry.models import Region

pytestmark = pytest.mark.django_db


def test_update_is_recorded_with_the_change(tree):
    community = tree["community_a1"]
    community.name = "民治一社区"
    community.save()
    events = history_for(community)
    assert [e["label"] for e in events] == ["修改", "新增"]
    assert {"field": "名称", "before": "民治1社区", "after": "民治一社区"} in events[0]["changes"]


def test_bulk_update_is_recorded_for_every_row(tree):
    from django.db.models import Value
    from django.db.models.functions import Concat

    updated = Region.objects.filter(level="community").update(name=Concat("name", Value("（更名）")))
    assert updated == 4
    for key in ("community_a1", "community_a2", "community_b1", "community_b2"):
        latest = history_for(tree[key])[0]
        assert latest["label"] == "修改"
        assert latest["changes"] == [{"field": "名称", "before": tree[key].name, "after": f"{tree[key].name}（更名）"}]


def test_delete_is_recorded(tree):
    from pghistory.models import Events

    grid = tree["grid_b"]
    pk = grid.pk
    grid.delete()
    labels = list(
        Events.objects.filter(pgh_obj_model="registry.Region", pgh_obj_id=str(pk)).values_list("pgh_label", flat=True)
    )
    assert "delete" in labels


def test_change_through_a_request_records_user_and_address(client, tree, superuser):
    client.force_login(superuser)
    grid = tree["grid_a"]
    response = client.post(
        reverse("admin:registry_region_change", args=[grid.pk]),
        {"code": grid.code, "name": "民治1第一网格", "level": "grid", "parent": grid.parent_id},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    latest = history_for(grid)[0]
    assert latest["user"] == superuser
    assert latest["ip"] == "10.1.2.3"
    assert latest["url"].startswith("/admin/registry/region/")


def test_history_is_on_the_record_page(client, tree, street_a_user):
    community = tree["community_a1"]
    Region.objects.filter(pk=community.pk).update(name="民治壹社区")
    client.force_login(street_a_user)
    body = client.get(reverse("registry:region_detail", args=[community.pk])).content.decode()
    assert "变更记录" in body
    assert "民治1社区" in body and "民治壹社区" in body


def test_user_history_never_keeps_the_password_hash(tree, street_a_user):
    street_a_user.set_password("another-Password-1")
    street_a_user.save()
    for event in history_for(street_a_user):
        assert all(change["field"] != "密码" for change in event["changes"])


def test_history_names_related_records_in_one_query_per_model(tree, django_assert_num_queries):
    from tests.factories import IndustryFactory, OrganizationFactory

    first, second = IndustryFactory(name="教育"), IndustryFactory(name="养老")
    organization = OrganizationFactory(region=tree["community_a2"], industry=first)
    for region, industry in ((tree["community_a1"], second), (tree["community_b1"], first), (tree["street_a"], second)):
        organization.region, organization.industry = region, industry
        organization.save()
    # the events, then one query for the regions and one for the industries (no user: no user query)
    with django_assert_num_queries(3):
        events = history_for(organization)
    region_changes = [c for e in events for c in e["changes"] if c["field"] == "所属区域"]
    assert region_changes[-1] == {"field": "所属区域", "before": "民治2社区", "after": "民治1社区"}
    assert region_changes[0] == {"field": "所属区域", "before": "观澜1社区", "after": "民治街道"}
    assert {"field": "行业类别", "before": "教育", "after": "养老"} in events[-2]["changes"]


def test_history_marks_a_deleted_related_record(tree):
    from tests.factories import OrganizationFactory

    gone = tree["community_a2"]
    organization = OrganizationFactory(region=gone)
    organization.region = tree["community_a1"]
    organization.save()
    gone_pk = gone.pk
    gone.delete()
    change = next(c for c in history_for(organization)[0]["changes"] if c["field"] == "所属区域")
    assert change == {"field": "所属区域", "before": f"#{gone_pk}（已删除）", "after": "民治1社区"}


def test_history_names_a_related_record_outside_the_viewers_scope_by_id_only(
    client, tree, street_a_user, django_assert_num_queries
):
    from tests.factories import IndustryFactory, OrganizationFactory

    elsewhere = tree["community_b1"]
    organization = OrganizationFactory(region=elsewhere, industry=IndustryFactory(name="教育"))
    organization.region = tree["community_a1"]
    organization.save()
    street_a_user.refresh_from_db()
    # the events, then one query per related model (regions, industries), the user and scope reads aside
    with django_assert_num_queries(3):
        events = history_for(organization, user=street_a_user)
    change = next(c for c in events[0]["changes"] if c["field"] == "所属区域")
    assert change == {"field": "所属区域", "before": f"#{elsewhere.pk}（不在您的管辖区域）", "after": "民治1社区"}

    client.force_login(street_a_user)
    body = client.get(reverse("organizations:organization_detail", args=[organization.pk])).content.decode()
    assert f"#{elsewhere.pk}（不在您的管辖区域）" in body
    assert elsewhere.name not in body

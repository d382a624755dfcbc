"""No silent lost update: an edit started from an older version of a record is refused — in the
service, on the edit page (409 with what changed) and in the API (412 on If-Match, 409 on version)."""

import datetime
import threading
import zoneinfo

import pghistory
import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from organizations.models import Organization
from organizations.services import organization_update
from registry.conflicts import EditConflict
from talents.models import Representative
from talents.services import representative_update
from tests.factories import OrganizationFactory, RepresentativeFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AT_1405 = datetime.datetime(2026, 11, 30, 14, 5, tzinfo=SHANGHAI)


@pytest.fixture
def org(tree):
    return OrganizationFactory(
        name="原名称", region=tree["community_a1"], address="原地址", contact_phone="13812345678"
    )


def _fresh(instance):
    return type(instance).objects.get(pk=instance.pk)


# --- the service -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_of_two_stale_updates_is_refused_and_changes_nothing(org, street_a_user, district_admin):
    opened = org.version
    first, second = _fresh(org), _fresh(org)
    with pghistory.context(user=street_a_user.pk):  # as the middleware does for a page or API request
        organization_update(user=street_a_user, instance=first, data={"name": "甲改的名称", "version": opened})
    assert first.version == opened + 1

    with pytest.raises(EditConflict) as caught:
        organization_update(user=district_admin, instance=second, data={"address": "乙改的地址", "version": opened})

    assert f"您编辑期间，{street_a_user.display_name}于" in caught.value.messages[0]
    stored = _fresh(org)
    assert (stored.name, stored.address, stored.version) == ("甲改的名称", "原地址", opened + 1)


@pytest.mark.django_db
def test_an_update_from_the_current_version_passes_and_counts_up(tree, street_a_user):
    person = RepresentativeFactory(region=tree["community_a1"])
    saved = representative_update(user=street_a_user, instance=_fresh(person), data={"name": "新名字", "version": 1})
    assert saved.version == 2 and _fresh(person).version == 2
    unchanged = representative_update(
        user=street_a_user, instance=_fresh(person), data={"name": "新名字", "version": 2}
    )
    assert unchanged.version == 2  # nothing changed, nothing saved


@pytest.mark.django_db
def test_every_write_counts_the_version_up_even_outside_the_services(org):
    # a bulk path (no version given) and a plain queryset update both make older editors stale
    Organization.objects.filter(pk=org.pk).update(address="批量改的地址")
    assert _fresh(org).version == 2
    record = _fresh(org)
    record.save()
    assert _fresh(org).version == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_cannot_both_pass(tree):
    from tests.factories import UserFactory

    user = UserFactory(username="root_concurrent", is_superuser=True, all_regions=True)
    record = OrganizationFactory(name="并发原名", region=tree["community_a1"])
    outcome = {}

    def second_editor():
        try:
            organization_update(user=user, instance=_fresh(record), data={"address": "乙的地址", "version": 1})
            outcome["second"] = "saved"
        except EditConflict:
            outcome["second"] = "refused"
        finally:
            connection.close()

    with transaction.atomic():
        organization_update(user=user, instance=_fresh(record), data={"name": "甲的名称", "version": 1})
        # the row stays locked until this transaction ends: the second editor waits, then sees version 2
        thread = threading.Thread(target=second_editor)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second save must wait for the first one's lock"
    thread.join(timeout=10)

    assert outcome == {"second": "refused"}
    stored = _fresh(record)
    assert (stored.name, stored.address, stored.version) == ("甲的名称", "", 2)


# --- the edit page -----------------------------------------------------------------------------------


def _form_data(response) -> dict:
    """What a browser would post back from the rendered form, hidden version included."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[field.name] = "on"
        elif isinstance(value, (list, tuple)):
            data[field.name] = [str(v) for v in value]
        else:
            data[field.name] = str(value)
    return data


@pytest.mark.django_db
def test_a_stale_edit_page_gets_409_with_what_changed_and_can_reapply(org, street_a_user, district_admin):
    url = reverse("organizations:organization_update", args=[org.pk])
    first, second = Client(), Client()
    first.force_login(district_admin)
    second.force_login(street_a_user)  # sees personal data masked
    first_form = _form_data(first.get(url))
    second_form = _form_data(second.get(url))
    assert second_form["version"] == "1"

    with time_machine.travel(AT_1405, tick=False):
        first_form.update(name="甲改的名称", contact_phone="13900001111")
        assert first.post(url, first_form).status_code == 302

    second_form["address"] = "乙改的地址"
    response = second.post(url, second_form)

    assert response.status_code == 409
    page = response.content.decode()
    assert f"您编辑期间，{district_admin.display_name}于 11-30 14:05 修改了此记录" in page
    changes = page.split('data-testid="conflict-changes"')[1].split("</table>")[0]
    assert "名称" in changes and "原名称" in changes and "甲改的名称" in changes
    assert "139****1111" in changes and "13900001111" not in changes  # masked for a masked user
    assert "乙改的地址" not in changes  # the table lists what others changed
    stored = _fresh(org)
    assert (stored.name, stored.address) == ("甲改的名称", "原地址")

    # re-filled: the current record with the editor's own change on top, at the current version
    refill = _form_data(response)
    assert (refill["name"], refill["address"], refill["version"]) == ("甲改的名称", "乙改的地址", "2")
    assert second.post(url, refill).status_code == 302
    stored = _fresh(org)
    assert (stored.name, stored.contact_phone, stored.address, stored.version) == (
        "甲改的名称",
        "13900001111",
        "乙改的地址",
        3,
    )


@pytest.mark.django_db
def test_a_bad_version_in_the_form_is_a_chinese_error(org, client_a):
    url = reverse("organizations:organization_update", args=[org.pk])
    data = _form_data(client_a.get(url))
    data.update(version="abc", address="新地址")
    response = client_a.post(url, data)
    assert response.status_code == 400
    assert "页面中的版本号无效，请刷新页面后重新编辑。" in response.content.decode()
    assert _fresh(org).address == "原地址"


# --- the API -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_etag_if_match_and_version(org, client_a):
    url = f"/api/v1/organizations/organizations/{org.pk}/"
    read = client_a.get(url)
    assert read["ETag"] == '"1"' and read.json()["version"] == 1
    body = read.json()

    patched = client_a.patch(url, {"name": "甲改的名称"}, content_type="application/json", headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched["ETag"] == '"2"' and patched.json()["version"] == 2

    stale = {**body, "address": "乙改的地址"}
    refused = client_a.put(url, stale, content_type="application/json", headers={"If-Match": '"1"'})
    assert refused.status_code == 412
    assert refused.json()["detail"].startswith("您编辑期间，") and refused.json()["version"] == 2

    conflict = client_a.put(url, stale, content_type="application/json")  # the version read, in the body
    assert conflict.status_code == 409
    assert "请重新读取后再提交" in conflict.json()["detail"]
    stored = _fresh(org)
    assert (stored.name, stored.address, stored.version) == ("甲改的名称", "原地址", 2)

    # a client that sends neither is not checked (see README, 接口)
    unchecked = {k: v for k, v in stale.items() if k != "version"}
    assert client_a.put(url, unchecked, content_type="application/json").status_code == 200
    assert _fresh(org).address == "乙改的地址"


@pytest.mark.django_db
def test_api_current_if_match_or_version_passes(tree, client_a):
    person = RepresentativeFactory(region=tree["community_a1"])
    url = f"/api/v1/talents/representatives/{person.pk}/"
    assert client_a.patch(url, {"name": "新名字", "version": 1}, content_type="application/json").status_code == 200
    response = client_a.patch(url, {"name": "再改"}, content_type="application/json", headers={"If-Match": 'W/"2"'})
    assert response.status_code == 200 and response["ETag"] == '"3"'
    assert Representative.objects.get(pk=person.pk).name == "再改"
    garbage = client_a.patch(url, {"name": "不该保存"}, content_type="application/json", headers={"If-Match": "xyz"})
    assert garbage.status_code == 412


@pytest.mark.django_db
def test_openapi_documents_etag_if_match_and_the_conflicts(client_a):
    schema = client_a.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/organizations/organizations/{id}/"]["put"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"])
    assert {"409", "412"} <= set(operation["responses"])
    assert "ETag" in operation["responses"]["200"]["headers"]
    read = schema["paths"]["/api/v1/organizations/organizations/{id}/"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]


@pytest.mark.django_db
def test_a_field_both_changed_is_flagged_and_the_editor_value_wins_on_reapply(org, street_a_user, district_admin):
    url = reverse("organizations:organization_update", args=[org.pk])
    first, second = Client(), Client()
    first.force_login(district_admin)
    second.force_login(street_a_user)
    first_form, second_form = _form_data(first.get(url)), _form_data(second.get(url))
    first_form["name"] = "甲改的名称"
    assert first.post(url, first_form).status_code == 302

    second_form["name"] = "乙改的名称"
    response = second.post(url, second_form)

    assert response.status_code == 409
    rows = response.context["conflict"]["rows"]
    assert [(r["label"], r["opened"], r["now"], r["yours"], r["both"]) for r in rows] == [
        ("名称", "原名称", "甲改的名称", "乙改的名称", True)
    ]
    assert "双方都改了" in response.content.decode()
    assert second.post(url, _form_data(response)).status_code == 302
    assert _fresh(org).name == "乙改的名称"


# --- every editable model ----------------------------------------------------------------------------


def _editable_cases():
    """Every catalogued model with an edit page and a version: its row maker and its API list."""
    from registry import catalog
    from registry.conflicts import is_versioned
    from tests.test_query_counts import MAKERS

    return {
        f"{entry.app_label}:{entry.model_name}": (
            lambda tree, key, make=MAKERS[entry.model._meta.label]: make(tree),
            reverse(f"{entry.model_name}-list"),
        )
        for entry in catalog.entries()
        if entry.has("update") and entry.has("api") and is_versioned(entry.model)
    }


EDITABLE = _editable_cases()


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(EDITABLE))
def test_every_edit_form_and_api_refuses_a_stale_version(client, tree, superuser, case):
    make, api = EDITABLE[case]
    record = make(tree, "a")
    model = type(record)
    opened = model.objects.get(pk=record.pk).version  # a row maker's related rows may have saved it already
    client.force_login(superuser)
    url = reverse(f"{case}_update", args=[record.pk])
    assert f'name="version" value="{opened}"' in client.get(url).content.decode()
    model.objects.filter(pk=record.pk).update(updated_at=datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI))

    response = client.post(url, {"version": str(opened)})
    assert response.status_code == 409 and "您编辑期间" in response.content.decode()

    target = f"{api}{record.pk}/"
    assert client.get(target)["ETag"] == f'"{opened + 1}"'
    stale = {"If-Match": f'"{opened}"'}
    assert client.patch(target, {}, content_type="application/json", headers=stale).status_code == 412
    assert client.patch(target, {"version": opened}, content_type="application/json").status_code == 409
    assert model.objects.get(pk=record.pk).version == opened + 1


@pytest.mark.django_db
def test_a_save_landing_between_the_page_check_and_the_service_is_still_a_409(org, client_a, monkeypatch):
    from registry import catalog

    def someone_saves_first(*, user, instance, data):
        Organization.objects.filter(pk=instance.pk).update(name="他人刚改的名称")
        return organization_update(user=user, instance=instance, data=data)

    form_view = catalog.entry_for(Organization).view("form")
    monkeypatch.setattr(form_view, "update_service", staticmethod(someone_saves_first))
    url = reverse("organizations:organization_update", args=[org.pk])
    data = _form_data(client_a.get(url))
    data["address"] = "乙改的地址"

    response = client_a.post(url, data)

    assert response.status_code == 409
    assert "您编辑期间" in response.content.decode()
    stored = _fresh(org)
    # nothing of the request stays (the simulated other save ran inside it, so it went too)
    assert (stored.name, stored.address) == ("原名称", "原地址")

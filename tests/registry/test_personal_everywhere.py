"""Personal fields declared once on the model (Organization.contact_phone, Liaison.mobile,
Representative.id_number/mobile) are masked in every page, form, admin page and history, for
everyone; a clear value leaves the server only through a logged 显示, API response or export;
and no response that may carry one is kept in a cache."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from organizations.models import Liaison, Organization
from registry.models import AccessLog
from registry.personal import mask_value
from talents.models import Representative
from tests.factories import LiaisonFactory, OrganizationFactory, RepresentativeFactory, UserFactory, valid_id_number

pytestmark = pytest.mark.django_db

PHONE = "0755-28123456"
LIAISON_MOBILE = "13911112222"
PERSON_MOBILE = "13833334444"
PERSON_ID = valid_id_number("19850302", 357)  # the factory's birth date


@pytest.fixture
def records(tree):
    """One record of each model with personal fields, in street A, with numbers easy to look for."""
    return {
        "organization": OrganizationFactory(
            name="民治测试社工服务中心", region=tree["community_a1"], contact_phone=PHONE
        ),
        "liaison": LiaisonFactory(name="王联络", region=tree["community_a1"], mobile=LIAISON_MOBILE),
        "representative": RepresentativeFactory(
            name="赵代表", region=tree["community_a1"], mobile=PERSON_MOBILE, id_number=PERSON_ID
        ),
    }


CLEAR = (PHONE, LIAISON_MOBILE, PERSON_MOBILE, PERSON_ID, PERSON_ID.lower())
MASKED = {
    "organization": [mask_value("phone", PHONE)],
    "liaison": [mask_value("mobile", LIAISON_MOBILE)],
    "representative": [mask_value("mobile", PERSON_MOBILE), mask_value("id_number", PERSON_ID)],
}
PAGES = {
    "organization": ("organizations:organization_detail", "organizations:organization_update"),
    "liaison": ("organizations:liaison_detail", "organizations:liaison_update"),
    "representative": ("talents:representative_detail", "talents:representative_update"),
}
ADMIN = {
    "organization": "admin:organizations_organization",
    "liaison": "admin:organizations_liaison",
    "representative": "admin:talents_representative",
}
LISTS = ["organizations:organization_list", "organizations:liaison_list", "talents:representative_list"]


def body(response) -> str:
    return response.content.decode()


def assert_no_clear_value(response, where):
    assert response.status_code == 200, where
    html = body(response)
    for number in CLEAR:
        assert number not in html, f"{number} in {where}"


def staff_without_personal_data(tree, *actions):
    """A district account with the admin site and the model permissions, but not view_personal_data."""
    user = UserFactory(username=f"qu_{'_'.join(actions)}", region=tree["district"], is_staff=True)
    codenames = [f"{action}_{model}" for action in actions for model in ("organization", "liaison", "representative")]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    assert not user.has_perm("registry.view_personal_data")
    return user


def change_records(records):
    Organization.objects.filter(pk=records["organization"].pk).update(contact_phone="0755-29998888")
    Liaison.objects.filter(pk=records["liaison"].pk).update(mobile="13700005555")
    Representative.objects.filter(pk=records["representative"].pk).update(mobile="13600006666")
    return ("0755-29998888", "13700005555", "13600006666")


# ---- masked everywhere ----
def test_street_staff_see_no_clear_number_in_any_edit_form_detail_page_or_list(client, street_a_user, records):
    new_numbers = change_records(records)  # the history holds the old and the new numbers
    client.force_login(street_a_user)
    for key, (detail, update) in PAGES.items():
        pk = records[key].pk
        page = client.get(reverse(detail, args=[pk]))
        assert_no_clear_value(page, detail)
        form = client.get(reverse(update, args=[pk]))
        assert_no_clear_value(form, update)
        for number in new_numbers:
            assert number not in body(page) and number not in body(form)
    for name in LISTS:
        assert_no_clear_value(client.get(reverse(name)), name)
    form = body(client.get(reverse("organizations:liaison_update", args=[records["liaison"].pk])))
    assert 'value="137****5555"' in form


def test_admin_change_forms_history_and_lists_mask_for_a_district_admin_without_the_permission(client, tree, records):
    new_numbers = change_records(records)
    client.force_login(staff_without_personal_data(tree, "view", "change"))
    for key, prefix in ADMIN.items():
        pk = records[key].pk
        change = client.get(reverse(f"{prefix}_change", args=[pk]))
        assert_no_clear_value(change, f"{prefix}_change")
        history = client.get(reverse(f"{prefix}_history", args=[pk]))
        assert_no_clear_value(history, f"{prefix}_history")
        changelist = client.get(reverse(f"{prefix}_changelist"))
        assert_no_clear_value(changelist, f"{prefix}_changelist")
        for response in (change, history, changelist):
            assert not any(number in body(response) for number in new_numbers)
    liaison_form = body(client.get(reverse("admin:organizations_liaison_change", args=[records["liaison"].pk])))
    assert 'value="137****5555"' in liaison_form


def test_admin_view_only_pages_show_the_masked_values(client, tree, records):
    client.force_login(staff_without_personal_data(tree, "view"))
    for key, prefix in ADMIN.items():
        page = client.get(reverse(f"{prefix}_change", args=[records[key].pk]))
        assert_no_clear_value(page, prefix)
        for masked in MASKED[key]:
            assert masked in body(page), prefix


def test_admin_saving_the_masked_value_keeps_the_stored_number(client, tree, records):
    client.force_login(staff_without_personal_data(tree, "view", "change"))
    liaison = records["liaison"]
    url = reverse("admin:organizations_liaison_change", args=[liaison.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0", "work_unit": "民治街道办"})
    assert data["mobile"] == mask_value("mobile", LIAISON_MOBILE)
    response = client.post(url, data)
    assert response.status_code == 302, body(response)
    liaison.refresh_from_db()
    assert (liaison.mobile, liaison.work_unit) == (LIAISON_MOBILE, "民治街道办")


def edit_data(response) -> dict:
    """What a browser posts back from an edit form left as it was shown."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is None or value is False:
            continue
        else:
            data[name] = "on" if value is True else str(value)
    return data


@pytest.mark.parametrize(
    ("key", "field", "stored", "typed"),
    [
        ("organization", "contact_phone", PHONE, "0755-21110000"),
        ("liaison", "mobile", LIAISON_MOBILE, "13522223333"),
        ("representative", "mobile", PERSON_MOBILE, "13544445555"),
    ],
)
def test_an_edit_keeps_the_stored_number_when_the_mask_comes_back_and_takes_a_typed_one(
    client, street_a_user, records, key, field, stored, typed
):
    client.force_login(street_a_user)
    record = records[key]
    url = reverse(PAGES[key][1], args=[record.pk])
    data = edit_data(client.get(url))
    assert data[field] == mask_value(type(record).personal_fields[field], stored)
    response = client.post(url, data)
    assert response.status_code == 302, body(response)
    record.refresh_from_db()
    assert getattr(record, field) == stored
    assert client.post(url, {**data, field: typed}).status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == typed


# ---- clear values only through a logged path ----
@pytest.mark.parametrize(
    ("key", "reveal_name", "field", "clear", "label"),
    [
        ("organization", "organizations:organization_reveal", "contact_phone", PHONE, "联系电话"),
        ("liaison", "organizations:liaison_reveal", "mobile", LIAISON_MOBILE, "手机号"),
        ("representative", "talents:representative_reveal", "id_number", PERSON_ID, "身份证号"),
    ],
)
def test_a_permitted_user_sees_masked_values_until_a_logged_one_click_reveal(
    client, district_admin, records, key, reveal_name, field, clear, label
):
    client.force_login(district_admin)
    record = records[key]
    page = client.get(reverse(PAGES[key][0], args=[record.pk]))
    assert_no_clear_value(page, key)
    assert all(masked in body(page) for masked in MASKED[key])
    assert f'data-testid="reveal-button-{field}"' in body(page)
    assert not AccessLog.objects.exists()
    response = client.post(reverse(reveal_name, args=[record.pk]), {"field": field}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and clear in body(response)
    assert response["Cache-Control"] == "no-store"
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.target_model, log.target_id, log.fields) == (
        district_admin,
        "reveal",
        type(record)._meta.label,
        str(record.pk),
        label,
    )


def test_street_staff_reveal_a_liaison_mobile_with_a_reason(client, street_a_user, records):
    client.force_login(street_a_user)
    url = reverse("organizations:liaison_reveal", args=[records["liaison"].pk])
    refused = client.post(url, {"field": "mobile", "reason": ""})
    assert refused.status_code == 400 and "请填写查看事由" in body(refused) and LIAISON_MOBILE not in body(refused)
    assert not AccessLog.objects.exists()
    shown = client.post(url, {"field": "mobile", "reason": "通知开会"})
    assert LIAISON_MOBILE in body(shown)
    assert AccessLog.objects.get().reason == "通知开会"


def test_duplicates_and_merge_pages_mask_for_the_permitted(client, district_admin, tree):
    first = RepresentativeFactory(name="钱同名", region=tree["community_a1"], mobile=PERSON_MOBILE, id_number=PERSON_ID)
    second = RepresentativeFactory(name="钱同名", region=tree["community_a1"], mobile=PERSON_MOBILE)
    client.force_login(district_admin)
    duplicates = client.get(reverse("talents:duplicates"))
    assert "钱同名" in body(duplicates)
    assert_no_clear_value(duplicates, "duplicates")
    merge = client.get(reverse("talents:merge"), {"first": first.pk, "second": second.pk})
    assert_no_clear_value(merge, "merge")
    assert mask_value("id_number", PERSON_ID) in body(merge)


def test_an_api_list_for_a_permitted_user_logs_one_row_with_the_records_and_fields(
    client, district_admin, street_a_user, records, tree
):
    other = RepresentativeFactory(name="孙代表", region=tree["community_b1"], mobile="13577778888")
    client.force_login(street_a_user)
    masked = client.get("/api/v1/talents/representatives/").json()["results"]
    assert [p["mobile"] for p in masked] == [mask_value("mobile", PERSON_MOBILE)]
    assert not AccessLog.objects.exists()  # nothing clear left the server
    client.force_login(district_admin)
    response = client.get("/api/v1/talents/representatives/")
    assert response["Cache-Control"] == "no-store"
    assert {p["mobile"] for p in response.json()["results"]} == {PERSON_MOBILE, "13577778888"}
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.target_model, log.fields) == (
        district_admin,
        "reveal",
        "talents.Representative",
        "身份证号、手机号",
    )
    assert sorted(log.detail["ids"]) == sorted([records["representative"].pk, other.pk])
    assert (log.detail["count"], log.detail["ids_capped"]) == (2, False)
    client.get(f"/api/v1/organizations/liaisons/{records['liaison'].pk}/")
    log = AccessLog.objects.latest("pk")
    assert (log.target_model, log.fields, log.detail["ids"]) == (
        "organizations.Liaison",
        "手机号",
        [records["liaison"].pk],
    )


def test_an_export_log_names_its_records_and_personal_columns(client, district_admin, records):
    client.force_login(district_admin)
    response = client.get(reverse("organizations:liaison_export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert LIAISON_MOBILE in [row[2] for row in book.worksheets[0].iter_rows(values_only=True)]
    log = AccessLog.objects.get()
    assert (log.action, log.target_model, log.fields) == ("export", "organizations.Liaison", "手机号")
    assert (log.detail["ids"], log.detail["count"], log.detail["personal_in_clear"]) == (
        [records["liaison"].pk],
        1,
        True,
    )


def test_no_response_that_can_carry_personal_data_is_cached(client, district_admin, records):
    client.force_login(district_admin)
    pk = records["representative"].pk
    for url in (
        reverse("talents:representative_detail", args=[pk]),
        reverse("talents:representative_update", args=[pk]),
        reverse("talents:representative_list"),
        reverse("organizations:liaison_detail", args=[records["liaison"].pk]),
        reverse("organizations:organization_detail", args=[records["organization"].pk]),
        reverse("talents:representative_export"),
        f"/api/v1/talents/representatives/{pk}/",
        reverse("admin:talents_representative_change", args=[pk]),
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_the_permission_says_what_it_grants():
    permission = Permission.objects.get(content_type__app_label="registry", codename="view_personal_data")
    assert permission.name == "查看身份证号、手机号明文（详情页一键显示，接口、导出为明文，均记入访问日志）"

"""Personal data (PIPL): ID numbers and mobiles masked in every output unless permitted; 显示 with a logged reason;
searching by a whole number only for permitted users; the access log page."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AccessLog
from talents.models import Representative
from tests.factories import UserFactory

from .conftest import ID_A, ID_B, MOBILE_A, MOBILE_B

pytestmark = pytest.mark.django_db

MASKED_MOBILE_A = "138****5678"
MASKED_ID_A = ID_A[:4] + "**********" + ID_A[-4:]


def text(response) -> str:
    return response.content.decode()


def export_rows(response) -> list[dict]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], book


@pytest.fixture
def street_admin(tree):
    """Street staff with the admin site (is_staff) but without view_personal_data."""
    return UserFactory(username="street_a_staff", region=tree["street_a"], role="街道工作人员", is_staff=True)


# ---- masking in every output ----
@pytest.mark.parametrize("role", ["street_a_user", "analyst", "viewer"])
def test_pages_mask_numbers_without_the_permission(request, client, person_a, role):
    client.force_login(request.getfixturevalue(role))
    outputs = {
        "list": client.get(reverse("talents:representative_list")),
        "search": client.get(reverse("talents:representative_list"), {"q": "张建国"}),
        "global search": client.get(reverse("registry:search"), {"q": "zjg"}),
        "detail": client.get(reverse("talents:representative_detail", args=[person_a.pk])),
    }
    for name, response in outputs.items():
        assert response.status_code == 200, name
        body = text(response)
        assert MASKED_MOBILE_A in body, name
        assert MOBILE_A not in body and ID_A not in body, name
    assert MASKED_ID_A in text(outputs["detail"])


def test_pages_mask_for_the_permitted_until_a_one_click_reveal(client, district_admin, person_a):
    client.force_login(district_admin)
    listed = text(client.get(reverse("talents:representative_list")))
    assert MASKED_MOBILE_A in listed and MOBILE_A not in listed
    detail = text(client.get(reverse("talents:representative_detail", args=[person_a.pk])))
    assert MASKED_MOBILE_A in detail and MASKED_ID_A in detail
    assert MOBILE_A not in detail and ID_A not in detail
    assert 'data-testid="reveal-button-mobile"' in detail and "事由（必填）" not in detail  # one click, no reason
    assert not AccessLog.objects.exists()
    response = reveal(client, person_a, reason="")
    assert response.status_code == 200 and MOBILE_A in text(response) and ID_A not in text(response)
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.target_id, log.fields) == (district_admin, "reveal", str(person_a.pk), "手机号")


def test_history_masks_old_and_new_numbers(client, street_a_user, district_admin, person_a):
    Representative.objects.filter(pk=person_a.pk).update(mobile="13900001111")
    url = reverse("talents:representative_detail", args=[person_a.pk])
    client.force_login(street_a_user)
    history = text(client.get(url)).split('id="history"')[1]
    assert "手机号" in history and "139****1111" in history and MASKED_MOBILE_A in history
    assert "13900001111" not in history and MOBILE_A not in history
    client.force_login(district_admin)  # the permitted too: a history is a page, masked for everyone
    history = text(client.get(url)).split('id="history"')[1]
    assert "139****1111" in history and MASKED_MOBILE_A in history
    assert "13900001111" not in history and MOBILE_A not in history


def test_export_masks_unless_permitted(client, street_a_user, district_admin, person_a):
    client.force_login(street_a_user)
    rows, _ = export_rows(client.get(reverse("talents:representative_export")))
    assert [(r["姓名"], r["手机号"], r["身份证号"]) for r in rows] == [("张建国", MASKED_MOBILE_A, MASKED_ID_A)]
    client.force_login(district_admin)
    rows, _ = export_rows(client.get(reverse("talents:representative_export")))
    assert [(r["手机号"], r["身份证号"]) for r in rows] == [(MOBILE_A, ID_A)]
    logs = AccessLog.objects.filter(action="export", target_model="talents.Representative").order_by("pk")
    assert [log.detail["personal_in_clear"] for log in logs] == [False, True]


def test_api_masks_unless_permitted_and_ignores_an_echoed_mask(client, street_a_user, district_admin, person_a):
    client.force_login(street_a_user)
    listed = client.get("/api/v1/talents/representatives/").json()["results"][0]
    detail = client.get(f"/api/v1/talents/representatives/{person_a.pk}/").json()
    for data in (listed, detail):
        assert (data["mobile"], data["id_number"]) == (MASKED_MOBILE_A, MASKED_ID_A)
    # a client that sends back what it read does not overwrite the stored numbers
    response = client.patch(
        f"/api/v1/talents/representatives/{person_a.pk}/",
        {"mobile": MASKED_MOBILE_A, "id_number": MASKED_ID_A, "position": "秘书长"},
        content_type="application/json",
    )
    assert response.status_code == 200
    person_a.refresh_from_db()
    assert (person_a.mobile, person_a.id_number, person_a.position) == (MOBILE_A, ID_A, "秘书长")
    client.force_login(district_admin)
    data = client.get(f"/api/v1/talents/representatives/{person_a.pk}/").json()
    assert (data["mobile"], data["id_number"]) == (MOBILE_A, ID_A)


def test_admin_changelist_change_form_and_history_mask(client, street_admin, district_admin, person_a):
    client.force_login(street_admin)
    changelist = text(client.get(reverse("admin:talents_representative_changelist")))
    assert MASKED_MOBILE_A in changelist and MASKED_ID_A in changelist
    assert MOBILE_A not in changelist and ID_A not in changelist
    change_url = reverse("admin:talents_representative_change", args=[person_a.pk])
    form = text(client.get(change_url))
    assert f'value="{MASKED_MOBILE_A}"' in form and f'value="{MASKED_ID_A}"' in form
    assert MOBILE_A not in form and ID_A not in form
    history = text(client.get(reverse("admin:talents_representative_history", args=[person_a.pk])))
    assert MOBILE_A not in history and ID_A not in history
    client.force_login(district_admin)  # the permitted too: a clear number leaves only through a logged path
    assert MOBILE_A not in text(client.get(reverse("admin:talents_representative_changelist")))
    form = text(client.get(change_url))
    assert f'value="{MASKED_MOBILE_A}"' in form and MOBILE_A not in form and ID_A not in form


def test_edit_form_keeps_the_stored_numbers_when_the_mask_comes_back(client, street_a_user, tree, person_a):
    client.force_login(street_a_user)
    url = reverse("talents:representative_update", args=[person_a.pk])
    form = text(client.get(url))
    assert f'value="{MASKED_MOBILE_A}"' in form and MOBILE_A not in form and ID_A not in form
    data = {
        "name": "张建国",
        "gender": "male",
        "ethnicity": "01",
        "birth_date": "1985-03-02",
        "id_number": MASKED_ID_A,
        "mobile": MASKED_MOBILE_A,
        "political_affiliation": "masses",
        "stratum": "social_org",
        "region": tree["community_a1"].pk,
        "position": "理事长",
    }
    assert client.post(url, data).status_code == 302
    person_a.refresh_from_db()
    assert (person_a.mobile, person_a.id_number, person_a.position) == (MOBILE_A, ID_A, "理事长")
    # an error elsewhere re-renders the form with the mask, never the stored number
    response = client.post(url, {**data, "birth_date": "1985-03-09"})
    assert response.status_code == 400
    assert MOBILE_A not in text(response) and ID_A not in text(response)
    # a newly typed number replaces the stored one
    assert client.post(url, {**data, "mobile": "13700001234"}).status_code == 302
    person_a.refresh_from_db()
    assert person_a.mobile == "13700001234"


# ---- 显示 with a reason ----
def reveal(client, person, field="mobile", reason="电话通知参加培训", **extra):
    return client.post(
        reverse("talents:representative_reveal", args=[person.pk]),
        {"field": field, "reason": reason},
        REMOTE_ADDR="10.0.0.7",
        HTTP_USER_AGENT="pytest",
        **extra,
    )


def test_reveal_requires_a_reason(client, street_a_user, person_a):
    client.force_login(street_a_user)
    response = reveal(client, person_a, reason="   ")
    assert response.status_code == 400
    assert "请填写查看事由" in text(response) and MOBILE_A not in text(response)
    assert not AccessLog.objects.exists()


def test_reveal_shows_one_number_once_and_writes_the_log(client, street_a_user, person_a):
    client.force_login(street_a_user)
    detail = text(client.get(reverse("talents:representative_detail", args=[person_a.pk])))
    assert "确认显示" in detail and 'data-testid="reveal-mobile"' in detail
    response = reveal(client, person_a)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = text(response)
    assert MOBILE_A in body and ID_A not in body  # only the field asked for
    log = AccessLog.objects.get()
    assert (log.user, log.username, log.action) == (street_a_user, "street_a", "reveal")
    assert (log.target_model, log.target_id, log.target_repr) == ("talents.Representative", str(person_a.pk), "张建国")
    assert (log.fields, log.reason, log.ip_address, log.user_agent) == (
        "手机号",
        "电话通知参加培训",
        "10.0.0.7",
        "pytest",
    )
    # nothing is remembered: the next page view is masked again
    again = text(client.get(reverse("talents:representative_detail", args=[person_a.pk])))
    assert MOBILE_A not in again and MASKED_MOBILE_A in again
    # the ID number needs its own reveal
    response = reveal(client, person_a, field="id_number", reason="核对身份")
    assert ID_A in text(response)
    assert list(AccessLog.objects.order_by("pk").values_list("fields", flat=True)) == ["手机号", "身份证号"]


def test_reveal_by_htmx_returns_the_field_only(client, street_a_user, person_a):
    client.force_login(street_a_user)
    response = reveal(client, person_a, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200 and MOBILE_A in body
    assert "<html" not in body and 'id="reveal-mobile"' in body
    missing = reveal(client, person_a, reason="", HTTP_HX_REQUEST="true")
    assert missing.status_code == 200 and "请填写查看事由" in text(missing)  # htmx swaps only 2xx answers
    assert AccessLog.objects.count() == 1


def test_another_streets_person_cannot_be_revealed(client, street_a_user, person_b):
    client.force_login(street_a_user)
    assert client.get(reverse("talents:representative_detail", args=[person_b.pk])).status_code == 404
    assert reveal(client, person_b).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_roles_without_reveal_get_no_button_and_403(request, client, person_a, role):
    client.force_login(request.getfixturevalue(role))
    detail = text(client.get(reverse("talents:representative_detail", args=[person_a.pk])))
    assert MASKED_MOBILE_A in detail and "确认显示" not in detail
    assert reveal(client, person_a).status_code == 403
    assert not AccessLog.objects.exists()


def test_reveal_refuses_other_fields_and_get(client, street_a_user, person_a):
    client.force_login(street_a_user)
    assert reveal(client, person_a, field="name").status_code == 400
    assert client.get(reverse("talents:representative_reveal", args=[person_a.pk])).status_code == 405


# ---- searching by a whole number ----
def test_whole_mobile_or_id_finds_the_person_for_permitted_users_and_is_logged(client, street_a_user, person_a):
    client.force_login(street_a_user)
    url = reverse("talents:representative_list")
    for term in (MOBILE_A, ID_A.lower(), f" {MOBILE_A[:3]} {MOBILE_A[3:]} "):
        response = client.get(url, {"q": term})
        assert [row["object"] for row in response.context["rows"]] == [person_a]
        results = text(response).split("<tbody>")[1].split("</tbody>")[0]  # links and the box echo the query
        assert MASKED_MOBILE_A in results and MOBILE_A not in results  # still masked in the results
    logs = AccessLog.objects.filter(action="search").order_by("pk")
    assert logs.count() == 3
    assert logs[0].target_id == str(person_a.pk) and logs[0].detail["query"] == MASKED_MOBILE_A
    assert logs[1].detail["query"] == MASKED_ID_A
    assert all(MOBILE_A not in log.path and ID_A not in log.path for log in logs)


def test_whole_number_of_another_street_finds_nothing(client, street_a_user, person_b):
    client.force_login(street_a_user)
    response = client.get(reverse("talents:representative_list"), {"q": MOBILE_B})
    assert response.context["rows"] == []
    assert AccessLog.objects.get(action="search").detail["matches"] == 0


def test_partial_digits_never_match(client, district_admin, person_a):
    client.force_login(district_admin)
    url = reverse("talents:representative_list")
    for term in (MOBILE_A[:7], MOBILE_A[-4:], ID_A[:10], ID_A[6:14]):
        assert client.get(url, {"q": term}).context["rows"] == [], term
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_whole_number_finds_nothing_for_roles_without_the_permission(request, client, person_a, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("talents:representative_list"), {"q": MOBILE_A}).context["rows"] == []
    api = client.get("/api/v1/talents/representatives/", {"q": ID_A}).json()
    assert api["count"] == 0
    assert not AccessLog.objects.exists()


def test_search_by_number_in_the_api_global_search_and_export(client, street_a_user, district_admin, person_a):
    client.force_login(district_admin)
    api = client.get("/api/v1/talents/representatives/", {"q": ID_A}).json()
    assert [row["id_number"] for row in api["results"]] == [ID_A]
    found = client.get(reverse("registry:search"), {"q": MOBILE_A}).context["sections"]
    assert [row["object"] for s in found if s["label"] == "代表人士" for row in s["rows"]] == [person_a]
    client.force_login(street_a_user)
    rows, book = export_rows(client.get(reverse("talents:representative_export"), {"q": MOBILE_A}))
    assert [r["手机号"] for r in rows] == [MASKED_MOBILE_A]
    about = {row[0]: row[1] for row in book["导出说明"].iter_rows(values_only=True)}
    assert MOBILE_A not in about["筛选条件"] and MASKED_MOBILE_A in about["筛选条件"]
    export_log = AccessLog.objects.filter(action="export").latest("pk")
    assert export_log.detail["filters"]["搜索"] == MASKED_MOBILE_A and MOBILE_A not in export_log.path


def test_admin_search_by_number(client, street_admin, tree, person_a):
    client.force_login(street_admin)
    url = reverse("admin:talents_representative_changelist")
    assert "张建国" in text(client.get(url, {"q": MOBILE_A}))
    assert "张建国" not in text(client.get(url, {"q": MOBILE_A[:7]}))
    assert AccessLog.objects.filter(action="search").count() == 1


# ---- the access log page ----
@pytest.mark.dates
def test_access_log_page_lists_filters_and_exports(client, street_a_user, district_admin, person_a, person_b):
    client.force_login(street_a_user)
    reveal(client, person_a, reason="电话通知参加培训")
    client.get(reverse("talents:representative_list"), {"q": MOBILE_A})
    assert client.get(reverse("registry:accesslog_list")).status_code == 403
    client.force_login(district_admin)
    url = reverse("registry:accesslog_list")
    page = client.get(url)
    assert page.status_code == 200
    assert [row["object"].action for row in page.context["rows"]] == ["search", "reveal"]
    reveals = client.get(url, {"action": "reveal", "user": street_a_user.pk, "target_model": "talents.Representative"})
    rows = reveals.context["rows"]
    assert len(rows) == 1 and "电话通知参加培训" in text(reveals) and "10.0.0.7" in text(reveals)
    today = timezone.localdate(rows[0]["object"].created_at).isoformat()  # the filter works in Shanghai dates
    assert client.get(url, {"date_from": today, "date_to": today}).context["page"].count == 2
    assert client.get(url, {"date_to": "2000-01-01"}).context["page"].count == 0
    exported, _ = export_rows(client.get(reverse("registry:accesslog_export"), {"action": "reveal"}))
    assert [(r["用户名"], r["事由"], r["字段"], r["对象"]) for r in exported] == [
        ("street_a", "电话通知参加培训", "手机号", "张建国")
    ]


def test_access_log_page_for_roles(client, analyst, viewer, superuser, street_a_user, person_a):
    client.force_login(street_a_user)
    reveal(client, person_a)
    for user in (analyst, viewer):
        client.force_login(user)
        assert client.get(reverse("registry:accesslog_list")).status_code == 403
    client.force_login(superuser)
    assert client.get(reverse("registry:accesslog_list")).context["page"].count == 1


def test_access_log_menu_entry(client, district_admin, street_a_user):
    client.force_login(district_admin)
    assert reverse("registry:accesslog_list") in text(client.get(reverse("registry:dashboard")))
    client.force_login(street_a_user)
    assert reverse("registry:accesslog_list") not in text(client.get(reverse("registry:dashboard")))


def test_the_other_persons_numbers_never_appear(client, street_a_user, person_a, person_b):
    client.force_login(street_a_user)
    for response in (
        client.get(reverse("talents:representative_list")),
        client.get("/api/v1/talents/representatives/"),
        client.get(reverse("talents:duplicates")),
        client.get(reverse("talents:overview")),
    ):
        assert ID_B not in text(response) and MOBILE_B not in text(response) and "李秀英" not in text(response)


def test_the_personal_search_selector_only_reads_and_its_service_logs(rf, street_a_user, person_a):
    from talents import selectors, services

    queryset = Representative.objects.restrict(street_a_user)
    assert list(selectors.personal_search(user=street_a_user, queryset=queryset, term=ID_A)) == [person_a]
    assert not AccessLog.objects.exists()
    request = rf.get("/talents/", {"q": ID_A})
    request.user = street_a_user
    assert list(services.representative_personal_search(request=request, queryset=queryset, term=ID_A)) == [person_a]
    log = AccessLog.objects.get()
    assert (log.action, log.target_id, log.fields) == ("search", str(person_a.pk), "身份证号")

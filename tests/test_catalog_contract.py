"""The same checks for every catalogued model and each action it has (NetBox-style), generated from registry.catalog.

Pages, export and API as a permitted user, as a user of another street (404, or absent from lists), as
anonymous (login / 401-403); the role matrix; export rows = list rows = API count for one filter; no clear
personal value in any page, form, API response or export for a user who sees them masked. A model added to
the catalog gets all of these; its rows come from the row makers of tests/test_query_counts.py.
"""

import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse

from registry import catalog
from registry.personal import personal_fields
from registry.roles import ANALYST, DISTRICT_ADMIN, STREET_STAFF, VIEWER
from tests.factories import UserFactory
from tests.test_query_counts import MAKERS

pytestmark = pytest.mark.django_db

ENTRIES = catalog.entries()
API_ENTRIES = [e for e in ENTRIES if e.has("api")]
LIST_ENTRIES = [e for e in ENTRIES if e.has("list")]
PERSONAL_ENTRIES = [e for e in ENTRIES if personal_fields(e.model)]
# records of a region; the others (a district-wide list such as 活动主题) are the same for every street
SCOPED_ENTRIES = [e for e in ENTRIES if hasattr(e.model._default_manager.all(), "visible_to")]
SCOPED_LIST_ENTRIES = [e for e in SCOPED_ENTRIES if e.has("list")]


def _ids(entries):
    return [e.model._meta.label for e in entries]


def test_every_catalogued_model_has_a_row_maker():
    assert not [label for label in _ids(ENTRIES) if label not in MAKERS], "没有造数据的函数（MAKERS）"


def _in_street(tree, key):
    """The region tree with street ``key`` in street A's place: the row makers build there."""
    return {**tree, "community_a1": tree[f"community_{key}1"], "street_a": tree[f"street_{key}"]}


@pytest.fixture
def rows(tree):
    """Make one record of the entry's model in street A (own) and in street B (other, with all it drags along)."""

    def make(entry):
        model = entry.model
        maker = MAKERS[model._meta.label]
        own = maker(_in_street(tree, "a"))
        before = set(model._default_manager.values_list("pk", flat=True))
        other = maker(_in_street(tree, "b"))
        others = set(model._default_manager.values_list("pk", flat=True)) - before
        return own, other, others

    return make


def _page_urls(entry, pk):
    urls = {}
    for suffix in ("list", "export", "create"):
        if entry.has(suffix):
            urls[suffix] = reverse(entry.url_name(suffix))
    for suffix in ("detail", "update", "delete"):
        if entry.has(suffix):
            urls[suffix] = reverse(entry.url_name(suffix), args=[pk])
    return urls


def _api_list(entry) -> str:
    return reverse(f"{entry.model_name}-list")


def _api_detail(entry, pk) -> str:
    return reverse(f"{entry.model_name}-detail", args=[pk])


def _listed(response) -> set:
    return {obj.pk for obj in response.context["page"].objects}


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_anonymous_is_sent_to_login(client, rows, entry):
    own, _, _ = rows(entry)
    for target in _page_urls(entry, own.pk).values():
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response.url, target
    if entry.has("api"):
        assert client.get(_api_list(entry)).status_code in (401, 403)
        assert client.get(_api_detail(entry, own.pk)).status_code in (401, 403)


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_permitted_user_opens_every_page(client, rows, entry, district_admin):
    own, _, _ = rows(entry)
    client.force_login(district_admin)
    for action, target in _page_urls(entry, own.pk).items():
        response = client.get(target)
        assert response.status_code == 200, (action, target, response.status_code)
    if entry.has("api"):
        assert client.get(_api_list(entry)).status_code == 200
        assert client.get(_api_detail(entry, own.pk)).status_code == 200


@pytest.mark.parametrize("entry", SCOPED_ENTRIES, ids=_ids(SCOPED_ENTRIES))
def test_street_user_gets_404_for_another_streets_record(client, rows, entry, street_a_user):
    own, other, _ = rows(entry)
    client.force_login(street_a_user)
    for suffix in ("detail", "update"):
        if entry.has(suffix):
            assert client.get(reverse(entry.url_name(suffix), args=[own.pk])).status_code == 200
            assert client.get(reverse(entry.url_name(suffix), args=[other.pk])).status_code == 404
    if entry.has("update"):
        assert client.post(reverse(entry.url_name("update"), args=[other.pk]), {}).status_code == 404
    if entry.has("delete"):
        # street staff may not delete at all: a 403 there says nothing about the record
        assert client.get(reverse(entry.url_name("delete"), args=[other.pk])).status_code in (403, 404)
    if entry.has("api"):
        assert client.get(_api_detail(entry, own.pk)).status_code == 200
        assert client.get(_api_detail(entry, other.pk)).status_code == 404
        assert client.patch(_api_detail(entry, other.pk), {}, content_type="application/json").status_code == 404


@pytest.mark.parametrize("entry", SCOPED_ENTRIES, ids=_ids(SCOPED_ENTRIES))
def test_district_admin_of_one_street_gets_404_for_another_streets_record(client, rows, entry, tree):
    own, other, _ = rows(entry)
    staff = UserFactory(username="street_a_admin", region=tree["street_a"], role="区级管理员", is_staff=True)
    client.force_login(staff)
    if entry.has("delete"):
        assert client.get(reverse(entry.url_name("delete"), args=[own.pk])).status_code == 200
        assert client.get(reverse(entry.url_name("delete"), args=[other.pk])).status_code == 404
        assert client.post(reverse(entry.url_name("delete"), args=[other.pk])).status_code == 404
        assert entry.model._default_manager.filter(pk=other.pk).exists()
    if admin.site.is_registered(entry.model):
        opts = entry.model._meta
        change = f"admin:{opts.app_label}_{opts.model_name}_change"
        assert client.get(reverse(change, args=[own.pk])).status_code == 200
        assert client.get(reverse(change, args=[other.pk])).status_code == 404
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert other.pk not in {obj.pk for obj in changelist.context["cl"].result_list}


@pytest.mark.parametrize("entry", SCOPED_LIST_ENTRIES, ids=_ids(SCOPED_LIST_ENTRIES))
def test_street_user_list_export_and_api_hold_only_their_street(client, rows, entry, street_a_user):
    own, _, others = rows(entry)
    client.force_login(street_a_user)
    listed = _listed(client.get(reverse(entry.url_name("list"))))
    assert own.pk in listed and not listed & others
    if entry.has("export"):
        response = client.get(reverse(entry.url_name("export")))
        sheet = _sheet(response)
        assert sheet.max_row - 1 == len(listed)
    if entry.has("api"):
        api = {row["id"] for row in client.get(_api_list(entry)).json()["results"]}
        assert api == listed


def _one_filter(entry, own) -> dict:
    """A ?q= that finds the record when the FilterSet has one, else no filter at all."""
    if "q" not in entry.filterset.base_filters:
        return {}
    for name in ("name", "title"):
        if hasattr(own, name):
            return {"q": getattr(own, name)}
    return {}


@pytest.mark.parametrize("entry", LIST_ENTRIES, ids=_ids(LIST_ENTRIES))
def test_export_rows_match_the_filtered_list_and_the_api_count(client, rows, entry, district_admin):
    own, _, _ = rows(entry)
    client.force_login(district_admin)
    params = _one_filter(entry, own)
    page = client.get(reverse(entry.url_name("list")), params).context["page"]
    assert page.count >= 1
    if entry.has("export"):
        assert _sheet(client.get(reverse(entry.url_name("export")), params)).max_row - 1 == page.count
    if entry.has("api"):
        assert client.get(_api_list(entry), params).json()["count"] == page.count


# what each role may do on the records of its own area
ROLE_MATRIX = [
    ("district_admin", {"list", "detail", "export", "create", "update", "delete"}),
    ("street_a_user", {"list", "detail", "export", "create", "update"}),
    ("analyst", {"list", "detail", "export"}),
    ("viewer", {"list", "detail"}),
]
ROLE_NAMES = {"district_admin": DISTRICT_ADMIN, "street_a_user": STREET_STAFF, "analyst": ANALYST, "viewer": VIEWER}
PAGES_OF_ACTION = {"view": {"list", "detail"}, "add": {"create"}, "change": {"update"}, "delete": {"delete"}}


def _allowed(entry, role: str, default: set) -> set:
    """The matrix above, or what the entry's own role grants give (export: view plus the role's export right)."""
    if entry.role_actions is None:
        return default
    actions = entry.role_actions.get(ROLE_NAMES[role], [])
    pages = {page for action in actions for page in PAGES_OF_ACTION[action]}
    return pages | {"export"} if "view" in actions and "export" in default else pages


@pytest.mark.parametrize(("role", "default"), ROLE_MATRIX, ids=[role for role, _ in ROLE_MATRIX])
@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_role_matrix(request, client, rows, entry, role, default):
    own, _, _ = rows(entry)
    allowed = _allowed(entry, role, default)
    client.force_login(request.getfixturevalue(role))
    for action, target in _page_urls(entry, own.pk).items():
        expected = 200 if action in allowed else 403
        assert client.get(target).status_code == expected, (role, action)
    if entry.has("api"):
        assert client.get(_api_list(entry)).status_code == 200
        write = client.patch(_api_detail(entry, own.pk), {}, content_type="application/json").status_code
        assert write == (200 if "update" in allowed else 403)


@pytest.mark.parametrize("entry", PERSONAL_ENTRIES, ids=_ids(PERSONAL_ENTRIES))
def test_no_clear_personal_value_reaches_a_masked_user(client, rows, entry, street_a_user):
    own, _, _ = rows(entry)
    clear = [str(getattr(own, name)) for name in personal_fields(entry.model) if getattr(own, name)]
    assert clear
    client.force_login(street_a_user)
    bodies = {}
    for action, target in _page_urls(entry, own.pk).items():
        if action == "export":
            sheet = _sheet(client.get(target))
            bodies[action] = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
        else:
            bodies[action] = client.get(target).content.decode()
    if entry.has("api"):
        bodies["api list"] = client.get(_api_list(entry)).content.decode()
        bodies["api detail"] = client.get(_api_detail(entry, own.pk)).content.decode()
    leaks = [(where, value) for where, body in bodies.items() for value in clear if value in body]
    assert not leaks

"""The API fuzzed from its own OpenAPI description: no server error, no answer the description denies.

schemathesis generates requests for every operation of /api/schema/ and sends them through the
real Django app (WSGI, real Postgres), as a district admin and as a street user, each holding an API
token. Bounded and derandomized, so that a run is short and the same on every machine.
"""

import json
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    AssignmentFactory,
    EvaluationFactory,
    LiaisonFactory,
    MembershipFactory,
    NominationFactory,
    OrganizationFactory,
    PartyOrganizationFactory,
    RepresentativeFactory,
    ServiceGroupFactory,
    SurveyFactory,
    TrainingFactory,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}
# valid requests must get an answer the description allows; invalid ones (a string for a number, a
# value out of range, a missing field) at least never a server error
RUNS = [
    (
        GenerationMode.POSITIVE,
        [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    ),
    (GenerationMode.NEGATIVE, [not_a_server_error]),
]


def small_world(tree):
    """A few records of every kind in both streets, linked as in real use."""
    for key, number in (("a", 1), ("b", 2)):
        community = tree[f"community_{key}1"]
        organization = OrganizationFactory(region=community)
        SurveyFactory(organization=organization)
        parent = PartyOrganizationFactory(region=tree[f"street_{key}"])
        PartyOrganizationFactory(region=community, parent=parent)
        AssignmentFactory(liaison=LiaisonFactory(region=community), organization=organization)
        person = RepresentativeFactory(
            region=community, organization=organization, id_number=valid_id_number("19800101", number)
        )
        EvaluationFactory(representative=person)
        NominationFactory(representative=person)
        MembershipFactory(group=ServiceGroupFactory(region=tree[f"street_{key}"]), representative=person)
        TrainingFactory(region=tree[f"street_{key}"])


@contextmanager
def connection_kept_open():
    # a real WSGI handler closes the database connection after each request; the test's transaction
    # lives on it (Django's own test client disconnects the same two receivers)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def run_operation(operation, mode, checks, headers, **fixed) -> str:
    """A few requests of ``mode`` to ``operation``; the first failure found, or ''."""

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks)

    try:
        with connection_kept_open():
            run()
    except (Exception, BaseExceptionGroup) as error:  # collected: one run reports every failing operation
        return " ".join(str(error).split())[:600]
    return ""


def first_row(client, path: str) -> dict | None:
    """The first record the user sees at the list of ``path`` (a list or a detail path), or None."""
    response = client.get(path.split("{id}")[0])
    if response.status_code != 200:
        return None
    listing = json.loads(response.content)
    # a paged list, a plain list, or one object that is no list at all (the activities' 月度统计)
    rows = listing.get("results", []) if isinstance(listing, dict) else listing
    return rows[0] if rows else None


def writable_part(raw: dict, definition: dict, row: dict | None) -> dict | None:
    """The fields of ``row`` that the operation's JSON body takes, or None when it takes no body."""
    content = definition.get("requestBody", {}).get("content", {}).get("application/json")
    if row is None or content is None:
        return None
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = raw["components"]["schemas"][name].get("properties", {})
    return {key: value for key, value in row.items() if key in properties and not properties[key].get("readOnly")}


def fuzz(user) -> list[str]:
    """A few requests to every operation; returns one line per failing operation."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    raw = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        definition = raw["paths"][operation.path][operation.method.lower()]
        for mode, checks in RUNS:
            if mode == GenerationMode.NEGATIVE and not (definition.get("parameters") or "requestBody" in definition):
                continue  # nothing to send wrong
            failure = run_operation(operation, mode, checks, headers)
            if failure:
                failures.append(f"{operation.method.upper()} {operation.path}（{mode.value}）: {failure}")
        # a random id is nearly always a 404, and random data rarely a valid record: the same valid
        # requests also go to a record that exists, and writes also send a record as the API showed it
        mode, checks = RUNS[0]
        fixed = {}
        existing = first_row(client, operation.path)
        if existing is not None and "{id}" in operation.path:
            fixed["path_parameters"] = {"id": existing["id"]}
        body = writable_part(raw, definition, existing)
        if body is not None:
            fixed.update(body=body, media_type="application/json")
        if fixed:
            failure = run_operation(operation, mode, checks, headers, **fixed)
            if failure:
                failures.append(f"{operation.method.upper()} {operation.path}（已有记录）: {failure}")
    return failures


@pytest.mark.parametrize("who", ["district_admin", "street_a_user"])
def test_fuzzed_api_has_no_server_error_and_keeps_to_its_description(request, tree, who):
    small_world(tree)
    failures = fuzz(request.getfixturevalue(who))
    assert not failures, "\n".join(failures)

"""Browser: the API docs page (Swagger UI) works under the project's CSP, for a signed-in user."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_csp_violations(page, live_server, login, street_a_user):
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if msg.type == "error" else None)
    login("street_a")
    page.goto(f"{live_server.url}/api/docs/")
    # the operations are listed: the init script ran and the description was fetched and parsed
    page.wait_for_selector(".opblock-tag-section", timeout=20_000)
    assert page.locator(".opblock").count() > 50
    assert not [e for e in refused if "Content Security Policy" in e or "Refused" in e], refused

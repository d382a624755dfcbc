"""Browser: the API docs page (Swagger UI) works under the project's CSP, for a signed-in user."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_csp_violations(page, live_server, login, street_a_user):
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if msg.type == "error" else None)
    login("street_a")
    page.goto(f"{live_server.url}/api/docs/")
    # the init script ran and the description was fetched and parsed: one folded section per app
    page.wait_for_selector(".opblock-tag-section", timeout=20_000)
    tags = page.locator(".opblock-tag")
    assert sorted(tags.nth(i).get_attribute("data-tag") for i in range(tags.count())) == [
        "activities",
        "organizations",
        "proposals",
        "talents",
    ]
    # an app's operations open on a click (folded by default: all of them at once kept the browser busy)
    page.locator('.opblock-tag[data-tag="proposals"]').click()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/proposals/proposals/{id}/transition/")
    ).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() > 20
    assert not [e for e in refused if "Content Security Policy" in e or "Refused" in e], refused

"""Browser: a street officer issues a 志愿服务记录证明 from a person's page; it reads as an A4 document, and prints
without the menu."""

from decimal import Decimal

import pytest

from tests.browser.helpers import DESKTOP, SHOTS
from tests.factories import ActivityFactory, ParticipationFactory, RepresentativeFactory, last_year, local_datetime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def volunteer(tree):
    person = RepresentativeFactory(name="王志愿", region=tree["community_a1"])
    for month, title, hours in ((3, "敬老院义诊", "3"), (6, "防汛巡查", "2.5"), (9, "社区议事会", "1.5")):
        activity = ActivityFactory(
            title=title, start_at=local_datetime(last_year(), month, 12, 9), region=tree["street_a"]
        )
        ParticipationFactory(activity=activity, representative=person, hours=Decimal(hours))
    return person


def test_issue_from_the_person_page_and_print(login, live_server, volunteer, street_a_user):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = login("street_a")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/talents/{volunteer.pk}/")
    page.get_by_role("link", name="开具志愿服务记录证明").click()
    assert page.get_by_label("出具单位").input_value() == "民治街道办事处"
    page.get_by_role("button", name="开具证明").click()

    certificate = page.get_by_test_id("certificate")
    certificate.wait_for()
    assert page.get_by_role("heading", name="志愿服务记录证明").is_visible()
    assert page.get_by_test_id("certificate-total").inner_text() == "7.0"
    assert page.get_by_test_id("certificate-activities").locator("tbody tr").count() == 3
    # a sheet of paper: about 210 mm wide, centred, with the seal area at its foot
    box = certificate.bounding_box()
    assert 760 <= box["width"] <= 800
    assert abs(box["x"] - (DESKTOP["width"] - box["x"] - box["width"])) < 40
    assert certificate.get_by_text("（盖章）").is_visible()
    page.screenshot(path=str(SHOTS / "certificate_desktop.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator(".app-navbar").is_visible()
    assert not page.get_by_role("button", name="打印").is_visible()
    assert certificate.is_visible()
    page.screenshot(path=str(SHOTS / "certificate_print.png"), full_page=True)

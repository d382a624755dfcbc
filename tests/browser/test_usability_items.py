"""Browser: the usability items a street worker meets on a phone, each seen and kept as a screenshot —
search that finds what is meant, forms that start right, landlines, Chinese errors, a dead end explained."""

import datetime

import pytest
from django.utils import timezone

from organizations.models import Organization
from talents.models import Representative
from tests.browser.helpers import PHONE, SHOTS, log_in, reveal_with_reason
from tests.factories import EvaluationFactory, OrganizationFactory, RepresentativeFactory, valid_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_ELSEWHERE = valid_id_number("19900615", 244, area="440306")


@pytest.fixture
def phone_page(browser, live_server, street_a_user):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, street_a_user.username)
    yield page
    context.close()


def _shot(page, name: str) -> None:
    page.screenshot(path=SHOTS / f"usability_item_{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_search_ranks_the_name_that_starts_with_the_initials_first(phone_page, live_server, tree):
    OrganizationFactory(name="龙华区恒新科技促进会", region=tree["community_a1"])  # "qh" only through 区恒
    OrganizationFactory(name="龙华区清华校友会", region=tree["community_a1"])
    OrganizationFactory(name="龙华区民治启航青年社工服务中心", region=tree["community_a1"])
    phone_page.goto(f"{live_server.url}/search/?q=q h")  # a space typed on a phone keyboard
    _shot(phone_page, "5_search")
    names = phone_page.locator("[data-testid=object-table] tbody tr").all_inner_texts()
    assert "清华校友会" in names[0]
    assert not any("恒新" in name for name in names)


def test_forms_start_at_the_year_to_fill(phone_page, live_server, tree):
    person = RepresentativeFactory(name="王海", region=tree["community_a1"])
    year = timezone.localdate().year
    EvaluationFactory(representative=person, year=year - 1)
    phone_page.goto(f"{live_server.url}/talents/{person.pk}/")
    phone_page.locator(".card", has_text="综合评价").get_by_role("link", name="添加").first.click()
    assert phone_page.locator("#id_year").input_value() == str(year)
    _shot(phone_page, "6_evaluation_year")


def test_a_landline_is_a_contact_phone_not_a_personal_mobile(phone_page, live_server, tree):
    organization = OrganizationFactory(name="民治书画协会", region=tree["community_a1"], contact_phone="")
    phone_page.goto(f"{live_server.url}/organizations/{organization.pk}/edit/")
    phone_page.locator("#id_contact_phone").fill("0755-2345 6789")
    phone_page.get_by_role("button", name="保存").click()
    phone_page.wait_for_url(f"{live_server.url}/organizations/{organization.pk}/")
    assert Organization.objects.get(pk=organization.pk).contact_phone == "0755-2345 6789"
    # masked as a landline (area code and last four kept), and once shown it dials
    assert "0755-**** 6789" in phone_page.get_by_test_id("reveal-contact_phone").inner_text()
    dial = reveal_with_reason(phone_page, "contact_phone", "电话核实地址")
    assert dial.get_attribute("href") == "tel:0755-23456789"
    _shot(phone_page, "7_landline")


def test_errors_are_chinese_pages(phone_page, live_server, tree):
    elsewhere = OrganizationFactory(name="观湖另一街道的协会", region=tree["community_b1"])
    response = phone_page.goto(f"{live_server.url}/organizations/{elsewhere.pk}/")
    assert response.status == 404
    assert "页面不存在" in phone_page.content() and "Not Found" not in phone_page.content()
    _shot(phone_page, "8_not_found")
    api = phone_page.request.get(f"{live_server.url}/api/v1/organizations/organizations/{elsewhere.pk}/")
    assert api.status == 404 and api.json() == {"detail": "记录不存在或不在您的管辖区域内。"}


def test_an_id_number_registered_in_another_street_is_a_dead_end_explained(phone_page, live_server, tree):
    RepresentativeFactory(name="李秀英", region=tree["community_b1"], id_number=ID_ELSEWHERE, gender="female")
    phone_page.goto(f"{live_server.url}/talents/new/")
    phone_page.locator("#id_name").fill("李秀英")
    phone_page.select_option("#id_gender", label="女")
    phone_page.locator("#id_id_number").fill(ID_ELSEWHERE)
    phone_page.locator("#id_birth_date").fill(datetime.date(1990, 6, 15).isoformat())
    phone_page.select_option("#id_region", label="民治1社区")
    phone_page.get_by_role("button", name="保存").click()
    error = phone_page.locator(".invalid-feedback", has_text="管辖区域以外")
    error.wait_for()
    assert error.inner_text() == "该身份证号已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"
    assert "观湖" not in phone_page.content()  # nothing said of where or whom
    assert Representative.objects.filter(id_number=ID_ELSEWHERE).count() == 1
    _shot(phone_page, "9_dead_end")

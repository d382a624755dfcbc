"""Browser: a street worker's round, on a phone during 上门摸底 and at the desk — find an organization by its
pinyin initials, open it, add this year's survey, assign a party instructor with the picker (warned, before
saving, that he would guide an 11th organization), then reveal and call a representative's mobile.
No page of the walk is wider than the screen."""

import pytest
from django.utils import timezone

from organizations.models import AnnualSurvey, Assignment
from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in, reveal_with_reason
from tests.factories import AssignmentFactory, LiaisonFactory, OrganizationFactory, RepresentativeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def round_records(tree):
    for index in range(12):
        OrganizationFactory(name=f"民治社区文体协会{index:02d}", region=tree["community_a1"])
    organization = OrganizationFactory(name="龙华区民治长者综合服务中心", region=tree["community_a1"])
    instructor = LiaisonFactory(name="陈晓刚", region=tree["street_a"], post="组织委员", work_unit="民治街道党工委")
    for _ in range(10):
        AssignmentFactory(liaison=instructor, organization=OrganizationFactory(region=tree["community_a2"]))
    person = RepresentativeFactory(
        name="周敏", region=tree["community_a1"], organization=organization, mobile="13812345678"
    )
    return {"organization": organization, "instructor": instructor, "person": person}


def _fits(page, viewport, step: str, shot: str) -> None:
    page.screenshot(path=SHOTS / f"street_day_{shot}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{step}：页面宽 {width}px，超出屏幕"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_street_workers_round(browser, live_server, street_a_user, round_records, viewport):
    organization, person = round_records["organization"], round_records["person"]
    phone = viewport is PHONE
    size = "phone" if phone else "desktop"
    options = {"is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    try:
        log_in(page, live_server.url, street_a_user.username)
        _fits(page, viewport, "工作台", f"{size}_1_dashboard")

        # find it by the initials of its own name — the district's prefix 龙华区 is not needed
        page.goto(f"{live_server.url}/organizations/?q=mzzz")
        _fits(page, viewport, "按拼音首字母查找", f"{size}_2_search")
        if phone:  # the results come first; the folded panel says a search is set
            assert not page.get_by_test_id("filter-form").is_visible()
            assert "已设 1 项" in page.get_by_test_id("filter-toggle").inner_text()
        rows = page.locator("[data-testid=object-table] tbody tr")
        assert rows.count() == 1 and "民治长者综合服务中心" in rows.first.inner_text()
        rows.first.get_by_role("link", name=organization.name).click()
        page.wait_for_url(f"{live_server.url}/organizations/{organization.pk}/")
        _fits(page, viewport, "社会组织详情", f"{size}_3_organization")

        # this year's survey: the form starts at the current year
        page.locator(".card", has_text="年度摸底调查").get_by_role("link", name="添加").click()
        year = timezone.localdate().year
        assert page.locator("#id_year").input_value() == str(year)
        page.locator("#id_staff_count").fill("35")
        page.locator("#id_party_member_count").fill("2")
        _fits(page, viewport, "摸底调查表单", f"{size}_4_survey")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        survey = AnnualSurvey.objects.get(organization=organization, year=year)
        assert (survey.staff_count, survey.party_member_count) == (35, 2)

        # assign the instructor with the picker, which says how many organizations he already guides
        page.goto(f"{live_server.url}/organizations/{organization.pk}/")
        page.locator(".card", has_text="联络员与党建指导员").get_by_role("link", name="添加").click()
        control = page.locator("#id_liaison-ts-control")
        control.click()
        control.fill("cxg")
        option = page.locator(".ts-dropdown .option", has_text="陈晓刚")
        option.wait_for()
        assert "已指导10家（每人5—10家）" in option.inner_text()
        _fits(page, viewport, "选派党建指导员", f"{size}_5_picker")
        option.click()
        page.select_option("#id_role", label="党建指导员")
        page.locator("#id_start_date").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="保存").click()
        # an 11th organization breaks the 5–10 rule: the form says so, naming the rule, before anything is saved
        warning = page.get_by_test_id("rule-warnings")
        warning.wait_for()
        assert "党建指导员指导超过10家" in warning.inner_text() and "这将是第11家" in warning.inner_text()
        assert not Assignment.objects.filter(organization=organization).exists()
        _fits(page, viewport, "保存前的规则提示", f"{size}_5b_warning")
        page.get_by_label("已知晓上述规则提示，仍然保存").check()
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        assert Assignment.objects.filter(liaison=round_records["instructor"], organization=organization).exists()
        page.goto(f"{live_server.url}/organizations/{organization.pk}/")
        assignments = page.locator(".card", has_text="联络员与党建指导员")
        assert "陈晓刚" in assignments.inner_text()
        if phone:  # a related table of several text columns is stacked as cards, each value labelled
            row = assignments.locator("tbody tr").first
            assert row.evaluate("el => getComputedStyle(el).display") == "block"
            assert "角色" in row.inner_text()
        _fits(page, viewport, "选派后的社会组织详情", f"{size}_6_organization_after")

        # reveal the representative's mobile (a street worker gives a reason) and call it
        page.goto(f"{live_server.url}/talents/?q=zm")
        page.locator("[data-testid=object-table] tbody tr").first.get_by_role("link", name="周敏").click()
        page.wait_for_url(f"{live_server.url}/talents/{person.pk}/")
        assert "138****5678" in page.get_by_test_id("reveal-mobile").inner_text()
        link = reveal_with_reason(page, "mobile", "电话约定上门摸底时间")
        assert link.get_attribute("href") == "tel:13812345678"
        _fits(page, viewport, "显示并拨打手机号", f"{size}_7_call")
    finally:
        context.close()

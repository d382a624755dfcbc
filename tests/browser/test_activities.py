"""Browser: a street worker records an activity with its counted figures, names three participants at once (two
from the pool, one from outside), and finds it on a participant's and on the organizing organization's page —
at the desk and on a 375 px phone, where no screen is wider than the phone."""

import re

import pytest
from playwright.sync_api import expect

from activities.models import Activity
from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in
from tests.factories import OrganizationFactory, RepresentativeFactory, last_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guanlan(tree):
    organization = OrganizationFactory(name="观澜街道长者服务志愿者协会", region=tree["community_b1"])
    people = [
        RepresentativeFactory(name=name, region=tree["community_b1"], organization=organization)
        for name in ("林晓红", "周建国", "黄丽")
    ]
    return {"organization": organization, "people": people}


def _fits(page, size, screen: str) -> None:
    page.screenshot(path=SHOTS / f"activities_{size}_{screen}.png", full_page=True)
    if size == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{screen}: 页面宽 {width}px，超出手机屏幕"


def _pick(page, select_id: str, typed: str, name: str) -> None:
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(typed)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=name)
    option.first.click()
    page.keyboard.press("Escape")


def _month_figures(page, url: str) -> dict:
    """The 月度统计 tiles' exact figures by label ({"参与": 15.0, "捐赠": 500.0, …}); zeros for a month with none."""
    page.goto(url)
    figures = dict.fromkeys(("活动", "社会组织", "参与", "服务时长", "受益", "捐赠", "物资折价"), 0.0)
    tiles = page.get_by_test_id("figures-tiles").locator(".stat-tile")
    for index in range(tiles.count()):
        label = tiles.nth(index).locator(".stat-label").inner_text()
        name, _, exact = label.partition("（")
        text = exact or tiles.nth(index).locator(".stat-value").inner_text()
        figures[name] = float(re.sub(r"[^0-9.]", "", text) or 0)
    return figures


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_street_worker_records_an_activity_and_its_participants(browser, live_server, street_b_user, guanlan, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    viewport = PHONE if size == "phone" else DESKTOP
    options = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    base = live_server.url
    year = last_year()
    try:
        log_in(page, base, street_b_user.username)
        figures_page = f"{base}/activities/figures/?month={year}-06&kind="
        before = _month_figures(page, figures_page)

        # the form: the 主题党日 type only for a 主题党日, the figures under their own heading
        page.goto(f"{base}/activities/new/")
        party_day_kind = page.locator("#id_party_day_kind")
        expect(party_day_kind).to_be_hidden()
        page.select_option("#id_kind", label="主题党日")
        expect(party_day_kind).to_be_visible()
        page.select_option("#id_party_day_kind", label="聚善日")
        page.locator("#id_title").fill("聚善日·长者义剪")
        page.locator("#id_start_at").fill(f"{year}-06-15T09:00")
        page.locator("#id_end_at").fill(f"{year}-06-15T11:30")
        page.locator("#id_place").fill("观澜1社区党群服务中心")
        page.select_option("#id_region", label="观澜街道")
        _pick(page, "id_organizations", "gl", "观澜街道长者服务志愿者协会")
        figures = page.get_by_test_id("fieldset-统计数字")
        expect(figures.locator("legend")).to_have_text("统计数字")
        figures.locator("#id_headcount").fill("15")
        figures.locator("#id_service_hours").fill("30")
        figures.locator("#id_beneficiaries").fill("60")
        figures.locator("#id_donation_amount").fill("500")
        figures.locator("#id_goods_value").fill("1200")
        _fits(page, size, "1_form")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"{base}/activities/*/")
        activity = Activity.objects.get(title="聚善日·长者义剪")
        assert activity.kind_display == "主题党日·聚善日" and activity.headcount == 15
        _fits(page, size, "2_detail")

        # 登记参与人员: two from the pool, one outside name, 2 hours each
        page.get_by_role("link", name="添加").click()
        page.wait_for_url(f"{base}/activities/{activity.pk}/participants/")
        _pick(page, "id_representatives", "lxh", "林晓红")
        _pick(page, "id_representatives", "周建", "周建国")
        page.locator("#id_outside_names").fill("社区居民王阿姨")
        page.locator("#id_hours").fill("2")
        _fits(page, size, "3_participants")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"{base}/activities/{activity.pk}/")
        participants = page.locator(".card", has_text="参与人员（具名3人，6小时")
        for name in ("林晓红", "周建国", "社区居民王阿姨"):
            expect(participants).to_contain_text(name)
        _fits(page, size, "4_detail_with_participants")

        # the month's figure moved by exactly what was entered
        after = _month_figures(page, figures_page)
        assert {key: after[key] - before[key] for key in after} == {
            "活动": 1,
            "社会组织": 1,
            "参与": 15,
            "服务时长": 30,
            "受益": 60,
            "捐赠": 500,
            "物资折价": 1200,
        }
        _fits(page, size, "4b_figures")

        # the activity on the participant's page and on the organization's
        page.goto(f"{base}/talents/{guanlan['people'][0].pk}/")
        block = page.get_by_test_id("person-activities")
        expect(block).to_contain_text("聚善日·长者义剪")
        expect(block.get_by_test_id("years-summary")).to_contain_text(f"{year}年 2小时（1次）")
        _fits(page, size, "5_person")
        page.goto(f"{base}/organizations/{guanlan['organization'].pk}/")
        block = page.get_by_test_id("organization-activities")
        expect(block).to_contain_text("聚善日·长者义剪")
        expect(block.get_by_test_id("years-table")).to_contain_text("1,200.00")
        _fits(page, size, "6_organization")
        block.get_by_role("link", name=f"{year}年").click()
        page.wait_for_url(f"{base}/activities/?*")
        expect(page.get_by_test_id("result-count")).to_have_text("共 1 条")
        _fits(page, size, "7_list")
        if size == "phone":
            card = page.locator("[data-testid=object-table] tbody tr").first
            assert card.evaluate("el => getComputedStyle(el).display") == "block"
    finally:
        context.close()

"""Browser: a 建言 from entry to 办结 through both hands that keep it — the district enters, screens and assigns it;
the unit's 承办单位联络人 sees it (and only it), signs, starts and answers; the district records 不满意 with a new
deadline, the unit answers again, the district records 满意 — and the timeline names every step and who took it.
Then the clock moves past another item's deadline and the list filtered 已逾期 shows it. At the desk and at 375 px."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from proposals import lifecycle
from proposals.catalog import DEPARTMENT_CONTACT
from proposals.models import ItemEvent, Proposal
from tests.browser.helpers import DESKTOP, PHONE, SHOTS, log_in
from tests.factories import (
    ConsultationFactory,
    DepartmentFactory,
    ProposalFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# a fixed working morning, ahead of the machine's clock: the cookies the server sets never expire in the browser's
# past, and no step of the flow can straddle a midnight
START = datetime.datetime(datetime.date.today().year + 1, 6, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def setting(tree, district_admin):
    district_admin.full_name = "张敏"
    district_admin.save()
    civil = DepartmentFactory(name="区民政局", kind="district_body", is_conference_member=True)
    housing = DepartmentFactory(name="区住建局", kind="district_body")
    contact = UserFactory(username="minzheng", full_name="李民政", region=None, role=DEPARTMENT_CONTACT)
    civil.contacts.add(contact)
    consultation = ConsultationFactory(topic="居家养老专题协商会", region=tree["district"])
    proposer = RepresentativeFactory(name="林晓红", region=tree["street_a"])
    consultation.participants.add(proposer)
    return {
        "admin": district_admin,
        "contact": contact,
        "civil": civil,
        "housing": housing,
        "consultation": consultation,
    }


def _another_units_item(setting, tree, due: datetime.date):
    """An item the district gave 区住建局: the 民政局 contact must never see it; its deadline passes later."""
    item = ProposalFactory(title="关于加装电梯审批提速的建议", region=tree["district"])
    lifecycle.transition(user=setting["admin"], item=item, name="screen_in")
    return lifecycle.transition(
        user=setting["admin"], item=item, name="assign", department=setting["housing"], due_date=due
    )


def _shot(page, size, name) -> None:
    page.screenshot(path=SHOTS / f"proposals_{size}_{name}.png", full_page=True)
    if size == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: 页面宽 {width}px，超出手机屏幕"


def _pick(page, select_id: str, typed: str, name: str) -> None:
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(typed)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=name).first.click()
    page.keyboard.press("Escape")


def _step(page, base, label: str, *, size, shot=None, **fields) -> None:
    """Click the 办理 button ``label`` on the item's page, fill the form, confirm, and land back on the item."""
    item_url = page.url
    page.get_by_test_id("transitions").get_by_role("link", name=label).click()
    page.wait_for_url(f"{base}/proposals/items/*/transition/*/")
    for selector, value in fields.items():
        page.locator(f"#id_{selector}").fill(value)
    if shot:
        _shot(page, size, shot)
    page.get_by_role("button", name=f"确认{label}").click()
    page.wait_for_url(item_url)
    expect(page.locator(".alert-success")).to_contain_text(f"已{label}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_proposal_goes_round_twice_and_an_overdue_item_shows_on_the_list(browser, live_server, tree, setting, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    viewport = PHONE if size == "phone" else DESKTOP
    options = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    base = live_server.url
    contexts = []

    def person(username):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        log_in(page, base, username)
        return page

    try:
        with time_machine.travel(START, tick=True):
            today = START.date()
            late = _another_units_item(setting, tree, due=today + datetime.timedelta(days=2))
            admin = person(setting["admin"].username)

            # 录入 from the consultation's page: 添加建言 opens the form with the consultation chosen
            admin.goto(f"{base}/proposals/consultations/{setting['consultation'].pk}/")
            _shot(admin, size, "1_consultation")
            admin.get_by_test_id("consultation-proposals").get_by_role("link", name="添加建言").click()
            admin.wait_for_url(f"{base}/proposals/proposals/new/?*")
            expect(admin.locator("#id_consultation option:checked")).to_have_text(str(setting["consultation"]))
            admin.locator("#id_title").fill("关于增设社区长者饭堂的建议")
            admin.locator("#id_content").fill("建议每个社区设一处长者饭堂，解决独居老人吃饭难。")
            _pick(admin, "id_proposers", "lxh", "林晓红")
            admin.get_by_role("button", name="保存").click()
            admin.wait_for_url(f"{base}/proposals/proposals/*/")
            item = Proposal.objects.get(title="关于增设社区长者饭堂的建议")
            assert item.consultation == setting["consultation"] and item.state == "submitted"
            expect(admin.get_by_test_id("item-state")).to_have_text("已提交")

            # 筛选 and 交办 to 区民政局 with the deadline the form proposes (a month ahead)
            _step(admin, base, "筛选：采纳并待交办", size=size)
            admin.get_by_test_id("transitions").get_by_role("link", name="交办").click()
            expect(admin.locator("#id_due_date")).to_have_value((today + datetime.timedelta(days=30)).isoformat())
            _pick(admin, "id_department", "mz", "区民政局")
            _shot(admin, size, "2_assign_form")
            admin.get_by_role("button", name="确认交办").click()
            admin.wait_for_url(f"{base}/proposals/proposals/{item.pk}/")
            expect(admin.get_by_test_id("item-state")).to_have_text("已交办")
            expect(admin.get_by_test_id("deadline")).to_contain_text("还剩 30 天")

            # the unit's contact: their list holds this item and nothing else
            contact = person(setting["contact"].username)
            contact.goto(f"{base}/proposals/proposals/")
            expect(contact.get_by_test_id("result-count")).to_have_text("共 1 条")
            table = contact.get_by_test_id("object-table")
            expect(table).to_contain_text("关于增设社区长者饭堂的建议")
            expect(table).not_to_contain_text("加装电梯")
            _shot(contact, size, "3_contact_list")
            table.get_by_role("link", name="关于增设社区长者饭堂的建议").click()
            contact.wait_for_url(f"{base}/proposals/proposals/{item.pk}/")
            expect(contact.get_by_role("link", name="编辑")).to_have_count(0)
            expect(contact.get_by_role("link", name="删除")).to_have_count(0)
            _shot(contact, size, "4_contact_item")
            _step(contact, base, "签收", size=size)
            _step(contact, base, "开始办理", size=size)
            _step(contact, base, "答复", size=size, shot="5_answer_form", answer="已在12个社区试点长者饭堂。")
            expect(contact.get_by_test_id("item-answer")).to_contain_text("已在12个社区试点长者饭堂。")
            expect(contact.get_by_test_id("transitions")).to_have_count(0)

            # 不满意: reopened with a new deadline, round 2
            admin.reload()
            expect(admin.get_by_test_id("item-answer")).to_contain_text("已在12个社区试点长者饭堂。")
            new_due = (today + datetime.timedelta(days=20)).isoformat()
            _step(
                admin,
                base,
                "建言人评价：不满意（重新办理）",
                size=size,
                shot="6_unsatisfied_form",
                remark="仅试点，未覆盖全区。",
                due_date=new_due,
            )
            expect(admin.get_by_test_id("item-state")).to_have_text("办理中（第2轮）")

            contact.reload()
            expect(contact.get_by_test_id("item-state")).to_have_text("办理中（第2轮）")
            _step(contact, base, "答复", size=size, answer="年内覆盖全区56个社区。")

            admin.reload()
            _step(admin, base, "建言人评价：满意", size=size)
            expect(admin.get_by_test_id("item-state")).to_have_text("已办结")
            expect(admin.get_by_test_id("item-answer")).to_contain_text("年内覆盖全区56个社区。")
            expect(admin.get_by_test_id("item-answer")).to_contain_text("评价：满意")

            # the timeline: every step, in order, with who took it
            steps = admin.get_by_test_id("timeline-step")
            expected = [
                ("录入", "张敏"),
                ("筛选：采纳并待交办", "张敏"),
                ("交办", "张敏"),
                ("签收", "李民政"),
                ("开始办理", "李民政"),
                ("答复", "李民政"),
                ("建言人评价：不满意（重新办理）", "张敏"),
                ("答复", "李民政"),
                ("建言人评价：满意", "张敏"),
            ]
            expect(steps).to_have_count(len(expected))
            for index, (label, who) in enumerate(expected):
                expect(steps.nth(index).locator(".timeline-label")).to_have_text(label)
                expect(steps.nth(index).locator(".timeline-actor")).to_have_text(who)
            expect(steps.nth(2)).to_contain_text("区民政局")
            expect(steps.nth(6)).to_contain_text("仅试点，未覆盖全区。")
            expect(steps.nth(6)).to_contain_text(new_due)
            assert ItemEvent.objects.filter(item=item).count() == len(expected)
            _shot(admin, size, "7_concluded")

            # back on the consultation's page, the 建言 is listed with its state
            admin.get_by_test_id("item-origin").get_by_role("link").click()
            section = admin.get_by_test_id("consultation-proposals")
            expect(section.locator("tbody tr")).to_have_count(1)
            expect(section.locator("tbody tr .badge.text-bg-success")).to_have_text("已办结")
            _shot(admin, size, "7b_consultation_with_proposal")

        # three days on, 区住建局's deadline has passed: the list filtered 已逾期 shows that item, marked
        with time_machine.travel(START + datetime.timedelta(days=3), tick=True):
            admin = person(setting["admin"].username)  # the two-hour session has lapsed meanwhile
            admin.goto(f"{base}/proposals/proposals/")
            if size == "phone":
                admin.get_by_test_id("filter-toggle").click()
            admin.locator("#id_overdue").select_option(label="是")
            admin.get_by_test_id("filter-form").get_by_role("button", name="筛选").click()
            admin.wait_for_url(f"{base}/proposals/proposals/?*overdue=true*")
            expect(admin.get_by_test_id("result-count")).to_have_text("共 1 条")
            row = admin.locator("[data-testid=object-table] tbody tr.row-overdue")
            expect(row).to_have_count(1)
            expect(row).to_contain_text(late.title)
            expect(row.locator(".badge.text-bg-danger")).to_have_text("已交办·已逾期")
            _shot(admin, size, "8_overdue_list")
            if size == "phone":
                assert row.evaluate("el => getComputedStyle(el).display") == "block"
            row.get_by_role("link", name=late.title).click()
            expect(admin.get_by_test_id("overdue")).to_contain_text("已逾期 1 天")
            _shot(admin, size, "9_overdue_item")
    finally:
        for context in contexts:
            context.close()

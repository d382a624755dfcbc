"""两个覆盖 on the hand-built district of conftest.py: each number below was counted by hand."""

import pytest

from organizations import coverage

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def rows_by_label(rows):
    return {r.label: (r.total, r.org_covered, r.work_covered, r.org_rate, r.work_rate) for r in rows}


def test_district_rates_by_street(district_orgs, tree, district_admin):
    rows = rows_by_label(coverage.coverage_by_region(user=district_admin, region=tree["district"]))
    # A: O1–O6 (O7 deregistered); organizational O1 O2 O3; work + O4 O5 (instructor); O6 uncovered
    assert rows["民治街道"] == (6, 3, 5, 50.0, 83.3)
    # B: O8–O21; organizational O8; work O8, O9 (党建联络员), O11–O21 (instructor); O10 uncovered
    assert rows["观澜街道"] == (14, 1, 13, 7.1, 92.9)
    totals = coverage.coverage_totals(user=district_admin)
    assert (totals.total, totals.org_covered, totals.work_covered) == (20, 4, 18)
    assert (totals.org_rate, totals.work_rate) == (20.0, 90.0)


def test_rates_by_community_include_the_street_itself(district_orgs, tree, district_admin):
    rows = rows_by_label(coverage.coverage_by_region(user=district_admin, region=tree["street_a"]))
    assert rows["民治1社区"] == (3, 2, 2, 66.7, 66.7)  # O1 O2 O6
    assert rows["民治2社区"] == (2, 1, 2, 50.0, 100.0)  # O3 O4
    assert rows["民治街道（本级）"] == (1, 0, 1, 0.0, 100.0)  # O5


def test_rates_by_industry(district_orgs, district_admin):
    rows = rows_by_label(coverage.coverage_by_industry(user=district_admin))
    # 社工: O1 O2 O6 O8 O11–O21 = 15; organizational O1 O2 O8; work all but O6
    assert rows["社会工作服务"] == (15, 3, 14, 20.0, 93.3)
    # 养老: O3 O4 O5 O9 O10; organizational O3; work O3 O4 O5 O9
    assert rows["养老服务"] == (5, 1, 4, 20.0, 80.0)


def test_uncovered_list(district_orgs, district_admin):
    names = [o.name for o in coverage.uncovered_organizations(user=district_admin)]
    assert names == ["测试组织O6", "测试组织O10"]


def test_street_user_sees_only_their_street(district_orgs, tree, street_a_user):
    totals = coverage.coverage_totals(user=street_a_user)
    assert (totals.total, totals.org_covered, totals.work_covered) == (6, 3, 5)
    assert [o.name for o in coverage.uncovered_organizations(user=street_a_user)] == ["测试组织O6"]


def breach_pairs(breaches):
    return {(b.rule, b.subject) for b in breaches}


def test_every_breach_rule_fires_exactly_where_it_should(district_orgs, district_admin):
    pairs = breach_pairs(coverage.rule_breaches(user=district_admin))
    assert pairs == {
        ("instructor_overload", "L8"),  # 11 organizations
        ("instructor_underload", "L3"),  # 2 organizations; L2's single one is a 40-staff 1:1 case
        ("large_without_instructor", "测试组织O4"),  # 35 staff, its instructor also guides O5; O1 has L2 1:1
        ("party_org_without_uf_member", "测试组织O8"),  # O1 has L1
        ("uf_liaison_with_party_org", "测试组织O8"),
        ("uf_member_without_party_org", "测试组织O10"),
        ("should_build", "测试组织O4"),  # 3 resident members; O2/O3 are in a joint branch, O9's are mobile
        ("mobile_branch_missing", "测试组织O9"),
        ("mobile_unattached", "测试组织O5"),  # O2's mobile member is in joint branch J
        ("work_uncovered", "测试组织O6"),  # L4's assignment ended
        ("work_uncovered", "测试组织O10"),  # a 统战委员 does not cover; L4 starts next month
    }


def test_fixing_a_breach_clears_it(district_orgs, district_admin):
    from tests.factories import AssignmentFactory, LiaisonFactory

    o = district_orgs["orgs"]
    AssignmentFactory(
        liaison=LiaisonFactory(name="L9", region=district_orgs["liaisons"]["L1"].region),
        organization=o["O8"],
        role="uf_member",
    )
    pairs = breach_pairs(coverage.rule_breaches(user=district_admin))
    assert ("party_org_without_uf_member", "测试组织O8") not in pairs
    # and moving L3's second organization away makes O4's instructor its own (1:1)
    o["O5"].assignments.all().delete()
    pairs = breach_pairs(coverage.rule_breaches(user=district_admin))
    assert ("large_without_instructor", "测试组织O4") not in pairs
    assert ("instructor_underload", "L3") not in pairs  # 1:1 with a 35-staff organization


def test_breaches_of_one_organization(district_orgs, district_admin):
    o8 = district_orgs["orgs"]["O8"]
    rules = {b.rule for b in coverage.rule_breaches(user=district_admin, organization=o8)}
    assert rules == {"party_org_without_uf_member", "uf_liaison_with_party_org"}


def test_street_user_breaches_stay_in_scope(district_orgs, street_a_user):
    subjects = {b.subject for b in coverage.rule_breaches(user=street_a_user)}
    assert "测试组织O8" not in subjects and "L8" not in subjects
    assert {"测试组织O4", "L3"} <= subjects  # L3's assignments are in street A


def test_coverage_page_shows_the_numbers(client, district_orgs, tree, district_admin):
    client.force_login(district_admin)
    response = client.get("/organizations/coverage/", {"region": tree["district"].pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "50.0%" in body and "83.3%" in body and "92.9%" in body
    assert "测试组织O6" in body  # uncovered list
    filtered = client.get("/organizations/coverage/", {"region": tree["district"].pk, "rule": "should_build"})
    assert "测试组织O4" in filtered.content.decode()
    assert "测试组织O9" not in filtered.content.decode().split('data-testid="breach-table"')[1]


def test_coverage_page_of_another_street_is_404(client, district_orgs, tree, street_a_user):
    client.force_login(street_a_user)
    assert client.get("/organizations/coverage/", {"region": tree["street_b"].pk}).status_code == 404


def test_rule_filter_on_the_list_matches_the_breach_list(client, district_orgs, district_admin):
    client.force_login(district_admin)
    for rule in coverage.ORGANIZATION_RULES:
        listed = {row["object"].name for row in client.get("/organizations/", {"rule": rule}).context["rows"]}
        expected = {b.subject for b in coverage.rule_breaches(user=district_admin, rule=rule)}
        assert listed == expected, rule


def test_breach_counts_match_the_breaches(district_orgs, district_admin):
    counts = {item["rule"]: item["count"] for item in coverage.breach_counts(user=district_admin)}
    breaches = coverage.rule_breaches(user=district_admin)
    assert counts == {rule: sum(1 for b in breaches if b.rule == rule) for rule in coverage.RULES}
    assert counts["work_uncovered"] == 2 and counts["instructor_overload"] == 1


def test_a_community_with_no_organizations_shows_no_rate(client, district_orgs, tree, district_admin):
    import re

    from tests.factories import RegionFactory

    RegionFactory(code="440309002009", name="空白社区", level="community", parent=tree["street_a"])
    client.force_login(district_admin)
    body = client.get("/organizations/coverage/", {"region": tree["street_a"].pk}).content.decode()
    row = body.split("空白社区</a></td>")[1].split("</tr>")[0]
    # a figure is a link to its list: read the cell's text
    cells = [re.sub(r"<[^>]*>", "", cell.split(">", 1)[1]) for cell in row.split("<td")[1:]]
    assert cells == ["0", "0", "—", "0", "—"]


def test_the_dashboard_lists_what_to_fix_with_links(client, district_orgs, tree, street_a_user, street_b_user):
    import re

    from organizations.coverage import breach_counts

    for user, street in ((street_a_user, "street_a"), (street_b_user, "street_b")):
        client.force_login(user)
        body = client.get("/").content.decode()
        panel = body.split('data-testid="todo-items"')[1].split("</div>")[0]
        item = r'href="/organizations/coverage/\?rule=(\w+)">\s*<span>([^<]+)</span><span[^>]*>(\d+)<'
        shown = re.findall(item, panel)
        expected = [
            (row["rule"], row["title"], str(row["count"]))
            for row in breach_counts(user=user, region=tree[street])
            if row["count"]
        ]
        assert shown == expected and len(expected) >= 2


def test_the_dashboard_todo_queries_do_not_grow_with_the_district(
    client, district_orgs, tree, street_b_user, django_assert_max_num_queries
):
    client.force_login(street_b_user)
    # 24: the tracked items' 督办 (proposals.supervision) adds one aggregate query, whatever the district's size;
    # 25: the coverage panel and the todos each ask whether the stored coverage holds for today (one indexed read);
    # 26 under a test clock, where the rows the triggers dated by the database's clock are refreshed once;
    # 30: one query per 12-month trend (coverage, registrations, pool, volunteer 人次), whatever the size too
    with django_assert_max_num_queries(30):
        client.get("/")

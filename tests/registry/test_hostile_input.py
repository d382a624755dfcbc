"""Hostile query strings on every list page, export and API list: never a 500."""

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

HOSTILE = [
    {"page": str(10**20)},
    {"page": "-1"},
    {"page": "abc"},
    {"q": "\x00"},
    {"q": "a\x00b"},
    {"q": "\x07"},
    {"year": "-1"},
    {"year": "1.5"},
    {"year": "99999999"},
]


def list_url_names() -> list[str]:
    """Every ``<app>:<model>_list`` (and _export) URL name the project has."""
    names = []
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        for name in sub.reverse_dict:
            if isinstance(name, str) and (name.endswith("_list") or name.endswith("_export")):
                names.append(f"{namespace}:{name}")
    # the API's router names its lists <model>-list, outside any namespace
    names += [name for name in resolver.reverse_dict if isinstance(name, str) and name.endswith("-list")]
    names.append("registry:search")
    return sorted(set(names))


def test_the_crawler_finds_the_lists():
    names = list_url_names()
    assert "organizations:organization_list" in names
    assert "talents:training_list" in names
    assert "talents:training_export" in names
    assert "registry:region_list" in names
    assert "organization-list" in names


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: repr(p))
def test_no_list_page_breaks_on_hostile_input(client, street_a_user, params):
    street_a_user.user_permissions.add(*_export_permission())
    client.force_login(street_a_user)
    failures = []
    for name in list_url_names():
        try:
            url = reverse(name)
        except NoReverseMatch:  # a list that needs arguments is not crawled
            continue
        response = client.get(url, params)
        if response.status_code >= 500:
            failures.append((name, response.status_code))
    assert failures == []


def _export_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="export_data")


# ---- control characters: refused on input, stripped on output ----


def test_the_validator_names_the_field_and_keeps_line_breaks_in_multiline_text():
    from django.core.exceptions import ValidationError

    from registry.validators import validate_no_control_characters

    validate_no_control_characters("第一行\n第二行\t缩进", multiline=True)
    validate_no_control_characters(None)
    with pytest.raises(ValidationError) as refused:
        validate_no_control_characters("第一行\n第二行", label="名称")
    assert refused.value.messages == ["“名称”含有不可见的控制字符（U+000A），请删除后重新填写。"]
    with pytest.raises(ValidationError, match="U\\+0007"):
        validate_no_control_characters("响\x07铃", multiline=True)


def _organization_form(tree, **overrides):
    from tests.factories import valid_credit_code

    data = {
        "name": "深圳市龙华区新建社工服务中心",
        "credit_code": valid_credit_code(77),
        "kind": "service_institution",
        "status": "normal",
        "region": tree["community_a1"].pk,
    }
    data.update(overrides)
    return data


def test_the_form_refuses_a_control_character_with_the_field_named(client, tree, street_a_user):
    from organizations.models import Organization

    client.force_login(street_a_user)
    url = reverse("organizations:organization_create")
    response = client.post(url, _organization_form(tree, name="新建\x07社工服务中心"))
    assert response.status_code == 400
    assert "“名称”含有不可见的控制字符（U+0007）" in response.content.decode()
    response = client.post(url, _organization_form(tree, name="新建\x00社工服务中心"))
    assert response.status_code == 400
    assert "“名称”含有不可见的控制字符（U+0000）" in response.content.decode()
    assert not Organization.objects.exists()
    # a multi-line 备注 keeps its line breaks
    response = client.post(url, _organization_form(tree, remarks="第一行\r\n第二行"))
    assert response.status_code == 302
    assert Organization.objects.get().remarks == "第一行\r\n第二行"


def test_the_api_refuses_a_control_character_with_the_field_named(client, tree, street_a_user):
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(region=tree["community_a1"], name="原名称")
    client.force_login(street_a_user)
    url = f"/api/v1/organizations/organizations/{org.pk}/"
    response = client.patch(url, {"name": "新\x1b名称"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["name"] == ["“名称”含有不可见的控制字符（U+001B），请删除后重新填写。"]
    org.refresh_from_db()
    assert org.name == "原名称"
    response = client.patch(url, {"remarks": "第一行\n第二行"}, content_type="application/json")
    assert response.status_code == 200


def test_an_old_name_with_a_control_character_does_not_break_the_export(client, tree, district_admin):
    import io

    import openpyxl

    from tests.factories import OrganizationFactory

    OrganizationFactory(region=tree["community_a1"], name="旧数据\x07社工服务中心")
    client.force_login(district_admin)
    response = client.get(reverse("organizations:organization_export"), {"q": "旧数据"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert "旧数据社工服务中心" in rows[0]


def test_a_nul_in_the_region_search_is_a_message_not_the_whole_tree(client, street_a_user):
    client.force_login(street_a_user)
    response = client.get(reverse("registry:region_list"), {"q": "民\x00治"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "“搜索”含有不可见的控制字符（U+0000）" in body
    assert "没有符合条件的区划" in body


def test_year_out_of_range_is_a_message_on_the_page_and_a_refused_export(client, street_a_user, analyst):
    client.force_login(street_a_user)
    cases = (("-1", "年份不能早于 1900 年"), ("1.5", "请填写四位数字的年份"), ("99999999", "年份不能晚于 2100 年"))
    for year, message in cases:
        response = client.get(reverse("talents:training_list"), {"year": year})
        assert response.status_code == 200
        assert f"年度：{message}" in response.content.decode()
    client.force_login(analyst)
    response = client.get(reverse("talents:training_export"), {"year": "-1"})
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "未导出：筛选条件有误。年度：年份不能早于 1900 年。" in follow.content.decode()

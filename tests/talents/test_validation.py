"""One person, one valid record: GB 11643 checksum, birth date and gender agreeing with the ID number, uniqueness."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from talents.choices import ETHNIC_GROUPS, Ethnicity
from talents.models import Representative
from tests.factories import valid_id_number

from .conftest import ID_A

pytestmark = pytest.mark.django_db


def build(tree, **fields):
    values = {"name": "王小明", "region": tree["community_a1"], "gender": "male", **fields}
    return Representative(**values)


def errors_of(person) -> dict:
    with pytest.raises(ValidationError) as info:
        person.full_clean()
    return info.value.message_dict


def test_the_56_ethnic_groups_in_the_standard_order():
    assert len(ETHNIC_GROUPS) == len(Ethnicity.choices) == 56
    assert Ethnicity.choices[0] == ("01", "汉族")
    assert Ethnicity.choices[1] == ("02", "蒙古族")
    assert Ethnicity.choices[-1] == ("56", "基诺族")
    assert len(set(ETHNIC_GROUPS)) == 56


def test_wrong_check_digit_is_refused(tree):
    good = valid_id_number("19850302", 123)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    messages = errors_of(build(tree, id_number=bad, birth_date=datetime.date(1985, 3, 2)))
    assert any("校验位错误" in m for m in messages["id_number"])


def test_birth_date_must_agree_with_the_id_number(tree):
    messages = errors_of(build(tree, id_number=ID_A, birth_date=datetime.date(1985, 3, 20)))
    assert messages["birth_date"] == ["出生日期与身份证号不一致（身份证号第7—14位是出生日期），请核对后修改其中之一。"]
    # the message names the mismatch without echoing the number's digits
    assert "19850302" not in messages["birth_date"][0]


def test_gender_must_agree_with_the_id_number(tree):
    messages = errors_of(build(tree, id_number=ID_A, gender="female", birth_date=datetime.date(1985, 3, 2)))
    assert messages["gender"] == ["性别与身份证号不一致（身份证号第17位奇数为男、偶数为女），请核对后修改其中之一。"]


def test_blank_birth_date_and_gender_are_taken_from_the_id_number(tree):
    woman = valid_id_number("19920229", 246)
    person = build(tree, id_number=woman.lower(), gender="", birth_date=None)
    person.full_clean()
    assert person.birth_date == datetime.date(1992, 2, 29)
    assert person.gender == "female"
    person.save()
    assert person.id_number == woman  # stored upper-case (an X check digit)


def test_id_number_is_unique_among_live_records(tree, person_a):
    messages = errors_of(build(tree, id_number=ID_A, birth_date=datetime.date(1985, 3, 2), name="张建国"))
    assert messages["__all__"] == ["该身份证号已登记为另一位代表人士（一人一档）：请先按身份证号检索已有记录。"]
    # a merged duplicate keeps its number for the record without blocking it
    duplicate = build(tree, name="张建国", birth_date=datetime.date(1985, 3, 2))
    duplicate.save()
    Representative.objects.filter(pk=duplicate.pk).update(id_number=ID_A, merged_into=person_a)


def test_admitted_needs_a_level_and_region_is_a_street_or_community(tree):
    person = build(tree, status="admitted", level="", region=tree["district"])
    messages = errors_of(person)
    assert messages["level"] == ["入库时请选择入库级别（市级或区级）。"]
    assert messages["region"] == ["代表人士的所属区域应为街道或社区。"]


def test_the_form_shows_the_messages(client, tree, street_a_user):
    client.force_login(street_a_user)
    response = client.post(
        reverse("talents:representative_create"),
        {
            "name": "王小明",
            "gender": "female",
            "ethnicity": "01",
            "birth_date": "1985-03-20",
            "id_number": ID_A,
            "political_affiliation": "masses",
            "stratum": "social_org",
            "region": tree["community_a1"].pk,
            "status": "admitted",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "出生日期与身份证号不一致" in body
    assert "性别与身份证号不一致" in body
    assert "入库时请选择入库级别" in body
    assert not Representative.objects.exists()

import datetime

import pytest
from django.core.exceptions import ValidationError

from registry.validators import (
    id_number_birth_date,
    id_number_gender,
    normalize_code,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

# Published codes of real registrants (enterprises and social organizations).
REAL_CREDIT_CODES = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91350100M000100Y43",  # the example printed in GB 32100-2015
    "91110000802100433B",
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_pass(code):
    validate_credit_code(code)


def test_credit_code_accepts_lower_case_full_width_and_spaces():
    validate_credit_code(" 91440300708461136t ")
    validate_credit_code("９１４４０３００７０８４６１１３６Ｔ")
    assert normalize_code(" 9144 0300 708461136t") == "91440300708461136T"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91440300708461136A", "校验位错误：末位应为 T，实际为 A"),
        ("914403001922038217", "末位应为 6"),
        ("9144030070846113", "应为18位，当前为16位"),
        ("9144030070846I136T", "不允许的字符：I"),
        ("91AB0300708461136T", "第3—8位"),
    ],
)
def test_bad_credit_codes_say_why(code, message):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert message in info.value.messages[0]


# The sample numbers printed in GB 11643-1999 and widely used as examples.
def test_standard_id_numbers_pass():
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")


def test_id_number_birth_date_and_gender():
    assert id_number_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert id_number_gender("11010519491231002X") == "female"  # 17th digit 2
    assert id_number_gender("440301199001011233") == "male"  # 17th digit 3


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "校验位错误：末位应为 X，实际为 1"),
        ("110105194902310025", "出生日期 19490231 不是有效日期"),
        ("990105194912310020", "前两位 99"),
        ("11010519491231002", "应为18位，当前为17位"),
        ("110105491231002", "15位旧号码"),
        ("1101051949123100AX", "前17位应为数字"),
    ],
)
def test_bad_id_numbers_say_why(number, message):
    with pytest.raises(ValidationError) as info:
        validate_id_number(number)
    assert message in info.value.messages[0]


def test_id_number_birth_date_in_the_future_is_refused():
    from registry.validators import id_number_check_char

    first17 = "44030120991231123"
    with pytest.raises(ValidationError, match="不合理"):
        validate_id_number(first17 + id_number_check_char(first17))


@pytest.mark.parametrize("mobile", ["13812345678", "１３８１２３４５６７８", "199 0000 1111"])
def test_mobiles_pass(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "0755-1234567"])
def test_bad_mobiles(mobile):
    with pytest.raises(ValidationError, match="11位"):
        validate_mobile(mobile)

"""Checksums of the 统一社会信用代码 (GB 32100-2015) and the 居民身份证号码 (GB 11643-1999); no control characters."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# First two digits of the 行政区划代码: provinces, autonomous regions, municipalities, HK/MO/TW.
PROVINCE_CODES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
    "91",
}

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)


def normalize_code(value: str | None) -> str:
    """Upper-case, half-width, without spaces: how codes are stored and compared."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", str(value).translate(_FULL_WIDTH)).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalize_code(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位，当前为%(n)d位。", code="credit_code_length", params={"n": len(code)}
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。",
            code="credit_code_charset",
            params={"chars": "、".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3—8位应为登记管理机关行政区划码（数字）。", code="credit_code_area")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "统一社会信用代码校验位错误：末位应为 %(expected)s，实际为 %(actual)s，请核对是否录入有误。",
            code="credit_code_checksum",
            params={"expected": expected, "actual": code[17]},
        )


# GB 32100-2015 附录A: the 登记管理部门码 (1st character) and, for 民政 (5), the 机构类别码 (2nd).
CREDIT_CODE_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
CIVIL_AFFAIRS_CATEGORIES = {"1": "社会团体", "2": "民办非企业单位（社会服务机构）", "3": "基金会", "9": "其他"}


def validate_credit_code_issuer(value: str, *, category: str, kind_label: str) -> None:
    """A well-formed code must also be one 民政 (5) issues for the organization's kind (category ``category``)."""
    code = normalize_code(value)
    if len(code) != 18:
        return  # validate_credit_code reports the code itself
    if code[0] != "5":
        issuer = CREDIT_CODE_AUTHORITIES.get(code[0], "未知部门")
        raise ValidationError(
            "统一社会信用代码第1位是登记管理部门码：社会组织由民政部门登记，应为 5，实际为 %(actual)s（%(issuer)s），"
            "这不是社会组织的代码。",
            code="credit_code_authority",
            params={"actual": code[0], "issuer": issuer},
        )
    if code[1] != category:
        actual = CIVIL_AFFAIRS_CATEGORIES.get(code[1], "未知类别")
        raise ValidationError(
            "统一社会信用代码第2位是机构类别码：%(kind)s应为 %(expected)s，实际为 %(actual)s（%(label)s），"
            "请核对组织类型或代码。",
            code="credit_code_category",
            params={"kind": kind_label, "expected": category, "actual": code[1], "label": actual},
        )


def id_number_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_number_birth_date(value: str) -> datetime.date | None:
    code = normalize_code(value)
    try:
        return datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def id_number_gender(value: str) -> str:
    """'male' or 'female', from the parity of the 17th digit (顺序码)."""
    return "male" if int(normalize_code(value)[16]) % 2 == 1 else "female"


def validate_id_number(value: str) -> None:
    code = normalize_code(value)
    if len(code) == 15 and code.isdigit():
        raise ValidationError("请填写18位身份证号（15位旧号码需升位后录入）。", code="id_number_legacy")
    if len(code) != 18:
        raise ValidationError("身份证号应为18位，当前为%(n)d位。", code="id_number_length", params={"n": len(code)})
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        raise ValidationError("身份证号前17位应为数字，末位为数字或 X。", code="id_number_charset")
    if code[:2] not in PROVINCE_CODES:
        raise ValidationError(
            "身份证号前两位 %(code)s 不是有效的省级行政区划代码。", code="id_number_area", params={"code": code[:2]}
        )
    birth = id_number_birth_date(code)
    today = timezone.localdate()
    if birth is None:
        raise ValidationError(
            "身份证号中的出生日期 %(raw)s 不是有效日期。", code="id_number_birth", params={"raw": code[6:14]}
        )
    if birth > today or birth.year < today.year - 130:
        raise ValidationError(
            "身份证号中的出生日期 %(date)s 不合理。", code="id_number_birth", params={"date": birth.isoformat()}
        )
    expected = id_number_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "身份证号校验位错误：末位应为 %(expected)s，实际为 %(actual)s，请核对是否录入有误。",
            code="id_number_checksum",
            params={"expected": expected, "actual": code[17]},
        )


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_code(value)):
        raise ValidationError("手机号应为以1开头的11位数字。", code="mobile")


# A landline with its area code: 0755-23456789, 0755 2345 6789, (0755)2345678, an extension after 转/-/#
LANDLINE_RE = re.compile(r"^\(?0\d{2,3}\)?[ -]?\d(?:[ -]?\d){6,7}(?: ?(?:转|-|#|,|ext\.?) ?\d{1,6})?$")


def validate_contact_phone(value: str) -> None:
    """A contact phone is a mobile (starts with 1) or a landline with its area code."""
    text = re.sub(r"[—–]", "-", unicodedata.normalize("NFKC", str(value or "")).strip())
    if text.startswith("1"):
        validate_mobile(re.sub(r"[\s-]", "", text))
    elif not LANDLINE_RE.match(re.sub(r"\s+", " ", text)):
        raise ValidationError(
            "联系电话应为11位手机号，或带区号的固定电话（区号加7—8位号码，如 0755-23456789）。", code="phone"
        )


# C0 controls, DEL and C1 controls: invisible, break Excel cells, and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# what a multi-line text field keeps: tab, line feed, carriage return
MULTILINE_ALLOWED = frozenset("\t\n\r")
# the same characters escaped as Excel stores them (_x0007_): Excel and openpyxl turn them back into
# control characters, so a cell or a field holding one is refused like the character itself
ESCAPED_CONTROL_RE = re.compile(r"_x(?:000[0-8bBcCeEfF]|001[0-9a-fA-F]|007[fF])_")


def control_character_names(value: str, *, multiline: bool = False) -> list[str]:
    """The forbidden characters of ``value`` as U+XXXX, in order of first appearance."""
    found = []
    for match in CONTROL_CHARACTERS_RE.finditer(value):
        char = match.group()
        if multiline and char in MULTILINE_ALLOWED:
            continue
        name = f"U+{ord(char):04X}"
        if name not in found:
            found.append(name)
    found.extend(escaped for escaped in dict.fromkeys(ESCAPED_CONTROL_RE.findall(value)) if escaped not in found)
    return found


def validate_no_control_characters(value, *, label: str | None = None, multiline: bool = False) -> None:
    """Refuse invisible control characters; tabs and line breaks only where ``multiline`` allows them.

    ``label`` names the field in the message (forms, API and import cells pass theirs).
    """
    if not isinstance(value, str):
        return
    names = control_character_names(value, multiline=multiline)
    if not names:
        return
    where = f"“{label}”" if label else "内容"
    raise ValidationError(
        "%(where)s含有不可见的控制字符（%(chars)s），请删除后重新填写。",
        code="control_characters",
        params={"where": where, "chars": "、".join(names)},
    )

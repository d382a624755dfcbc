"""Fixed enumerations of the registry core."""

from django.db import models


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区/县/旗"
    STREET = "street", "街道/镇/苏木乡镇"
    COMMUNITY = "community", "社区/村/嘎查"
    GRID = "grid", "网格"


# The tree goes one level down at a time, in this order.
LEVEL_ORDER = [
    RegionLevel.CITY,
    RegionLevel.DISTRICT,
    RegionLevel.STREET,
    RegionLevel.COMMUNITY,
    RegionLevel.GRID,
]


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class AccessAction(models.TextChoices):
    REVEAL = "reveal", "查看明文"
    EXPORT = "export", "导出"
    SEARCH = "search", "按证件号/手机号检索"

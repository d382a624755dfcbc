"""Fixed enumerations of the organizations app."""

from django.db import models


class OrganizationKind(models.TextChoices):
    SOCIAL_GROUP = "social_group", "社会团体"
    FOUNDATION = "foundation", "基金会"
    SERVICE_INSTITUTION = "service_institution", "社会服务机构（民办非企业单位）"


# The 机构类别码 (2nd character of the 统一社会信用代码) 民政 gives each kind, GB 32100-2015 附录A.
CREDIT_CODE_CATEGORY = {
    OrganizationKind.SOCIAL_GROUP: "1",
    OrganizationKind.SERVICE_INSTITUTION: "2",
    OrganizationKind.FOUNDATION: "3",
}


class OrganizationStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    DEREGISTERED = "deregistered", "注销"
    REVOKED = "revoked", "撤销"


class Rating(models.TextChoices):
    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"


class VentureList(models.TextChoices):
    RED = "red", "红名单"
    BLACK = "black", "黑名单"


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    MOBILE_BRANCH = "mobile_branch", "流动党员党支部"


class PartyOrgTier(models.TextChoices):
    """The 1+6+12+N shape: one district committee, street hubs (块), sectors (条), grassroots (N)."""

    DISTRICT = "district", "区社会组织党委（1）"
    AREA = "area", "街道社会组织促进会党组织（块）"
    SECTOR = "sector", "行业党组织（条）"
    GRASSROOTS = "grassroots", "社会组织基层党组织（N）"


class LiaisonRole(models.TextChoices):
    UNITED_FRONT_MEMBER = "uf_member", "统战委员"
    UNITED_FRONT_LIAISON = "uf_liaison", "统战联络员"
    PARTY_INSTRUCTOR = "instructor", "党建指导员"
    FULL_TIME_PARTY_WORKER = "party_worker", "专职党务工作者"
    PARTY_LIAISON = "party_liaison", "党建联络员"


class VenueKind(models.TextChoices):
    INCUBATION_BASE = "incubation", "社会组织孵化基地"
    PRACTICE_BASE = "practice", "实践创新基地"
    SERVICE_STATION = "station", "统战服务驿站"
    PARTY_MASS_CENTER = "party_mass", "党群服务中心"
    TONGXIN_ROOM = "tongxin_room", "同心服务室"
    POMEGRANATE_HOME = "pomegranate", "红石榴家园"
    OVERSEAS_CHINESE_HOME = "overseas", "侨胞之家"
    OTHER = "other", "其他阵地"


class VenueLevel(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县（区）级"
    TOWN = "town", "镇（街道）级"
    COMMUNITY = "community", "社区级"


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", "非公企业党组织"
    COMMUNITY = "community", "社区党组织"
    AGENCY = "agency", "机关事业单位党组织"
    OTHER = "other", "其他党组织"

"""Fixed enumerations of the representative pool: gender, the 56 ethnic groups, affiliations, pool states."""

from django.db import models


class Gender(models.TextChoices):
    # the same values registry.validators.id_number_gender returns
    MALE = "male", "男"
    FEMALE = "female", "女"


# GB/T 3304 民族名称, in the standard's order (codes 01–56).
ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
assert len(ETHNIC_GROUPS) == 56

# The stored value is the two-digit GB/T 3304 code, so ordering by it is the official order.
Ethnicity = models.TextChoices(
    "Ethnicity", [(f"E{code:02d}", (f"{code:02d}", name)) for code, name in enumerate(ETHNIC_GROUPS, start=1)]
)
HAN = "01"


class PoliticalAffiliation(models.TextChoices):
    CPC = "cpc", "中共党员"
    RCCK = "rcck", "中国国民党革命委员会"
    CDL = "cdl", "中国民主同盟"
    CNDCA = "cndca", "中国民主建国会"
    CAPD = "capd", "中国民主促进会"
    CPWDP = "cpwdp", "中国农工民主党"
    CZGP = "czgp", "中国致公党"
    JIUSAN = "jiusan", "九三学社"
    TDSL = "tdsl", "台湾民主自治同盟"
    NON_PARTY = "non_party", "无党派人士"
    MASSES = "masses", "群众"


DEMOCRATIC_PARTIES = (
    PoliticalAffiliation.RCCK,
    PoliticalAffiliation.CDL,
    PoliticalAffiliation.CNDCA,
    PoliticalAffiliation.CAPD,
    PoliticalAffiliation.CPWDP,
    PoliticalAffiliation.CZGP,
    PoliticalAffiliation.JIUSAN,
    PoliticalAffiliation.TDSL,
)


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "研究生（博士）"
    MASTER = "master", "研究生（硕士）"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专或高中"
    BELOW = "below", "初中及以下"


class SocialStratum(models.TextChoices):
    """群体: the segments of the 新的社会阶层人士."""

    SOCIAL_ORGANIZATION = "social_org", "社会组织从业人员"
    PRIVATE_ENTERPRISE = "enterprise", "民营企业和外商投资企业管理技术人员"
    INTERMEDIARY = "intermediary", "中介组织从业人员"
    NEW_MEDIA = "new_media", "新媒体从业人员"
    FREELANCE = "freelance", "自由职业人员"


class DiscoveryChannel(models.TextChoices):
    AWARD = "award", "评优评选"
    INFLUENCE = "influence", "社会影响"
    RECOMMENDATION = "recommendation", "组织推荐"
    VENTURE = "venture", "创投项目"
    ABNORMAL_LIST = "abnormal_list", "异常名录排查"
    OTHER = "other", "其他"


class PoolStatus(models.TextChoices):
    CANDIDATE = "candidate", "候选"
    ADMITTED = "admitted", "入库"
    KEY_CONTACT = "key_contact", "重点联系对象"
    WITHDRAWN = "withdrawn", "退出"


# in the pool proper: may be nominated, counts as 入库 on the overview
IN_POOL = (PoolStatus.ADMITTED, PoolStatus.KEY_CONTACT)


class PoolLevel(models.TextChoices):
    CITY = "city", "市级"
    DISTRICT = "district", "区级"


class AgeBand(models.TextChoices):
    UNDER_35 = "under35", "35岁以下"
    FROM_35 = "35to45", "35—45岁"
    FROM_45 = "45to55", "45—55岁"
    OVER_55 = "over55", "55岁以上"


# (band, lowest age, highest age exclusive): 35—45 means 35 ≤ age < 45
AGE_BANDS = (
    (AgeBand.UNDER_35, None, 35),
    (AgeBand.FROM_35, 35, 45),
    (AgeBand.FROM_45, 45, 55),
    (AgeBand.OVER_55, 55, None),
)


class ServiceGroupKind(models.TextChoices):
    FUNCTIONAL = "functional", "功能型服务小组"
    LECTURERS = "lecturers", "党员百姓讲师团"
    ASSOCIATION_BRANCH = "association_branch", "新的社会阶层人士联合会社会组织代表人士分会"
    OTHER = "other", "其他"


class GroupRole(models.TextChoices):
    HEAD = "head", "组长/会长"
    DEPUTY = "deputy", "副组长/副会长"
    SECRETARY = "secretary", "秘书长"
    COUNCIL = "council", "理事"
    MEMBER = "member", "成员"


class EvaluationGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


# the grade an evaluation gets when the evaluator leaves it blank: lowest total of each grade
GRADE_THRESHOLDS = ((90, EvaluationGrade.EXCELLENT), (75, EvaluationGrade.GOOD), (60, EvaluationGrade.FAIR))
SCORE_MAX = 25  # each of the four dimensions


class NominationKind(models.TextChoices):
    NPC = "npc", "人大代表"
    CPPCC = "cppcc", "政协委员"
    MASS_ORGANIZATION = "mass_org", "群团组织兼职"
    ASSOCIATION = "association", "行业协会/学会/商会任职"


class NominationLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区"


class NominationOutcome(models.TextChoices):
    PENDING = "pending", "推荐中"
    ELECTED = "elected", "当选"
    NOT_ELECTED = "not_elected", "未当选"
    APPOINTED = "appointed", "任职"


# a nomination with one of these outcomes is a public role while its term runs
HOLDING = (NominationOutcome.ELECTED, NominationOutcome.APPOINTED)

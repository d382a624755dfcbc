"""Excel import declaration of the representative pool: people, written through talents.services as the form's are.

Loaded from TalentsConfig.ready. Pool status and level are not columns: they change only through
services.representative_change_status, so every imported person arrives as a candidate (候选).
"""

from organizations.imports import EXAMPLE_CREDIT_CODE, STREET_OR_COMMUNITY, credit_code_ref
from registry.importing import (
    Choice,
    Column,
    IdNumber,
    ImportSpec,
    ManyRef,
    Mobile,
    RegionRef,
    build_candidate,
    clean_text,
    register,
)
from registry.validators import id_number_check_char

from . import services
from .choices import (
    DiscoveryChannel,
    Education,
    Ethnicity,
    Gender,
    PoliticalAffiliation,
    SocialStratum,
)
from .models import Representative, Specialty

EXAMPLE_ID_NUMBER = "44030919850302122" + id_number_check_char("44030919850302122")  # a woman born 1985-03-02

# what people write in a 政治面貌 column besides the official names
AFFILIATION_ALIASES = {
    "党员": PoliticalAffiliation.CPC,
    "共产党员": PoliticalAffiliation.CPC,
    "中国共产党党员": PoliticalAffiliation.CPC,
    "中共": PoliticalAffiliation.CPC,
    "民革": PoliticalAffiliation.RCCK,
    "民革党员": PoliticalAffiliation.RCCK,
    "民盟": PoliticalAffiliation.CDL,
    "民盟盟员": PoliticalAffiliation.CDL,
    "民建": PoliticalAffiliation.CNDCA,
    "民建会员": PoliticalAffiliation.CNDCA,
    "民进": PoliticalAffiliation.CAPD,
    "民进会员": PoliticalAffiliation.CAPD,
    "农工党": PoliticalAffiliation.CPWDP,
    "农工党党员": PoliticalAffiliation.CPWDP,
    "致公党": PoliticalAffiliation.CZGP,
    "致公党党员": PoliticalAffiliation.CZGP,
    "九三学社社员": PoliticalAffiliation.JIUSAN,
    "台盟": PoliticalAffiliation.TDSL,
    "台盟盟员": PoliticalAffiliation.TDSL,
    "无党派": PoliticalAffiliation.NON_PARTY,
    "无党派民主人士": PoliticalAffiliation.NON_PARTY,
    "无": PoliticalAffiliation.MASSES,
}

EDUCATION_ALIASES = {
    "博士": Education.DOCTORATE,
    "博士研究生": Education.DOCTORATE,
    "研究生博士": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "研究生硕士": Education.MASTER,
    "研究生": Education.MASTER,
    "本科": Education.BACHELOR,
    "大本": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "高中": Education.SECONDARY,
    "职高": Education.SECONDARY,
    "技校": Education.SECONDARY,
    "初中": Education.BELOW,
    "小学": Education.BELOW,
}

STRATUM_ALIASES = {
    "社会组织": SocialStratum.SOCIAL_ORGANIZATION,
    "民营企业管理技术人员": SocialStratum.PRIVATE_ENTERPRISE,
    "外商投资企业管理技术人员": SocialStratum.PRIVATE_ENTERPRISE,
    "民营企业": SocialStratum.PRIVATE_ENTERPRISE,
    "外资企业": SocialStratum.PRIVATE_ENTERPRISE,
    "中介组织": SocialStratum.INTERMEDIARY,
    "新媒体": SocialStratum.NEW_MEDIA,
    "自由职业": SocialStratum.FREELANCE,
    "自由职业者": SocialStratum.FREELANCE,
}

# 汉 for 汉族, 蒙古 for 蒙古族 …: the stored value is the GB/T 3304 code
ETHNICITY_ALIASES = {name.removesuffix("族"): value for value, name in Ethnicity.choices}


def derive_from_id_number(data: dict) -> None:
    """The birth date and gender a valid ID number gives, where the row leaves them blank (the model's own rule).

    Before matching: a row with an ID number then also finds the person stored by name and birth
    date without one, and a re-import with those columns blank is unchanged.
    """
    id_number = data.get("id_number")  # present only when the IdNumber converter accepted it
    if not id_number:
        return
    person = Representative(id_number=id_number, birth_date=data.get("birth_date"), gender=data.get("gender") or "")
    person.fill_from_id_number()
    data["birth_date"], data["gender"] = person.birth_date, person.gender


def check_representative(*, user, data, instance):
    """Representative.clean before anything is written: ID number against birth date and gender, region level,
    organization or free-text unit."""
    build_candidate(Representative, instance, data).clean()


def describe_representative(data, instance) -> str:
    """姓名（所属区域 · 单位）: never the ID number or the mobile — the preview is seen by more than the uploader."""

    def value(name):
        return data[name] if name in data else getattr(instance, name, None)

    organization = value("organization")
    unit = organization.name if organization is not None else value("organization_name")
    place = " · ".join(part for part in (getattr(value("region"), "name", ""), unit) if part)
    return f"{value('name')}（{place}）" if place else str(value("name"))


REPRESENTATIVE_SPEC = register(
    ImportSpec(
        model=Representative,
        title="代表人士",
        natural_key=("id_number",),
        alternate_keys=(("name", "birth_date"),),
        columns=[
            Column("姓名", "name", example="王丽"),
            Column(
                "性别",
                "gender",
                Choice(aliases={"男性": Gender.MALE, "女性": Gender.FEMALE}),
                example=Gender.FEMALE.label,
                help="填写身份证号时可留空，按身份证号识别；填写时须与身份证号一致。",
            ),
            Column("民族", "ethnicity", Choice(aliases=ETHNICITY_ALIASES), example="汉族", help="留空按汉族。"),
            Column(
                "出生日期",
                "birth_date",
                example="1985-03-02",
                help="填写身份证号时可留空，按身份证号识别；未填写身份证号时必填（按姓名和出生日期识别同一人）。",
            ),
            Column(
                "身份证号",
                "id_number",
                IdNumber(),
                example=EXAMPLE_ID_NUMBER,
                help="18位居民身份证号；有身份证号的按身份证号匹配已登记的人员。留空不会清除已登记的身份证号。",
            ),
            Column("手机号", "mobile", Mobile(), example="13800138000"),
            Column(
                "政治面貌",
                "political_affiliation",
                Choice(aliases=AFFILIATION_ALIASES),
                example=PoliticalAffiliation.CPC.label,
                help="也可填写简称，如 党员、民盟、民进、九三学社、无党派。留空按群众。",
            ),
            Column(
                "学历",
                "education",
                Choice(aliases=EDUCATION_ALIASES),
                example=Education.BACHELOR.label,
                help="也可填写 博士、硕士、本科、大专、中专、高中、初中。",
            ),
            Column("职称", "title", example="中级社会工作师"),
            Column(
                "所在社会组织",
                "organization",
                credit_code_ref(),
                example=EXAMPLE_CREDIT_CODE,
                help="填写所在社会组织的统一社会信用代码（须已登记在社会组织名录中）；"
                "单位不在名录中时留空，改填“工作单位（名录外）”。",
            ),
            Column(
                "工作单位（名录外）",
                "organization_name",
                help="单位不在社会组织名录中（如企业、律师事务所）时填写；已填写所在社会组织则留空。",
            ),
            Column("职务", "position", example="主任"),
            Column(
                "群体",
                "stratum",
                Choice(aliases=STRATUM_ALIASES),
                example=SocialStratum.SOCIAL_ORGANIZATION.label,
                help="留空按社会组织从业人员。",
            ),
            Column(
                "专业特长",
                "specialties",
                ManyRef(Specialty, to_field="name", label="专业特长名称", normalize=clean_text),
                example="法律、心理",
                help="「专业特长」字典中启用的名称，多个用“、”分隔；留空表示不修改（新增时没有）；填“（清空）”表示去掉全部。",
            ),
            Column(
                "所属区域",
                "region",
                RegionRef(levels=STREET_OR_COMMUNITY),
                example="民治社区",
                help="所在街道或社区的名称或区划代码；重名时填全称（如 龙华区民治街道民治社区）或代码。",
            ),
            Column("发现渠道", "discovery_channel", example=DiscoveryChannel.RECOMMENDATION.label),
            Column("备注", "remarks"),
        ],
        create=services.representative_create,
        update=services.representative_update,
        check=check_representative,
        describe=describe_representative,
        derive=derive_from_id_number,
        # a merged duplicate keeps its ID number for the record but is no longer the person
        records=lambda: Representative.objects.active(),
        notes=(
            "有身份证号的行按身份证号匹配已登记的代表人士；没有身份证号的行按姓名和出生日期匹配。"
            "出生日期留空时按身份证号识别，因此已按姓名和出生日期登记、尚无身份证号的同一人会被找到，并补上身份证号。",
            "入库状态和入库级别不能导入：新增的人员均为“候选”，已登记人员的状态不变；"
            "入库、重点联系对象、退出请在代表人士页面办理“变更入库状态”。",
            "已合并到其他记录的重复记录不参与匹配。",
        ),
    )
)

"""Excel import declarations of the organizations app: organizations (with their year's survey), party
organizations, liaison assignments and venues. Loaded from OrganizationsConfig.ready; every write goes
through organizations.services, as the forms' do.
"""

from django.core.exceptions import ValidationError

from registry.choices import RegionLevel
from registry.importing import (
    Choice,
    Column,
    CreditCode,
    ForeignKeyRef,
    ImportSpec,
    ManyRef,
    Mobile,
    Phone,
    RegionRef,
    Related,
    build_candidate,
    clean_text,
    register,
)
from registry.validators import credit_code_check_char

from . import services
from .choices import (
    HonourLevel,
    OrganizationKind,
    PartyOrgKind,
    PartyOrgTier,
    Rating,
    VentureList,
    VenueKind,
    VenueLevel,
)
from .models import AnnualSurvey, Assignment, Liaison, Organization, PartyOrganization, Venue

EXAMPLE_CREDIT_CODE = "52440309MA5F00001" + credit_code_check_char("52440309MA5F00001")
STREET_OR_COMMUNITY = (RegionLevel.STREET, RegionLevel.COMMUNITY)
DISTRICT_TO_COMMUNITY = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)


def credit_code_ref() -> ForeignKeyRef:
    """A column naming an organization by its 统一社会信用代码 (every app's imports use this one)."""
    return ForeignKeyRef(Organization, to_field="credit_code", label="统一社会信用代码")


# ---- 社会组织, with the survey of the year in the same row -------------------------------------


def describe_organization(data, instance) -> str:
    name = data.get("name") or getattr(instance, "name", "")
    return f"{name}（{data.get('credit_code') or getattr(instance, 'credit_code', '')}）"


def check_organization(*, user, data, instance):
    """Organization.clean before anything is written: region level, rating and honour years, mobile, date."""
    build_candidate(Organization, instance, data).clean()


def check_survey(*, user, data, instance):
    survey = build_candidate(AnnualSurvey, instance, data)
    if survey.mobile_party_member_count > survey.party_member_count:
        raise ValidationError({"mobile_party_member_count": "流动党员数不能多于正式党员数。"})


SURVEY = Related(
    model=AnnualSurvey,
    link="organization",
    keys=(("year",),),
    create=services.survey_create,
    update=services.survey_update,
    check=check_survey,
    title="年度摸底调查",
)

ORGANIZATION_SPEC = register(
    ImportSpec(
        model=Organization,
        title="社会组织",
        natural_key=("credit_code",),
        columns=[
            Column("名称", "name", example="深圳市龙华区春晖社会工作服务中心"),
            Column("统一社会信用代码", "credit_code", CreditCode(), example=EXAMPLE_CREDIT_CODE),
            Column(
                "组织类型",
                "kind",
                Choice(
                    aliases={
                        "社会服务机构": OrganizationKind.SERVICE_INSTITUTION,
                        "民办非企业单位": OrganizationKind.SERVICE_INSTITUTION,
                        "民非": OrganizationKind.SERVICE_INSTITUTION,
                        "社团": OrganizationKind.SOCIAL_GROUP,
                    }
                ),
                example=OrganizationKind.SERVICE_INSTITUTION.label,
            ),
            Column("登记状态", "status", example="正常", help="留空按“正常”。"),
            Column(
                "所属区域",
                "region",
                RegionRef(levels=STREET_OR_COMMUNITY),
                example="民治社区",
                help="街道或社区的名称或区划代码；重名时填全称（如 龙华区民治街道民治社区）或代码。",
            ),
            Column("行业类别", "industry", example="社会工作服务"),
            Column("登记管理机关", "registration_authority", example="深圳市龙华区民政局"),
            Column("登记日期", "registration_date", example="2019-06-18"),
            Column("业务主管单位", "supervising_unit", example=""),
            Column("法定代表人", "legal_representative", example="王芳"),
            Column("联系电话", "contact_phone", Phone(), example="13800138000"),
            Column("住所", "address", example="深圳市龙华区民治街道人民路1号"),
            Column(
                "评估等级",
                "rating",
                Choice(aliases={"AAAAA": "5A", "AAAA": "4A", "AAA": "3A", "AA": "2A", "A": "1A"}),
                example=Rating.A4.label,
                help="填写了评估等级时须填写评估年度。",
            ),
            Column("评估年度", "rating_year", example=2023),
            Column(
                "示范性社会组织",
                "honour_level",
                Choice(aliases={"国家级": HonourLevel.NATIONAL, "省": HonourLevel.PROVINCE, "市": HonourLevel.CITY}),
                help="认定级别；填写时须填写示范性认定年度。",
            ),
            Column("示范性认定年度", "honour_year"),
            Column(
                "公益创投名单",
                "venture_list",
                Choice(aliases={"红": VentureList.RED, "黑": VentureList.BLACK}),
            ),
            Column("枢纽型", "is_hub", example="否"),
            Column("品牌性", "is_flagship", example="否"),
            Column("活动异常名录", "on_abnormal_list", example="否", help="是否列入活动异常名录。"),
            Column("备注", "remarks"),
            Column(
                "摸底调查年度",
                "year",
                related=SURVEY,
                example=2025,
                help="本行的从业人员数、党员数属于哪一年的年度摸底调查；该年度已有调查则更新，没有则新增。",
            ),
            Column("从业人员数", "staff_count", related=SURVEY, required=False, example=12),
            Column("正式党员数", "party_member_count", related=SURVEY, required=False, example=3),
            Column("预备党员数", "probationary_member_count", related=SURVEY, required=False, example=0),
            Column(
                "流动党员数",
                "mobile_party_member_count",
                related=SURVEY,
                required=False,
                example=1,
                help="正式党员中组织关系不在本单位的流动党员，不能多于正式党员数。",
            ),
        ],
        create=services.organization_create,
        update=services.organization_update,
        check=check_organization,
        describe=describe_organization,
        bulk=True,  # the services are scoped_create/scoped_update: the bulk commit keeps what they check
    )
)


# ---- 党组织 -------------------------------------------------------------------------------------


def check_party_organization(*, user, data, instance):
    """PartyOrganization.clean (tier and parent, sector needs an industry) and the coverage rule of the services."""
    build_candidate(PartyOrganization, instance, data).clean()
    if "organizations" in data:
        services.check_coverage(data.get("kind", getattr(instance, "kind", None)), data["organizations"])


def describe_party_organization(data, instance) -> str:
    parent = data.get("parent")
    if parent is None:
        return f"{data.get('name')}（最上级）"
    shown = PARTY_ORGANIZATION_SPEC.columns_by_field["parent"].converter.display(parent)
    return f"{data.get('name')}（上级：{shown}）"


PARTY_ORGANIZATION_SPEC = register(
    ImportSpec(
        model=PartyOrganization,
        natural_key=("name", "parent"),
        columns=[
            Column("党组织名称", "name", example="中共深圳市龙华区春晖社会工作服务中心支部委员会"),
            Column(
                "上级党组织",
                "parent",
                ForeignKeyRef(to_field="name", label="党组织名称", normalize=clean_text, same_file=True),
                example="中共深圳市龙华区民治街道社会组织促进会委员会",
                help="上级党组织的全称；区社会组织党委不填。与党组织名称一起确定是哪一个党组织。",
            ),
            Column("组织类型", "kind", example=PartyOrgKind.BRANCH.label),
            Column(
                "层级",
                "tier",
                Choice(
                    aliases={
                        "区社会组织党委": PartyOrgTier.DISTRICT,
                        "街道社会组织促进会党组织": PartyOrgTier.AREA,
                        "行业党组织": PartyOrgTier.SECTOR,
                        "社会组织基层党组织": PartyOrgTier.GRASSROOTS,
                        "基层党组织": PartyOrgTier.GRASSROOTS,
                        "1": PartyOrgTier.DISTRICT,
                        "块": PartyOrgTier.AREA,
                        "条": PartyOrgTier.SECTOR,
                        "N": PartyOrgTier.GRASSROOTS,
                    }
                ),
                example=PartyOrgTier.GRASSROOTS.label,
            ),
            Column("所属区域", "region", RegionRef(levels=DISTRICT_TO_COMMUNITY), example="民治社区"),
            Column("所属行业", "industry", help="行业党组织（条）必填。"),
            Column(
                "覆盖的社会组织",
                "organizations",
                ManyRef(Organization, to_field="credit_code", label="统一社会信用代码"),
                example=EXAMPLE_CREDIT_CODE,
                help="只有联合党支部可以覆盖多家社会组织。留空表示不修改（新增时不覆盖）；填“（清空）”表示不再覆盖任何社会组织。",
            ),
            Column("书记", "secretary", example="李强"),
            Column("党员人数", "member_count", example=5),
            Column("成立日期", "founded_date", example="2020-07-01"),
            Column("备注", "remarks"),
        ],
        create=services.party_organization_create,
        update=services.party_organization_update,
        check=check_party_organization,
        describe=describe_party_organization,
        notes=("上级党组织必须已登记，或在本文件中的其他行新增（顺序不限）。",),
    )
)


# ---- 联络员任职: one row per person per organization --------------------------------------------


def check_liaison(*, user, data, instance):
    if instance is None and not data.get("region"):
        raise ValidationError({"region": "新增联络员时请填写联络员所属区域。"})


def check_assignment(*, user, data, instance):
    assignment = build_candidate(Assignment, instance, data)
    if assignment.end_date and assignment.start_date and assignment.end_date < assignment.start_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期。"})


def describe_assignment(data, instance) -> str:
    liaison = data.get("liaison") or getattr(instance, "liaison", None)
    organization = data.get("organization") or getattr(instance, "organization", None)
    role = dict(Assignment._meta.get_field("role").flatchoices).get(data.get("role") or getattr(instance, "role", ""))
    new = "（新增联络员）" if liaison is not None and not isinstance(liaison, Liaison) else ""
    return f"{liaison}{new} · {role} · {organization}"


LIAISON = Related(
    model=Liaison,
    link="liaison",
    keys=(("mobile",), ("name", "work_unit")),
    create=services.liaison_create,
    update=services.liaison_update,
    check=check_liaison,
    title="联络员",
)

ASSIGNMENT_SPEC = register(
    ImportSpec(
        model=Assignment,
        natural_key=("organization", "liaison", "role", "start_date"),
        columns=[
            Column("姓名", "name", related=LIAISON, example="王芳"),
            Column("手机号", "mobile", Mobile(), related=LIAISON, example="13800138000"),
            Column("性别", "gender", related=LIAISON, example="女"),
            Column("工作单位", "work_unit", related=LIAISON, example="龙华区民治街道党群服务中心"),
            Column("职务", "post", related=LIAISON, example="党建指导员"),
            Column("中共党员", "is_party_member", related=LIAISON, example="是"),
            Column(
                "联络员所属区域",
                "region",
                RegionRef(levels=DISTRICT_TO_COMMUNITY),
                related=LIAISON,
                required=False,
                example="民治街道",
                help="新增联络员时必填；已登记的联络员可留空。",
            ),
            Column("社会组织统一社会信用代码", "organization", credit_code_ref(), example=EXAMPLE_CREDIT_CODE),
            Column("角色", "role", example="党建指导员"),
            Column("开始日期", "start_date", example="2024-01-01"),
            Column("结束日期", "end_date", help="仍在任则留空。"),
            Column("备注", "remarks"),
        ],
        create=services.assignment_create,
        update=services.assignment_update,
        check=check_assignment,
        describe=describe_assignment,
        title="联络员任职",
        notes=(
            "每行是一位联络员在一家社会组织的一项任职：同一人联系多家社会组织时，每家一行。",
            "按社会组织、联络员、角色、开始日期匹配已有任职；结束任职请填写结束日期。",
        ),
    )
)


# ---- 阵地 ---------------------------------------------------------------------------------------


VENUE_SPEC = register(
    ImportSpec(
        model=Venue,
        natural_key=("name", "region"),
        columns=[
            Column("名称", "name", example="民治社区同心服务室"),
            Column(
                "阵地类型",
                "kind",
                Choice(aliases={"孵化基地": VenueKind.INCUBATION_BASE, "服务驿站": VenueKind.SERVICE_STATION}),
                example=VenueKind.TONGXIN_ROOM.label,
            ),
            Column(
                "级别",
                "level",
                Choice(
                    aliases={
                        "市": VenueLevel.CITY,
                        "区级": VenueLevel.COUNTY,
                        "县级": VenueLevel.COUNTY,
                        "街道级": VenueLevel.TOWN,
                        "镇级": VenueLevel.TOWN,
                        "社区": VenueLevel.COMMUNITY,
                    }
                ),
                example=VenueLevel.COMMUNITY.label,
            ),
            Column("所属区域", "region", RegionRef(levels=DISTRICT_TO_COMMUNITY), example="民治社区"),
            Column("运营机构", "operating_organization", credit_code_ref(), help="运营机构的统一社会信用代码。"),
            Column("地址", "address", example="深圳市龙华区民治街道民治社区人民路1号"),
            Column("面积（平方米）", "floor_area", example=120),
            Column("启用日期", "opened_date", example="2022-03-01"),
            *(Column(label, name, example="是") for name, label in Venue.SIX_STANDARDS),
            Column("备注", "remarks"),
        ],
        create=services.venue_create,
        update=services.venue_update,
        title="阵地",
        bulk=True,  # the services are scoped_create/scoped_update and Venue has no clean() of its own
        notes=("按名称和所属区域匹配已有阵地。“六有”各列填写“是”或“否”。",),
    )
)

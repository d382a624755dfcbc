"""Excel import declarations of the activities app: 活动 (with their organizations, themes and figures) and 参与人员.

Loaded from ActivitiesConfig.ready; every write goes through activities.services, as the forms' do,
and every rule is the model's own clean(), so the preview refuses what the form would.

Decisions (the lead's brief left them to this module):

- An activity is matched by 活动名称 + 开始时间 + 举办区域. The same title recurs every month (a
  主题党日 called 居民议事日), so the title alone names nothing; the start time tells one occurrence
  from the next, and the region the same-named activity two streets hold at the same hour. A file
  that changes an activity's start time therefore adds a new activity: the detail page corrects a
  mistyped time.
- 开始时间/结束时间 are Shanghai wall-clock times: "2022-03-12 09:00", an Excel date-time cell, or a
  plain date, which means 00:00 of that day (a date alone is never a guessed hour; the hours rule
  then reports a zero-length activity rather than inventing one).
- A participant list names its activity by the same three columns (what a street worker copies
  from the activity file or the list page), never by an internal id; the activity must already be
  registered and kept by the user's region: the import never creates or changes it.
- Both imports are all or nothing: figures that count against each other (人次 against the named
  participants, hours against the activity's duration and total) would be half-reported if the good
  rows of a bad file were written.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from organizations.imports import DISTRICT_TO_COMMUNITY, EXAMPLE_CREDIT_CODE, STREET_OR_COMMUNITY
from organizations.models import Organization, Venue
from registry.importing import (
    CellError,
    Choice,
    Column,
    ForeignKeyRef,
    ImportSpec,
    ManyRef,
    ManyRegionRef,
    RegionRef,
    Related,
    build_candidate,
    clean_text,
    register,
)
from registry.validators import normalize_code, validate_id_number
from talents.imports import EXAMPLE_ID_NUMBER
from talents.models import Representative, ServiceGroup

from . import services
from .choices import ActivityKind, ActivityStatus, ParticipantRole, PartyDayKind
from .models import Activity, ActivityTheme, Participation

EXAMPLE_TITLE = "“同心聚善”社区义诊"
EXAMPLE_START = "2025-03-12 09:00"


class OrganizationsByNameOrCode(ManyRef):
    """Several social organizations in one cell, each by its name or its 统一社会信用代码, in the user's scope."""

    def __init__(self):
        super().__init__(Organization, to_field="credit_code", label="名称或统一社会信用代码", normalize=clean_text)

    def _found(self, ctx) -> dict[str, list]:
        return ctx.cache.setdefault(("organizations by name or code",), {})

    def _load(self, values: set, ctx) -> dict[str, list]:
        found = self._found(ctx)
        wanted = values - found.keys()
        if wanted:
            by_code = defaultdict(list)
            for value in wanted:
                found[value] = []
                by_code[normalize_code(value)].append(value)
            matches = self._queryset(ctx.user).filter(Q(credit_code__in=by_code) | Q(name__in=wanted))
            for organization in matches.order_by("pk"):
                named = {*by_code.get(organization.credit_code, ()), *({organization.name} & wanted)}
                for value in named:
                    found[value].append(organization)
        return found


class PoolPersonByIdNumber(ForeignKeyRef):
    """A person of the representative pool by ID number, in the user's scope; a merged duplicate is no one."""

    format = "18位居民身份证号"

    def __init__(self):
        super().__init__(Representative, to_field="id_number", label="身份证号")

    def describe(self) -> str:
        return "18位居民身份证号（须为您管辖区域内代表人士库中的人员；库外人员留空，只填姓名）"

    def _queryset(self, user):
        return super()._queryset(user).active()

    def convert(self, raw, ctx):
        try:
            validate_id_number(self.normalize(raw))
        except ValidationError as exc:
            raise CellError("；".join(exc.messages)) from exc
        return super().convert(raw, ctx)

    def not_found(self, value) -> str:
        return f"您管辖区域内的代表人士库中没有身份证号为“{value}”的人员：库外人员请留空身份证号，只填写姓名。"


# ---- 活动 -----------------------------------------------------------------------------------------


def check_activity(*, user, data, instance):
    """Activity.clean before anything is written: end before start, a future activity marked 已开展, the 主题党日's
    kind, the region's level, 人次 and hours below the named participants, a duration shorter than their hours.

    Whether the user may change a matched activity needs no check here: it is matched by its 举办区域,
    and that column only takes regions inside the user's scope, where the region holding it is kept."""
    build_candidate(Activity, instance, data).clean()


def describe_activity(data, instance) -> str:
    def value(name):
        return data[name] if name in data else getattr(instance, name, None)

    start, region = value("start_at"), value("region")
    when = f"{timezone.localtime(start):%Y-%m-%d %H:%M}" if start else ""
    return f"{value('title')}（{when}，{getattr(region, 'name', '')}）"


ACTIVITY_SPEC = register(
    ImportSpec(
        model=Activity,
        title="活动",
        natural_key=("title", "start_at", "region"),
        columns=[
            Column("活动名称", "title", example=EXAMPLE_TITLE),
            Column("活动类型", "kind", example=ActivityKind.PARTY_DAY.label),
            Column(
                "主题党日类型",
                "party_day_kind",
                Choice(aliases={"其他": PartyDayKind.OTHER, "议事日": PartyDayKind.COUNCIL}),
                example=PartyDayKind.CHARITY.label,
                help="活动类型为“主题党日”时必填，其他类型留空。",
            ),
            Column(
                "活动主题",
                "themes",
                ManyRef(ActivityTheme, to_field="name", label="活动主题名称", normalize=clean_text),
                example="疫情防控、乡村振兴",
                help="「活动主题」中启用的名称，多个用“、”或“，”分隔；留空表示不修改（新增时没有）；填“（清空）”表示去掉全部。",
            ),
            Column(
                "状态", "status", example=ActivityStatus.HELD.label, help="留空按“已开展”；尚未开始的活动填“计划中”。"
            ),
            Column(
                "开始时间",
                "start_at",
                example=EXAMPLE_START,
                help="北京时间，如 2025-03-12 09:00；只填日期按当天 00:00 计。"
                "与活动名称、举办区域一起确定是哪一个活动。",
            ),
            Column(
                "结束时间", "end_at", example="2025-03-12 11:30", help="不能早于开始时间；只填日期按当天 00:00 计。"
            ),
            Column("活动地点", "place", example="民治社区党群服务中心"),
            Column(
                "举办区域",
                "region",
                RegionRef(levels=DISTRICT_TO_COMMUNITY),
                example="民治街道",
                help="举办（登记）本活动的区、街道或社区的名称或区划代码，须在您的管辖区域内；由该区域维护活动记录。",
            ),
            Column(
                "服务区域",
                "covered_regions",
                ManyRegionRef(levels=STREET_OR_COMMUNITY),
                example="民治1社区、民治2社区",
                help="活动覆盖的街道或社区，多个用“、”分隔；留空表示不修改（新增时没有）；填“（清空）”表示去掉全部。",
            ),
            Column(
                "组织单位",
                "organizations",
                OrganizationsByNameOrCode(),
                example=EXAMPLE_CREDIT_CODE,
                help="组织或承办本活动的社会组织的名称或统一社会信用代码，多个用“、”分隔，须已登记且在您的管辖区域内；"
                "留空表示不修改（新增时没有）；填“（清空）”表示去掉全部。",
            ),
            Column(
                "阵地",
                "venue",
                ForeignKeyRef(Venue, to_field="name", label="阵地名称", normalize=clean_text),
                help="已登记阵地的名称。",
            ),
            Column(
                "服务队",
                "team",
                ForeignKeyRef(ServiceGroup, to_field="name", label="服务小组名称", normalize=clean_text),
                help="以服务队名义开展时填写已登记的服务小组名称，如“抗疫志愿服务队”。",
            ),
            Column("参与人次", "headcount", example=30, help="不少于已具名登记的参与人员数；留空按0。"),
            Column("服务时长（小时）", "service_hours", example=60, help="全部参与人员的时长合计，最多1位小数。"),
            Column("受益人次", "beneficiaries", example=200),
            Column("捐赠金额（元）", "donation_amount", example=0, help="不能为负数。"),
            Column("物资折价（元）", "goods_value", example=1500, help="不能为负数。"),
            Column("活动内容", "description"),
        ],
        create=services.activity_create,
        update=services.activity_update,
        check=check_activity,
        describe=describe_activity,
        all_or_nothing=True,
        notes=(
            "按活动名称、开始时间、举办区域匹配已有活动：三者都相同的更新，否则新增（修改开始时间请在活动页面办理）。",
            "开始时间、结束时间为北京时间，可填 2025-03-12 09:00 或 Excel 的日期时间单元格；只填日期按当天 00:00 计。",
            "整个文件没有错误才能导入：有错误行时不写入任何数据，请改正后重新上传。",
        ),
    )
)


# ---- 参与人员 -------------------------------------------------------------------------------------


def check_activity_is_kept_here(*, user, data, instance):
    """Participants are kept by the region that held the activity, not by every street that can see it."""
    if instance is not None and not Activity.objects.restrict(user, "change").filter(pk=instance.pk).exists():
        raise ValidationError(
            {"title": f"活动“{instance.title}”由{instance.region.name}登记，只有该区域的工作人员可以登记参与人员。"}
        )


ACTIVITY_OF_ROW = Related(
    model=Activity,
    link="activity",
    keys=(("title", "start_at", "region"),),
    existing_only=True,
    check=check_activity_is_kept_here,
    title="活动",
)


def check_participation(*, user, data, instance):
    """Participation's rules against what is stored: name or person, hours within the activity's duration, and the
    named participants within its 人次 and hours; the name must be the pool person's."""
    person = data["representative"] if "representative" in data else getattr(instance, "representative", None)
    name = data.get("name")
    if person is not None and name and name != person.name:
        raise ValidationError(
            {"name": f"姓名“{name}”与身份证号对应的代表人士“{person.name}”不一致，请核对姓名或身份证号。"}
        )
    errors = build_candidate(Participation, instance, data).rule_errors()
    if errors:
        raise ValidationError(errors)


def count_participants_of_the_file(*, user, data, instance, tally):
    """The same 人次 and hours rules with the rows of this file that come before counted in: a list whose rows
    exceed the activity's 人次 is refused from the first row too many on, each with the count it reaches."""
    candidate = build_candidate(Participation, instance, data)
    activity = candidate.activity
    named = tally.get(activity.pk)
    if named is None:
        stored = Participation.objects.filter(activity=activity).values_list("pk", "hours")
        named = tally[activity.pk] = {"hours": dict(stored), "from_file": 0}
    key = instance.pk if instance is not None else ("new", named["from_file"])
    others = {k: v for k, v in named["hours"].items() if k != key}
    errors = candidate.rule_errors(others=(len(others), sum(others.values(), Decimal("0"))))
    if errors:
        if named["from_file"]:
            stored_count = len(others) - named["from_file"]
            note = f"（已登记{stored_count}人，本文件前面的行另有{named['from_file']}人）"
            errors = {field: message + note for field, message in errors.items()}
        raise ValidationError(errors)
    if key not in named["hours"]:
        named["from_file"] += 1
    named["hours"][key] = candidate.hours


def describe_participation(data, instance) -> str:
    activity = data.get("activity") or getattr(instance, "activity", None)
    name = data.get("name") or getattr(instance, "name", "")
    return f"{name} · {activity}"


PARTICIPATION_SPEC = register(
    ImportSpec(
        model=Participation,
        title="参与人员",
        natural_key=("activity", "name"),
        columns=[
            Column("活动名称", "title", related=ACTIVITY_OF_ROW, example=EXAMPLE_TITLE),
            Column(
                "开始时间",
                "start_at",
                related=ACTIVITY_OF_ROW,
                example=EXAMPLE_START,
                help="该活动登记的开始时间（北京时间），与活动名称、举办区域一起确定是哪一个活动。",
            ),
            Column(
                "举办区域",
                "region",
                RegionRef(levels=DISTRICT_TO_COMMUNITY),
                related=ACTIVITY_OF_ROW,
                example="民治街道",
            ),
            Column("姓名", "name", required=True, example="王丽"),
            Column(
                "身份证号",
                "representative",
                PoolPersonByIdNumber(),
                example=EXAMPLE_ID_NUMBER,
                help="代表人士库中的人员填写身份证号以关联其记录（姓名须一致）；库外人员留空，只填姓名。",
            ),
            Column("角色", "role", example=ParticipantRole.VOLUNTEER.label, help="留空按“志愿者”。"),
            Column("服务时长（小时）", "hours", example=2.5, help="不超过活动时长（每天最多24小时），最多1位小数。"),
            Column("备注", "remarks"),
        ],
        create=services.participation_create,
        update=services.participation_update,
        check=check_participation,
        file_check=count_participants_of_the_file,
        describe=describe_participation,
        all_or_nothing=True,
        notes=(
            "每行是一位参与人员：按活动（活动名称、开始时间、举办区域）和姓名匹配已登记的参与人员，同一活动中同名的人只能登记一次。",
            "活动须已登记且由您的管辖区域举办；具名人员不能多于活动登记的参与人次，时长之和不能超过活动的服务时长："
            "请先导入或修改活动，再导入参与人员。",
            "整个文件没有错误才能导入：有错误行时不写入任何数据，请改正后重新上传。",
        ),
    )
)

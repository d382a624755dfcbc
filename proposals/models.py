"""承办单位, 专题协商会, 联席会议 and the items followed until settled (建言, 社情民意, 议定事项) with their log."""

import datetime

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from registry.models import DictionaryItem, Region, TimeStampedModel
from registry.scoping import RegionScopedManager, RegionScopedQuerySet, user_is_unrestricted
from registry.tracking import track_history
from registry.validators import validate_contact_phone

from .choices import (
    OPEN_AT_DEPARTMENT,
    AdoptionLevel,
    DepartmentKind,
    InstructionLevel,
    ItemKind,
    ItemState,
    MeetingKind,
    Verdict,
)


@track_history()
class Department(TimeStampedModel):
    """承办单位: a unit items are assigned to (the joint conference's member units and any others)."""

    personal_fields = {"contact_phone": "phone"}  # registry.personal: masked unless permitted

    name = models.CharField("单位名称", max_length=100, unique=True)
    kind = models.CharField(
        "单位类型", max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DISTRICT_BODY
    )
    is_conference_member = models.BooleanField("联席会议成员单位", default=False)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_contact_phone])
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="承办单位联络人账号",
        blank=True,
        related_name="departments",
        help_text="这些账号以本单位名义签收、答复交办事项，只能看到交给本单位的事项。",
    )
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class OpinionCategory(DictionaryItem):
    """社情民意类别: 城市建设、环境保护、食品安全、党的建设… (admins keep the list)."""

    class Meta(DictionaryItem.Meta):
        verbose_name = "社情民意类别"
        verbose_name_plural = "社情民意类别"


@track_history()
class Consultation(TimeStampedModel):
    """专题协商会: a consultation on one topic (e.g. 居家养老) where representatives offer 建言."""

    topic = models.CharField("协商主题", max_length=200)
    held_on = models.DateField("召开日期")
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主办单位", max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="consultations")
    participants = models.ManyToManyField(
        "talents.Representative", verbose_name="参加人员", blank=True, related_name="consultations"
    )
    summary = models.TextField("会议纪要", blank=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "专题协商会"
        verbose_name_plural = "专题协商会"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


@track_history()
class Meeting(TimeStampedModel):
    """联席会议的一次会议 (plenary or office meeting), its topics and the member units that attended."""

    held_on = models.DateField("召开日期")
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices, default=MeetingKind.PLENARY)
    title = models.CharField("会议名称", max_length=200)
    topics = models.TextField("议题", blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="meetings")
    attendees = models.ManyToManyField(Department, verbose_name="出席单位", blank=True, related_name="meetings")
    notes = models.TextField("会议纪要", blank=True)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


def overdue_condition(on=None) -> Q:
    """An item held by a department past its deadline on ``on`` (today, Shanghai): the lists' 已逾期 filter,
    the 工作台's 督办 and the 承办单位办理情况 table all count with this one condition."""
    on = on or timezone.localdate()
    return Q(state__in=OPEN_AT_DEPARTMENT, due_date__lt=on)


def due_within_condition(days: int, on=None) -> Q:
    on = on or timezone.localdate()
    return Q(state__in=OPEN_AT_DEPARTMENT, due_date__gte=on, due_date__lte=on + datetime.timedelta(days=days))


class TrackedItemQuerySet(RegionScopedQuerySet):
    """Staff see the items of their region; a 承办单位联络人 sees only what was assigned to their unit."""

    kind: str | None = None

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user_is_unrestricted(user) and getattr(user, "region_id", None) is None:
            return self.filter(self.department_condition(user)).distinct()
        return super().visible_to(user)

    @staticmethod
    def department_condition(user) -> Q:
        units = Department.objects.filter(contacts=user).values("pk")
        mine = Q(lead_department__in=units) | Q(
            pk__in=TrackedItem.co_departments.through.objects.filter(department__in=units).values("trackeditem_id")
        )
        # an item reaches a unit when it is assigned: never before, still after it is settled
        return mine & ~Q(state__in=(ItemState.SUBMITTED, ItemState.ACCEPTED, ItemState.NOT_ADOPTED))

    def overdue(self, on=None):
        """Held by a department past its deadline (Shanghai date)."""
        return self.filter(overdue_condition(on))

    def due_within(self, days: int, on=None):
        return self.filter(due_within_condition(days, on))


class TrackedItemManager(RegionScopedManager.from_queryset(TrackedItemQuerySet)):
    """A proxy's manager keeps to its own kind (建言, 社情民意, 议定事项)."""

    def __init__(self, kind: str | None = None):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.filter(kind=self.kind) if self.kind else queryset


@track_history()
class TrackedItem(TimeStampedModel):
    """An item followed from 提交 to 办结: one table and one life cycle (proposals.lifecycle) for all three kinds."""

    kind = models.CharField("事项类型", max_length=10, choices=ItemKind.choices, editable=False)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="tracked_items")
    submitted_on = models.DateField("提交日期", default=timezone.localdate)
    # the state changes only through proposals.lifecycle.transition, which writes the ItemEvent beside it
    state = models.CharField(
        "状态", max_length=12, choices=ItemState.choices, default=ItemState.SUBMITTED, editable=False
    )
    # 建言
    consultation = models.ForeignKey(
        Consultation, verbose_name="专题协商会", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    proposers = models.ManyToManyField(
        "talents.Representative", verbose_name="建言人", blank=True, related_name="proposals"
    )
    # 社情民意
    category = models.ForeignKey(
        OpinionCategory, verbose_name="类别", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    reporter = models.ForeignKey(
        "talents.Representative",
        verbose_name="反映人（代表人士）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_items",
    )
    reporter_liaison = models.ForeignKey(
        "organizations.Liaison",
        verbose_name="反映人（联络员）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_items",
    )
    adoption_level = models.CharField("采用情况", max_length=10, choices=AdoptionLevel.choices, blank=True)
    instruction_level = models.CharField("领导批示", max_length=10, choices=InstructionLevel.choices, blank=True)
    # 联席会议议定事项
    meeting = models.ForeignKey(
        Meeting, verbose_name="联席会议", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    # 交办 and its outcome: written by the transitions, not by the edit form
    lead_department = models.ForeignKey(
        Department,
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_items",
        editable=False,
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="协办单位", blank=True, related_name="assisted_items", editable=False
    )
    due_date = models.DateField("办理期限", null=True, blank=True, editable=False)
    assigned_on = models.DateField("交办日期", null=True, blank=True, editable=False)
    signed_on = models.DateField("签收日期", null=True, blank=True, editable=False)
    answer = models.TextField("答复内容", blank=True, editable=False)
    answered_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    verdict = models.CharField("建言人评价", max_length=12, choices=Verdict.choices, blank=True, editable=False)
    round = models.PositiveSmallIntegerField("办理轮次", default=1, editable=False)
    screening_note = models.CharField("筛选意见", max_length=500, blank=True, editable=False)
    concluded_on = models.DateField("办结日期", null=True, blank=True, editable=False)

    objects = TrackedItemManager()

    KIND: str | None = None  # a proxy's kind, set on every new record of it

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ItemKind.OPINION) | (Q(adoption_level="") & Q(instruction_level="")),
                name="item_adoption_only_for_opinions",
                violation_error_message="只有社情民意填写采用情况和领导批示。",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=OPEN_AT_DEPARTMENT)
                | (Q(lead_department__isnull=False) & Q(due_date__isnull=False)),
                name="item_assigned_has_department_and_deadline",
                violation_error_message="交办的事项须有主办单位和办理期限。",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "state", "due_date"], name="item_kind_state_due_idx"),
            models.Index(fields=["lead_department", "state"], name="item_department_state_idx"),
            models.Index(fields=["-submitted_on", "-id"], name="item_submitted_idx"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.kind and self.KIND:
            self.kind = self.KIND

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state in OPEN_AT_DEPARTMENT and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def state_display(self) -> str:
        """已办结 reads 已解决 for 社情民意, as the offices say; 第2轮 marks a reopened item."""
        label = (
            "已解决"
            if self.kind == ItemKind.OPINION and self.state == ItemState.CONCLUDED
            else self.get_state_display()
        )
        return f"{label}（第{self.round}轮）" if self.round > 1 and self.state not in (ItemState.CONCLUDED,) else label


class Proposal(TrackedItem):
    KIND = ItemKind.PROPOSAL
    objects = TrackedItemManager(ItemKind.PROPOSAL)

    class Meta:
        proxy = True
        verbose_name = "建言"
        verbose_name_plural = "建言"


class Opinion(TrackedItem):
    KIND = ItemKind.OPINION
    objects = TrackedItemManager(ItemKind.OPINION)

    class Meta:
        proxy = True
        verbose_name = "社情民意"
        verbose_name_plural = "社情民意"


class Decision(TrackedItem):
    KIND = ItemKind.DECISION
    objects = TrackedItemManager(ItemKind.DECISION)

    class Meta:
        proxy = True
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"


class ItemEvent(models.Model):
    """One transition of an item: what, from which state to which, who, when, the remark. Never edited."""

    item = models.ForeignKey(TrackedItem, verbose_name="事项", on_delete=models.CASCADE, related_name="log_entries")
    action = models.CharField("办理环节", max_length=20)
    action_label = models.CharField("环节名称", max_length=30)
    from_state = models.CharField("原状态", max_length=12, choices=ItemState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=ItemState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("经办人姓名", max_length=60)
    department = models.ForeignKey(
        Department, verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    due_date = models.DateField("办理期限", null=True, blank=True)
    remark = models.TextField("说明", blank=True)

    objects = RegionScopedManager()
    scope_region_field = "item__region"

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]
        # a log: the database refuses to rewrite it (the item's own delete may still take its events)
        triggers = [pgtrigger.Protect(name="item_event_append_only", operation=pgtrigger.Update)]

    def __str__(self):
        return f"{self.item} · {self.action_label}"

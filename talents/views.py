"""Representative pool pages with behaviour of their own: status, overview, 疑似重复 (the rest: talents/catalog.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from registry.forms import ScopedModelForm
from registry.scoping import get_visible_or_404
from registry.views.generic import (
    ObjectDetailView,
    ObjectFormView,
    section,
)

from . import selectors, services
from .choices import PoolStatus
from .forms import (
    MergeForm,
    StatusChangeForm,
)
from .models import Representative
from .permissions import may_merge_representatives
from .tables import (
    ATTENDEE_TABLE,
    MEMBER_TABLE,
    PERSON_EVALUATION_TABLE,
    PERSON_MEMBERSHIP_TABLE,
    PERSON_NOMINATION_TABLE,
    PERSON_TRAINING_TABLE,
    REPRESENTATIVE_TABLE,
    STATUS_CHANGE_TABLE,
)


def _require(user, *permissions):
    if not user.has_perms(permissions):
        raise PermissionDenied("您没有进行此操作的权限。")


def _person_url(pk) -> str:
    return reverse("talents:representative_detail", args=[pk])


# ---- 代表人士 ----
class RepresentativeExportMixin:
    """The workbook has a 专长 column the page does not show."""

    def selector(self, *, user):
        return selectors.representative_list(user=user).prefetch_related("specialties")


class RepresentativeDetailView(ObjectDetailView):
    selector = staticmethod(selectors.representative_detail_queryset)

    def related_sections(self, obj):
        user = self.request.user
        related = selectors.representative_related(user=user, representative=obj)
        self.related = related

        def add(perm, name):
            if obj.is_merged or not user.has_perm(f"talents.{perm}"):
                return None
            return f"{reverse(f'talents:{name}_create')}?representative={obj.pk}"

        year_count = sum(1 for a in related["attendances"] if a.training.held_on.year == self.today.year)
        return [
            section(
                "综合评价",
                PERSON_EVALUATION_TABLE,
                related["evaluations"],
                user,
                add_url=add("add_evaluation", "evaluation"),
                empty="尚无综合评价。推荐使用前须有当年或上一年度的综合评价。",
            ),
            section(
                f"参加培训（{self.today.year}年 {year_count} 期，目标不少于{selectors.TRAINING_TARGET}期）",
                PERSON_TRAINING_TABLE,
                related["attendances"],
                user,
                add_url=add("add_attendance", "attendance"),
                empty="尚无参训记录。",
            ),
            section(
                "推荐使用",
                PERSON_NOMINATION_TABLE,
                related["nominations"],
                user,
                add_url=add("add_nomination", "nomination"),
                empty="尚无推荐记录。",
            ),
            section(
                "服务小组",
                PERSON_MEMBERSHIP_TABLE,
                related["memberships"],
                user,
                add_url=add("add_membership", "membership"),
                empty="未加入服务小组。",
            ),
            section("入库状态记录", STATUS_CHANGE_TABLE, related["status_changes"], user, empty="暂无状态记录。"),
        ]

    def get_context_data(self, **kwargs):
        self.today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        user = self.request.user
        nominations = list(self.related["nominations"])
        context.update(
            {
                "current_roles": [n for n in nominations if n.is_current],
                "merges": list(self.related["merges"]),
                "status_url": reverse("talents:representative_status", args=[obj.pk])
                if user.has_perm("talents.change_representative") and not obj.is_merged
                else None,
            }
        )
        if obj.is_merged:
            context["edit_url"] = context["delete_url"] = None
        return context


class RepresentativeFormView(ObjectFormView):
    """A merged record is history: it is not edited."""

    def selector(self, *, user):
        return Representative.objects.restrict(user).active()


def representative_status_view(request, pk):
    """变更入库状态: the dated change and who made it; withdrawing ends the person's group memberships."""
    _require(request.user, "talents.change_representative")
    representative = get_visible_or_404(Representative, request.user, pk=pk, merged_into__isnull=True)
    form = StatusChangeForm(request.POST or None, representative=representative)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                change = services.representative_change_status(
                    user=request.user,
                    representative=representative,
                    to_status=form.cleaned_data["to_status"],
                    level=form.cleaned_data["level"],
                    changed_on=form.cleaned_data["changed_on"],
                    note=form.cleaned_data["note"],
                )
        except ValidationError as error:
            ScopedModelForm.add_service_errors(form, error)
        else:
            extra = "，其所在服务小组已同日结束" if change.to_status == PoolStatus.WITHDRAWN else ""
            messages.success(request, f"已将“{representative}”的状态变更为{change.change_display}{extra}。")
            return redirect(_person_url(representative.pk))
    return render(
        request,
        "talents/representative_status.html",
        {"form": form, "object": representative, "title": f"变更入库状态：{representative}"},
        status=400 if request.method == "POST" else 200,
    )


class DistrictWideDetailMixin:
    """A street sees the district's trainings and groups, but only the level that runs one edits it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not services.manages(self.request.user, context["object"]):
            context["edit_url"] = context["delete_url"] = None
        return context


# ---- 培训 ----
class TrainingDetailView(DistrictWideDetailMixin, ObjectDetailView):
    def related_sections(self, obj):
        user = self.request.user
        attendances = (
            selectors.attendance_list(user=user).filter(training=obj).order_by("representative__name_initials", "pk")
        )
        return [
            section(
                "参训人员（您管辖区域内）",
                ATTENDEE_TABLE,
                attendances,
                user,
                add_url=f"{reverse('talents:attendance_create')}?training={obj.pk}"
                if user.has_perm("talents.add_attendance")
                else None,
                empty="尚未登记参训人员。",
            )
        ]


# ---- 服务小组 ----
class ServiceGroupDetailView(DistrictWideDetailMixin, ObjectDetailView):
    def related_sections(self, obj):
        user = self.request.user
        members = selectors.membership_list(user=user).filter(group=obj)
        return [
            section(
                "在组成员（您管辖区域内）",
                MEMBER_TABLE,
                members.filter(left_on__isnull=True).order_by("role", "representative__name_initials", "pk"),
                user,
                add_url=f"{reverse('talents:membership_create')}?group={obj.pk}"
                if user.has_perm("talents.add_membership")
                else None,
                empty="暂无在组成员。",
            ),
            section(
                "已退出的成员",
                MEMBER_TABLE,
                members.filter(left_on__isnull=False).order_by("-left_on", "pk"),
                user,
                empty="无。",
            ),
        ]


# ---- 入库概况 ----
def overview_view(request):
    _require(request.user, "talents.view_representative")
    context = {
        "title": "代表人士入库概况",
        "list_url": reverse("talents:representative_list"),
        **selectors.pool_overview(user=request.user),
    }
    return render(request, "talents/overview.html", context)


# ---- 疑似重复 ----
def duplicates_view(request):
    _require(request.user, "talents.view_representative")
    pairs = selectors.duplicate_pairs(user=request.user)
    can_merge = may_merge_representatives(request.user)
    mobile = REPRESENTATIVE_TABLE.column("mobile")
    # masked for everyone: a clear number shows only through the person page's logged 显示
    rows = [
        {
            "pair": pair,
            "people": [(person, mobile.text(person, clear_personal=False)) for person in (pair.first, pair.second)],
        }
        for pair in pairs
    ]
    return render(request, "talents/duplicates.html", {"title": "疑似重复", "pairs": rows, "can_merge": can_merge})


def _pair(request):
    source = request.POST if request.method == "POST" else request.GET
    try:
        first_pk, second_pk = int(source.get("first", "")), int(source.get("second", ""))
    except ValueError as error:
        raise Http404("请从疑似重复名单中选择要处理的两条记录。") from error
    return selectors.duplicate_pair_get(user=request.user, first_pk=first_pk, second_pk=second_pk)


def merge_view(request):
    """Compare two likely duplicates side by side and merge one into the other."""
    _require(request.user, "talents.change_representative", "talents.delete_representative")
    first, second = _pair(request)
    form = MergeForm(request.POST or None, first=first, second=second)
    if request.method == "POST" and form.is_valid():
        kept, duplicate = (first, second) if form.cleaned_data["keep"] == str(first.pk) else (second, first)
        try:
            with transaction.atomic():
                services.representative_merge(
                    user=request.user,
                    kept=kept,
                    duplicate=duplicate,
                    reason=selectors.duplicate_reason(user=request.user, first=first, second=second),
                    note=form.cleaned_data["note"],
                )
        except ValidationError as error:
            ScopedModelForm.add_service_errors(form, error)
        else:
            messages.success(request, f"已将编号{duplicate.pk}的记录合并到“{kept}”（编号{kept.pk}）。")
            return redirect(_person_url(kept.pk))
    return render(
        request,
        "talents/merge.html",
        {
            "title": "合并疑似重复记录",
            "form": form,
            **selectors.merge_preview(user=request.user, first=first, second=second),
        },
        status=400 if request.method == "POST" else 200,
    )


def not_duplicate_view(request):
    """不是同一人: the pair leaves the 疑似重复 list."""
    _require(request.user, "talents.change_representative")
    if request.method != "POST":
        return redirect("talents:duplicates")
    first, second = _pair(request)
    services.representatives_not_duplicates(user=request.user, first=first, second=second)
    messages.success(request, f"已确认编号{first.pk}与编号{second.pk}不是同一人，不再列入疑似重复。")
    return redirect("talents:duplicates")

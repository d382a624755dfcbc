"""Writes of the representative pool and the rules the department works by; pages, admin, API and import call these."""

import datetime

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from registry.choices import AccessAction
from registry.crud import scoped_create, scoped_delete, scoped_update
from registry.history import merge_context
from registry.permissions import manages_level
from registry.personal import can_reveal_personal, record_access
from registry.scoping import ensure_still_visible

from . import selectors
from .choices import IN_POOL, PoolLevel, PoolStatus
from .models import (
    Attendance,
    DistinctPair,
    Evaluation,
    Membership,
    MergeRecord,
    Nomination,
    Representative,
    ServiceGroup,
    StatusChange,
    Training,
    specialty_names,
)


# ---- 代表人士 ----
@transaction.atomic
def representative_create(*, user, data: dict) -> Representative:
    """A new record, a candidate unless ``status`` (and ``level``) say otherwise; writes its first StatusChange."""
    data = dict(data)
    status = data.pop("status", None) or PoolStatus.CANDIDATE
    level = data.pop("level", None) or ""
    changed_on = data.pop("status_date", None) or timezone.localdate()
    # written with the row, so that its first history event already names them
    data["specialty_names"] = specialty_names(data.get("specialties") or [])
    representative = scoped_create(
        user=user, model=Representative, data={**data, "status": status, "level": level, "status_date": changed_on}
    )
    StatusChange.objects.create(
        representative=representative,
        from_status="",
        to_status=status,
        level=level,
        changed_on=changed_on,
        changed_by=_user(user),
        note="新建记录",
    )
    return representative


def representative_update(*, user, instance: Representative, data: dict) -> Representative:
    """Edit the person's details; the pool status changes only through representative_change_status."""
    data = {k: v for k, v in data.items() if k not in ("status", "level", "status_date", "merged_into")}
    if instance.is_merged:
        raise ValidationError(f"该记录已合并到“{instance.merged_into}”，请编辑保留的记录。")
    return scoped_update(user=user, instance=instance, data=data)


def representative_delete(*, user, instance: Representative) -> None:
    scoped_delete(user=user, instance=instance)


@transaction.atomic
def representative_change_status(
    *, user, representative: Representative, to_status: str, level: str = "", changed_on=None, note: str = ""
) -> StatusChange:
    """Move a person along 候选 › 入库 › 重点联系对象 › 退出 and keep the dated change.

    Withdrawing (退出) ends the person's open service-group memberships on the same date.
    """
    ensure_still_visible(user, representative)
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    if representative.is_merged:
        raise ValidationError("该记录已合并到其他记录，不能再变更状态。")
    changed_on = changed_on or timezone.localdate()
    if to_status not in PoolStatus.values:
        raise ValidationError({"to_status": "请选择有效的入库状态。"})
    if to_status == PoolStatus.KEY_CONTACT and not level:
        level = representative.level  # a key contact keeps the level they were admitted at
    if to_status == PoolStatus.ADMITTED and level not in PoolLevel.values:
        raise ValidationError({"level": "入库时请选择入库级别（市级或区级）。"})
    if to_status in (PoolStatus.CANDIDATE, PoolStatus.WITHDRAWN):
        level = level or representative.level
    if to_status == representative.status and level == representative.level:
        raise ValidationError({"to_status": f"该代表人士当前已是“{representative.status_display}”，状态没有变化。"})
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": "变更日期不能晚于今天。"})
    last = representative.status_changes.order_by("-changed_on", "-pk").first()
    if last and changed_on < last.changed_on:
        raise ValidationError(
            {"changed_on": f"变更日期不能早于上一次状态变更（{last.changed_on:%Y-%m-%d}，{last.change_display}）。"}
        )
    change = StatusChange.objects.create(
        representative=representative,
        from_status=representative.status,
        to_status=to_status,
        level=level,
        changed_on=changed_on,
        changed_by=_user(user),
        note=note,
    )
    representative.status = to_status
    representative.level = level
    representative.status_date = changed_on
    representative.full_clean()
    representative.save()
    if to_status == PoolStatus.WITHDRAWN:
        _end_memberships(representative, changed_on)
    return change


def _end_memberships(representative: Representative, on: datetime.date) -> int:
    ended = 0
    for membership in Membership.objects.filter(representative=representative, left_on__isnull=True):
        # a membership that starts after the withdrawal date ends the day it starts
        membership.left_on = max(on, membership.joined_on)
        membership.note = (membership.note + "；" if membership.note else "") + "退出代表人士库，自动结束"
        membership.note = membership.note[:200]
        membership.save()
        ended += 1
    return ended


def _user(user):
    return user if getattr(user, "pk", None) else None


# ---- 推荐使用 ----
def check_nomination(*, representative: Representative, year: int) -> None:
    """A nomination is only for someone in the pool with a comprehensive evaluation that year or the year before."""
    if representative is None or not year:
        return
    if representative.is_merged:
        raise ValidationError({"representative": "该记录已合并到其他记录，请在保留的记录上推荐。"})
    if representative.status not in IN_POOL:
        raise ValidationError(
            {
                "representative": f"只能推荐已入库或重点联系对象：{representative.name}当前为"
                f"“{representative.get_status_display()}”，请先办理入库。"
            }
        )
    if not Evaluation.objects.filter(representative=representative, year__in=(year, year - 1)).exists():
        raise ValidationError(
            {
                "year": f"推荐使用须有{year - 1}年或{year}年的综合评价：{representative.name}"
                f"尚无这两个年度的综合评价，请先完成综合评价。"
            }
        )


def nomination_create(*, user, data: dict) -> Nomination:
    check_nomination(representative=data.get("representative"), year=data.get("year"))
    return scoped_create(user=user, model=Nomination, data=data)


def nomination_update(*, user, instance: Nomination, data: dict) -> Nomination:
    # recording the outcome of an earlier nomination must stay possible after the person withdrew:
    # the rule applies when the nomination is made, i.e. when the person or the year changes
    representative = data.get("representative", instance.representative)
    year = data.get("year", instance.year)
    if representative.pk != instance.representative_id or year != instance.year:
        check_nomination(representative=representative, year=year)
    return scoped_update(user=user, instance=instance, data=data)


# ---- 综合评价 ----
def evaluation_create(*, user, data: dict) -> Evaluation:
    return scoped_create(user=user, model=Evaluation, data=data)


def evaluation_update(*, user, instance: Evaluation, data: dict) -> Evaluation:
    return scoped_update(user=user, instance=instance, data=data)


# ---- 服务小组 and 培训: district-wide records a street sees but does not edit ----
def manages(user, instance) -> bool:
    """A street's staff see the district's groups and trainings (to enrol their people) but edit only their own."""
    return bool(manages_level(user, instance))


def ensure_own_level(user, instance) -> None:
    if not manages(user, instance):
        raise PermissionDenied(f"“{instance}”由上级统战部门管理，您只能查看并登记本辖区人员。")


def service_group_create(*, user, data: dict) -> ServiceGroup:
    group = ServiceGroup(**data)
    ensure_own_level(user, group)
    return scoped_create(user=user, model=ServiceGroup, data=data)


def service_group_update(*, user, instance: ServiceGroup, data: dict) -> ServiceGroup:
    ensure_own_level(user, instance)
    group = scoped_update(user=user, instance=instance, data=data)
    ensure_own_level(user, group)
    return group


def service_group_delete(*, user, instance: ServiceGroup) -> None:
    ensure_own_level(user, instance)
    scoped_delete(user=user, instance=instance)


def membership_create(*, user, data: dict) -> Membership:
    _check_member(data.get("representative"))
    return scoped_create(user=user, model=Membership, data=data)


def membership_update(*, user, instance: Membership, data: dict) -> Membership:
    if "representative" in data and data["representative"].pk != instance.representative_id:
        _check_member(data["representative"])
    return scoped_update(user=user, instance=instance, data=data)


def _check_member(representative) -> None:
    if representative is not None and representative.status == PoolStatus.WITHDRAWN:
        raise ValidationError({"representative": f"{representative.name}已退出代表人士库，不能加入服务小组。"})
    if representative is not None and representative.is_merged:
        raise ValidationError({"representative": "该记录已合并到其他记录。"})


def training_create(*, user, data: dict) -> Training:
    data = dict(data)
    attendees = data.pop("attendees", None)
    training = Training(**data)
    ensure_own_level(user, training)
    training = scoped_create(user=user, model=Training, data=data)
    if attendees is not None:
        training_set_attendees(user=user, training=training, representatives=attendees)
    return training


def training_update(*, user, instance: Training, data: dict) -> Training:
    data = dict(data)
    attendees = data.pop("attendees", None)
    if any(getattr(instance, name) != value for name, value in data.items()):
        ensure_own_level(user, instance)
    training = scoped_update(user=user, instance=instance, data=data)
    if attendees is not None:
        training_set_attendees(user=user, training=training, representatives=attendees)
    return training


def training_delete(*, user, instance: Training) -> None:
    ensure_own_level(user, instance)
    scoped_delete(user=user, instance=instance)


@transaction.atomic
def training_set_attendees(*, user, training: Training, representatives) -> Training:
    """Set who attended, among the people ``user`` may see; attendees of other streets stay as they are."""
    visible = Representative.objects.visible_to(user)
    chosen = {r.pk for r in representatives}
    if visible.filter(pk__in=chosen).count() != len(chosen):
        raise ValidationError({"attendees": "参训人员中有不在您管辖区域内的记录。"})
    current = Attendance.objects.filter(training=training, representative__in=visible)
    existing = set(current.values_list("representative_id", flat=True))
    for attendance in current.filter(representative_id__in=existing - chosen):
        attendance.delete()
    for pk in sorted(chosen - existing):
        Attendance.objects.create(training=training, representative_id=pk)
    return training


def attendance_create(*, user, data: dict) -> Attendance:
    return scoped_create(user=user, model=Attendance, data=data)


def attendance_update(*, user, instance: Attendance, data: dict) -> Attendance:
    return scoped_update(user=user, instance=instance, data=data)


# ---- 一人一档: merging likely duplicates ----
@transaction.atomic
def representative_merge(
    *, user, kept: Representative, duplicate: Representative, reason: str = "", note: str = ""
) -> MergeRecord:
    """Fold ``duplicate`` into ``kept``: move its evaluations, trainings, nominations and memberships.

    The duplicate is not deleted: it is marked merged (it leaves every list and count), both
    records keep their 变更记录 and each gets one entry saying which went into which (the events
    carry registry.history's merge context), and a MergeRecord says what moved.
    Blank details of the kept record (ID number, mobile, birth date…) are filled from the duplicate.
    """
    ensure_still_visible(user, kept)
    ensure_still_visible(user, duplicate)
    kept, duplicate = (
        Representative.objects.select_for_update().get(pk=kept.pk),
        Representative.objects.select_for_update().get(pk=duplicate.pk),
    )
    if kept.pk == duplicate.pk:
        raise ValidationError("不能把一条记录合并到它自己。")
    if kept.is_merged or duplicate.is_merged:
        raise ValidationError("其中一条记录已被合并过，请刷新疑似重复名单后再操作。")
    with pghistory.context(**merge_context(kept=kept, merged=duplicate)):
        return _merge_into(user, kept, duplicate, reason=reason, note=note)


def _merge_into(user, kept: Representative, duplicate: Representative, *, reason: str, note: str) -> MergeRecord:
    """The writes of a merge; the caller names them as one (every event carries the merge context)."""
    moved = {"evaluations": 0, "attendances": 0, "nominations": 0, "memberships": 0}
    kept_years = set(kept.evaluations.values_list("year", flat=True))
    for evaluation in duplicate.evaluations.all():
        if evaluation.year in kept_years:
            continue  # the kept record's own evaluation of that year stands; the other stays on the duplicate
        evaluation.representative = kept
        evaluation.save()
        moved["evaluations"] += 1
    kept_trainings = set(kept.attendances.values_list("training_id", flat=True))
    for attendance in duplicate.attendances.all():
        if attendance.training_id in kept_trainings:
            continue
        attendance.representative = kept
        attendance.save()
        moved["attendances"] += 1
    moved["nominations"] = 0
    for nomination in duplicate.nominations.all():
        nomination.representative = kept
        nomination.save()
        moved["nominations"] += 1
    kept_groups = set(kept.memberships.filter(left_on__isnull=True).values_list("group_id", flat=True))
    for membership in duplicate.memberships.all():
        if membership.left_on is None and membership.group_id in kept_groups:
            continue
        membership.representative = kept
        membership.save()
        moved["memberships"] += 1

    # the duplicate leaves the live set first, so that its ID number may pass to the kept record
    duplicate.merged_into = kept
    duplicate.save()
    filled = []
    for field in (
        "id_number",
        "mobile",
        "birth_date",
        "gender",
        "education",
        "title",
        "position",
        "discovery_channel",
    ):
        if not getattr(kept, field) and getattr(duplicate, field):
            setattr(kept, field, getattr(duplicate, field))
            filled.append(str(Representative._meta.get_field(field).verbose_name))
    if not kept.organization_id and not kept.organization_name:
        kept.organization_id, kept.organization_name = duplicate.organization_id, duplicate.organization_name
    kept.full_clean()
    kept.save()
    kept.specialties.add(*duplicate.specialties.all())

    record = MergeRecord.objects.create(
        kept=kept, merged=duplicate, reason=reason[:100], note=note[:300], moved=moved, merged_by=_user(user)
    )
    return record


def representatives_not_duplicates(*, user, first: Representative, second: Representative) -> DistinctPair:
    """Someone checked a 疑似重复 pair: they are different people; the pair leaves the list."""
    ensure_still_visible(user, first)
    ensure_still_visible(user, second)
    if first.pk == second.pk:
        raise ValidationError("两条记录相同。")
    low, high = sorted((first, second), key=lambda r: r.pk)
    pair, _ = DistinctPair.objects.get_or_create(first=low, second=high, defaults={"confirmed_by": _user(user)})
    return pair


# ---- search by a full ID number or mobile ----
def representative_personal_search(*, request, queryset, term: str):
    """The records a whole ID number or mobile names (see selectors.personal_search), each look-up logged.

    A search by a number is a disclosure even when nothing matches, so the miss is logged too.
    """
    matches = selectors.personal_search(user=request.user, queryset=queryset, term=term)
    found = selectors.personal_term(term)
    if found is None or not can_reveal_personal(request.user):
        return matches
    field_name, value = found
    label = "身份证号" if field_name == "id_number" else "手机号"
    detail = {"query": selectors.masked_term(value), "field": label}
    with transaction.atomic():
        targets = list(matches.order_by("pk")[:20])
        for target in targets:
            record_access(request=request, action=AccessAction.SEARCH, target=target, fields=label, detail=detail)
        if not targets:
            record_access(
                request=request,
                action=AccessAction.SEARCH,
                target_model=Representative._meta.label,
                target_repr="（无匹配）",
                fields=label,
                detail={**detail, "matches": 0},
            )
    return matches

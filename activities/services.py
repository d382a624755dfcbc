"""Changes to the activities app's records: keyword-only, one transaction, permission checked."""

from django.db import transaction

from registry.crud import scoped_create, scoped_delete, scoped_update

from .models import Activity, ActivityTheme, Participation


# ---- 活动主题 ----
def activity_theme_create(*, user, data: dict) -> ActivityTheme:
    return scoped_create(user=user, model=ActivityTheme, data=data)


def activity_theme_update(*, user, instance: ActivityTheme, data: dict) -> ActivityTheme:
    return scoped_update(user=user, instance=instance, data=data)


def activity_theme_delete(*, user, instance: ActivityTheme) -> None:
    scoped_delete(user=user, instance=instance)


# ---- 活动 ----
def activity_create(*, user, data: dict) -> Activity:
    return scoped_create(user=user, model=Activity, data=data)


def activity_update(*, user, instance: Activity, data: dict) -> Activity:
    return scoped_update(user=user, instance=instance, data=data)


def activity_delete(*, user, instance: Activity) -> None:
    scoped_delete(user=user, instance=instance)


# ---- 参与人员 ----
def _lock_activity(data: dict, instance: Participation | None = None) -> None:
    """Hold the activity's row while its participants change: two people adding the last allowed
    participant at once cannot both pass the 人次 and 时长 rules."""
    activity = data.get("activity") or (instance.activity if instance is not None else None)
    if activity is not None:
        Activity.objects.select_for_update().filter(pk=getattr(activity, "pk", activity)).first()


@transaction.atomic
def participation_create(*, user, data: dict) -> Participation:
    _lock_activity(data)
    return scoped_create(user=user, model=Participation, data=data)


@transaction.atomic
def participation_update(*, user, instance: Participation, data: dict) -> Participation:
    _lock_activity(data, instance)
    return scoped_update(user=user, instance=instance, data=data)


def participation_delete(*, user, instance: Participation) -> None:
    scoped_delete(user=user, instance=instance)

"""Changes to the activities app's records: keyword-only, one transaction, permission checked."""

from django.db import transaction

from registry.scoping import ensure_permitted

from .models import ActivityTheme


def _save(instance, *, user, action: str):
    ensure_permitted(user, instance, action)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def activity_theme_create(*, user, data: dict) -> ActivityTheme:
    return _save(ActivityTheme(**data), user=user, action="add")


@transaction.atomic
def activity_theme_update(*, user, instance: ActivityTheme, data: dict) -> ActivityTheme:
    for name, value in data.items():
        setattr(instance, name, value)
    return _save(instance, user=user, action="change")


@transaction.atomic
def activity_theme_delete(*, user, instance: ActivityTheme) -> None:
    ensure_permitted(user, instance, "delete")
    instance.delete()

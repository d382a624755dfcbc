"""Region scoping: RegionScopedQuerySet.visible_to(user) is the only row filter there is."""

from django.core.exceptions import PermissionDenied
from django.db import models


def user_is_unrestricted(user) -> bool:
    return bool(user.is_superuser or getattr(user, "all_regions", False))


def scope_region(user):
    """The Region a restricted user's scope is rooted at (None: sees nothing)."""
    return getattr(user, "region", None)


class RegionScopedQuerySet(models.QuerySet):
    """Base queryset of every model that belongs to a region.

    A model names the path to its Region foreign key in ``scope_region_field``
    ("region" by default, e.g. "organization__region" for a child record).
    """

    def _scope_lookup(self) -> str:
        field = getattr(self.model, "scope_region_field", "region")
        return f"{field}__path__startswith" if field else "path__startswith"

    def scope_condition(self, region) -> models.Q:
        """Rows inside ``region``'s subtree; a model may widen it (e.g. through its assignments)."""
        return models.Q(**{self._scope_lookup(): region.path})

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user_is_unrestricted(user):
            return self.all()
        region = scope_region(user)
        if region is None:
            return self.none()
        return self.filter(self.scope_condition(region))


class RegionScopedManager(models.Manager.from_queryset(RegionScopedQuerySet)):
    pass


def get_visible_or_404(model, user, **lookup):
    """Fetch one record the user may see; anything else is a 404 (never a 403)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(model.objects.visible_to(user), **lookup)


def ensure_still_visible(user, instance) -> None:
    """Refuse a save that would move a record out of the user's scope.

    Call inside the saving transaction: the PermissionDenied rolls the save back.
    """
    if not type(instance).objects.visible_to(user).filter(pk=instance.pk).exists():
        raise PermissionDenied("保存后该记录将超出您的管辖区域，操作已取消。")

"""Region scoping: RegionScopedQuerySet.restrict(user, action) — the permission and the region scope in one call.

``visible_to(user)`` (the region-path prefix) is the only row filter there is; ``restrict`` adds the
model permission in front of it. Choices, prefetches and owner-scoped records reuse the same rule.
"""

from django.core.exceptions import PermissionDenied
from django.db import models


def user_is_unrestricted(user) -> bool:
    """registry.permissions.is_unrestricted: a superuser or an account set to 不限区域."""
    from registry.permissions import is_unrestricted

    return bool(is_unrestricted(user))


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

    # the user whose scope this queryset is already filtered to: restrict() after visible_to() (a
    # selector, then the view's action) must not filter twice — twice through a multi-valued scope
    # path (a liaison's assignments) would join twice and repeat rows
    _scoped_for = None

    def _clone(self):
        clone = super()._clone()
        clone._scoped_for = self._scoped_for
        return clone

    # a combination keeps the mark only when both sides were scoped for the same user: an OR with an
    # unscoped queryset must not let a later restrict() skip the scope
    def __or__(self, other):
        combined = super().__or__(other)
        combined._scoped_for = self._scoped_for if self._scoped_for == other._scoped_for else None
        return combined

    def __xor__(self, other):
        combined = super().__xor__(other)
        combined._scoped_for = self._scoped_for if self._scoped_for == other._scoped_for else None
        return combined

    def _combinator_query(self, combinator, *other_qs, all=False):
        combined = super()._combinator_query(combinator, *other_qs, all=all)
        if any(other._scoped_for != self._scoped_for for other in other_qs):
            combined._scoped_for = None
        return combined

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if self._scoped_for is not None and self._scoped_for == user.pk:
            return self._chain()
        if user_is_unrestricted(user):
            queryset = self.all()
        else:
            region = scope_region(user)
            if region is None:
                return self.none()
            queryset = self.filter(self.scope_condition(region))
        queryset._scoped_for = user.pk
        return queryset

    def restrict(self, user, action: str = "view"):
        """The rows ``user`` may ``action`` (view/add/change/delete): none without ``<app>.<action>_<model>``."""
        if not has_model_permission(user, self.model, action):
            return self.none()
        return self.visible_to(user)


def has_model_permission(user, model, action: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def restrict(queryset, user, action: str = "view"):
    """``queryset.restrict(user, action)`` for a scoped model; the permission alone for any other."""
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, action)
    return queryset if has_model_permission(user, queryset.model, action) else queryset.none()


def narrow_choices(field_or_queryset, user):
    """Limit a form/filter/serializer field's choices (or a queryset) to the records in ``user``'s scope.

    Only the scope, not the view permission of the chosen model: picking an organization for a
    survey is part of editing the survey. Returns the narrowed queryset (and sets it on a field).
    """
    target = getattr(field_or_queryset, "child_relation", field_or_queryset)  # DRF many=True
    queryset = target if isinstance(target, models.QuerySet) else getattr(target, "queryset", None)
    if queryset is None or not hasattr(queryset, "visible_to"):
        return queryset
    narrowed = queryset.visible_to(user)
    if target is not queryset:
        target.queryset = narrowed
    return narrowed


def scoped_prefetch(lookup: str, *, user, queryset, action: str = "view", to_attr: str | None = None):
    """A Prefetch whose related rows are the ones ``user`` may ``action``: scoped, one query for all rows."""
    return models.Prefetch(lookup, queryset=restrict(queryset, user, action), to_attr=to_attr)


def owner_scope_condition(user, *, owner: str = "user") -> models.Q | None:
    """Rows written by ``user``, or by an account inside the region of a district admin / unrestricted user.

    For records that belong to the account that made them (import records, the access log), not to a
    region: None means every row (unrestricted), an empty Q never matches (anonymous, inactive).
    """
    from registry.permissions import answers_for_region_staff

    if user is None or not user.is_authenticated or not user.is_active:
        return models.Q(pk__in=[])
    if user_is_unrestricted(user):
        return None
    condition = models.Q(**{owner: user})
    region = scope_region(user)
    if region is not None and answers_for_region_staff(user):
        condition |= models.Q(**{f"{owner}__region__path__startswith": region.path})
    return condition


class OwnerScopedQuerySet(models.QuerySet):
    """A record owned by the account that made it (``user`` foreign key): see owner_scope_condition."""

    def visible_to(self, user):
        condition = owner_scope_condition(user)
        return self.all() if condition is None else self.filter(condition)

    def restrict(self, user, action: str = "view"):
        if not has_model_permission(user, self.model, action):
            return self.none()
        return self.visible_to(user)


class RegionScopedManager(models.Manager.from_queryset(RegionScopedQuerySet)):
    pass


def get_visible_or_404(model, user, **lookup):
    """Fetch one record the user may see; anything else is a 404 (never a 403)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(model.objects.visible_to(user), **lookup)


ACTION_LABELS = {"view": "查看", "add": "新增", "change": "编辑", "delete": "删除"}


def ensure_permitted(user, instance, action: str) -> None:
    """Refuse ``action`` on a record unless ``restrict(user, action)`` holds it (PermissionDenied, in Chinese).

    A new record (no pk yet) needs the permission only; its scope is checked once saved.
    """
    model = type(instance)
    if not has_model_permission(user, model, action):
        label = ACTION_LABELS.get(action, action)
        raise PermissionDenied(f"您没有{label}“{model._meta.verbose_name}”的权限。")
    permitted = restrict(model._default_manager.all(), user, action)
    if instance.pk is not None and not permitted.filter(pk=instance.pk).exists():
        raise PermissionDenied("该记录不在您的管辖区域内，操作已取消。")


def ensure_still_visible(user, instance) -> None:
    """Refuse a save that would move a record out of the user's scope.

    Call inside the saving transaction: the PermissionDenied rolls the save back.
    """
    if not type(instance).objects.visible_to(user).filter(pk=instance.pk).exists():
        raise PermissionDenied("保存后该记录将超出您的管辖区域，操作已取消。")

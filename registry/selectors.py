"""Reads of the registry core; every one starts from visible_to(user)."""

from registry.models import Region


def region_list(*, user):
    return Region.objects.visible_to(user).select_related("parent").order_by("path")


def region_get(*, user, pk):
    from registry.scoping import get_visible_or_404

    return get_visible_or_404(Region, user, pk=pk)

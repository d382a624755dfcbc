"""Reads of the registry core; every one starts from visible_to(user)."""

from django.db.models import Count, Q

from registry.choices import RegionLevel
from registry.models import Region


def region_list(*, user):
    return Region.objects.visible_to(user).select_related("parent").order_by("path")


def region_get(*, user, pk):
    from registry.scoping import get_visible_or_404

    return get_visible_or_404(Region, user, pk=pk)


def region_counts_by_level(*, user) -> dict[str, int]:
    rows = Region.objects.visible_to(user).values("level").annotate(n=Count("pk"))
    counts = {row["level"]: row["n"] for row in rows}
    return {level.value: counts.get(level.value, 0) for level in RegionLevel}


def street_community_counts(*, user) -> list[dict]:
    """Each visible street with how many communities and grids lie under it."""
    streets = Region.objects.visible_to(user).streets().order_by("code")
    result = []
    for street in streets.annotate(
        communities=Count("children", filter=Q(children__level=RegionLevel.COMMUNITY), distinct=True),
        grids=Count("children__children", distinct=True),
    ):
        result.append({"name": street.name, "communities": street.communities, "grids": street.grids})
    return result

"""Reads of the registry core; every one starts from visible_to(user)."""

from urllib.parse import urlencode

from registry.models import Region


def region_list(*, user):
    return Region.objects.visible_to(user).select_related("parent").order_by("path")


def region_get(*, user, pk):
    from registry.scoping import get_visible_or_404

    return get_visible_or_404(Region, user, pk=pk)


def count_of(queryset):
    """The number of rows of ``queryset`` (correlated with OuterRef) as a per-row annotation, 0 when none.

    Unlike ``Count(relation)``, which groups the whole table before a page is cut from it, the subquery
    runs for the rows a page shows only (registry.pagination fetches the page's keys first).
    """
    from django.db.models import Func, IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    counted = queryset.order_by().annotate(_n=Func("pk", function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def count_rows(*, counts: dict, choices, list_url: str, params: dict, by: str) -> list[dict]:
    """A breakdown's rows in the choices' order: value, label, count, and the list showing them (``?by=value``)."""
    return [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "url": f"{list_url}?{urlencode({**params, by: value})}",
        }
        for value, label in choices
    ]

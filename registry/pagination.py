"""Pagination that stays fast on a million rows: fetch one page plus one row, count only up to a cap."""

from dataclasses import dataclass

from django.db.models.expressions import Col

COUNT_CAP = 10_000
# far past any real list, and its OFFSET still fits PostgreSQL's bigint (a page of 10**20 overflowed it)
MAX_PAGE = 1_000_000_000


@dataclass
class Page:
    objects: list
    number: int
    per_page: int
    has_next: bool
    count: int  # exact when below the cap
    count_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.objects else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.objects) - 1 if self.objects else 0

    @property
    def num_pages(self) -> int | None:
        if self.count_capped:
            return None
        return max(1, -(-self.count // self.per_page))

    @property
    def count_display(self) -> str:
        return f"{COUNT_CAP:,}+" if self.count_capped else f"{self.count:,}"

    def nearby_pages(self) -> list[int]:
        last = self.num_pages or (self.number + (1 if self.has_next else 0))
        return list(range(max(1, self.number - 3), min(last, self.number + 3) + 1))


def page_number(page_param) -> int:
    """The page asked for, from 1 to MAX_PAGE; anything that is not a whole number is page 1."""
    try:
        number = int(str(page_param or 1).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), MAX_PAGE)


def page_rows(queryset, offset: int, limit: int) -> list:
    """``queryset[offset : offset + limit]``, with the per-row work done for those rows only.

    A list's rows carry annotations (coverage flags, latest survey counts, related counts); PostgreSQL
    computes a row's select list before OFFSET discards it, so page 20 would pay for
    1,000 rows. The page's keys come first — ordered and limited over the sort's index, computing only
    what the ordering needs — and then the full rows of just those keys, put back in that order.
    """
    ordering = {str(field).lstrip("-") for field in queryset.query.order_by}
    # a joined column (the stored coverage flags) costs nothing per row; subqueries and expressions do
    per_row = [
        name
        for name, expression in queryset.query.annotation_select.items()
        if name not in ordering and not isinstance(expression, Col)
    ]
    grouped = queryset.query.group_by is not None  # aggregates: the keys alone cannot be ordered by them
    if queryset.query.distinct or queryset.query.combinator or grouped or not per_row:
        return list(queryset[offset : offset + limit])  # nothing per row beyond what the order needs
    keys = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    if not keys:
        return []
    by_key = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return [by_key[key] for key in keys if key in by_key]


def paginate(queryset, page_param, per_page: int) -> Page:
    number = page_number(page_param)
    offset = (number - 1) * per_page
    rows = page_rows(queryset, offset, per_page + 1)
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    # COUNT over at most COUNT_CAP + 1 rows: an exact total for everyday lists, a bounded cost on huge ones
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count() if (number > 1 or has_next) else len(rows)
    return Page(rows, number, per_page, has_next, min(count, COUNT_CAP), count > COUNT_CAP)

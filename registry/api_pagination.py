"""The API's page of results: limit/offset, checked, with a capped count (DRF's default pagination class)."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from registry.pagination import COUNT_CAP, page_rows


class CappedPagination(pagination.LimitOffsetPagination):
    """limit/offset pages whose total is counted only up to COUNT_CAP (a million rows stay fast).

    A ``limit`` or ``offset`` that is not one whole number in range is refused with 400, rather than
    silently replaced (DRF's default) or handed to the database (an offset past its integer range).
    """

    max_limit = 500
    max_offset = 2**31 - 1

    def _whole_number(self, request, name: str, *, low: int, high: int, label: str) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        value = values[0].strip()
        if len(values) > 1 or not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            raise ValidationError({name: [f"{label}（{name}）必须是 {low} 到 {high} 之间的一个整数。"]})
        return int(value)

    def get_limit(self, request):
        limit = self._whole_number(request, self.limit_query_param, low=1, high=self.max_limit, label="每页条数")
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        offset = self._whole_number(request, self.offset_query_param, low=0, high=self.max_offset, label="起始位置")
        return offset or 0

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": self.max_offset},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        """DRF's, but past a capped count the rows are still there, and the page's keys come first."""
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        self.has_next = False
        if self.count == 0 or (self.offset > self.count and not self.count_capped):
            return []
        rows = page_rows(queryset, self.offset, self.limit + 1)  # one more: is there a next page past the cap?
        self.has_next = len(rows) > self.limit
        return rows[: self.limit]

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        url = pagination.replace_query_param(url, self.limit_query_param, self.limit)
        return pagination.replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_count(self, queryset):
        count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.count_capped = count > COUNT_CAP
        return min(count, COUNT_CAP)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {"type": "boolean"}
        return schema

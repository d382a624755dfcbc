"""Column specs: one list of columns per list page drives the HTML table, the detail fields and the export."""

import dataclasses
import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils import timezone

from registry.personal import mask_value, personal_kind


def _resolve(obj, path: str):
    """Follow a dotted path; a field with choices gives its Chinese label."""
    value = obj
    parts = path.split(".")
    for index, part in enumerate(parts):
        if value is None:
            return None
        last = index == len(parts) - 1
        display = getattr(value, f"get_{part}_display", None)
        if last and callable(display):
            return display() if getattr(value, part) not in (None, "") else None
        value = getattr(value, part)
        if isinstance(value, models.Manager):
            value = "、".join(str(item) for item in value.all())
    return value() if callable(value) else value


@dataclass
class Column:
    key: str
    label: str
    accessor: str | Callable | None = None  # dotted path (default: key) or callable(obj)
    order_by: str | tuple[str, ...] | None = None  # ORM expression(s) when the column sorts
    # the masking kind, never written by hand: bind_personal() takes it from the model's declaration
    personal: str | None = None
    link: bool = False  # the cell links to the record's page
    numeric: bool = False
    flag: bool = False  # a yes/no shown as a tick or a cross on the page
    # a status shown as a coloured badge on the page: badge(obj) → a Bootstrap colour (success, danger…)
    badge: Callable | None = None
    in_table: bool = True
    in_export: bool = True
    width: int = 14  # Excel column width

    def raw(self, obj):
        accessor = self.accessor or self.key
        if callable(accessor):
            return accessor(obj)
        return _resolve(obj, accessor)

    def value(self, obj, *, clear_personal: bool):
        """The value with personal data masked unless ``clear_personal``."""
        value = self.raw(obj)
        if self.personal and value and not clear_personal:
            return mask_value(self.personal, value)
        return value

    def text(self, obj, *, clear_personal: bool) -> str:
        return display_text(self.value(obj, clear_personal=clear_personal))

    @property
    def sortable(self) -> bool:
        return self.order_by is not None


def display_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:,.2f}"
    return str(value)


def bind_personal(model, columns: list[Column]) -> list[Column]:
    """``columns`` with ``personal`` read from ``model.personal_fields`` (through a dotted accessor too)."""
    bound = []
    for column in columns:
        path = column.accessor if isinstance(column.accessor, str) else column.key
        kind = personal_kind(model, path)
        bound.append(dataclasses.replace(column, personal=kind) if kind != column.personal else column)
    return bound


@dataclass
class Table:
    columns: list[Column]
    default_order: tuple[str, ...] = ("-updated_at", "-pk")
    detail_url_name: str | None = None
    per_page: int = 50
    extra: dict = field(default_factory=dict)
    detail_pk_attr: str = "pk"  # e.g. "representative_id": a row of attendances links to the person's page
    model: type | None = None  # whose personal_fields mark the columns to mask
    # a row that needs attention (an item past its deadline): row_class(obj) → a CSS class for the row, or ""
    row_class: Callable | None = None

    def __post_init__(self):
        if self.model is not None:
            self.columns = bind_personal(self.model, self.columns)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def table_columns(self) -> list[Column]:
        return [c for c in self.columns if c.in_table]

    @property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.in_export]

    def ordering(self, sort: str | None) -> tuple[list[str], str | None]:
        """ORM ordering for ``?sort=key`` or ``-key``, always ending in a unique tie-breaker."""
        key = (sort or "").lstrip("-")
        column = self.column(key) if key else None
        if column is None or not column.sortable:
            return list(self.default_order), None
        fields = [column.order_by] if isinstance(column.order_by, str) else list(column.order_by)
        descending = sort.startswith("-")
        order = [(f"-{f}" if descending else f) for f in fields]
        order.append("-pk" if descending else "pk")
        return order, sort

    def detail_url(self, obj) -> str | None:
        return reverse(self.detail_url_name, args=[getattr(obj, self.detail_pk_attr)]) if self.detail_url_name else None

    def rows(self, objects, user) -> list[dict]:
        # a page masks for everyone: a clear value leaves only through a logged reveal, export or API call
        clear = False
        columns = self.table_columns
        return [
            {
                "object": obj,
                "url": self.detail_url(obj),
                "css": self.row_class(obj) if self.row_class else "",
                "cells": [
                    {
                        "text": c.text(obj, clear_personal=clear),
                        "column": c,
                        "masked": bool(c.personal and not clear),
                        "flag": bool(c.raw(obj)) if c.flag else None,
                        "badge": c.badge(obj) if c.badge else None,
                    }
                    for c in columns
                ],
            }
            for obj in objects
        ]

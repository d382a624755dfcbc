"""Exporters as classes: what an export holds, apart from how and where it is written.

An exporter has an identifier, a Chinese name and options, and yields sheets; each sheet has columns,
rows (any iterable, consumed once) and optionally a native chart drawn from its own rows. The writer
(registry.exporting) turns any exporter into one .xlsx, at once in the request or in the task worker
with progress; the list export and the statistics workbook are both exporters.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class SheetColumn:
    label: str  # the Chinese header
    width: int = 14
    personal: bool = False  # holds personal data: the access log names it when written in clear
    number_format: str | None = None  # e.g. "0.0%", "#,##0.00"


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart over the sheet's own rows: categories from one column, a series per column."""

    kind: str  # "column", "bar", "line", "pie"
    title: str
    category_column: int  # index into the sheet's columns
    value_columns: tuple[int, ...]  # one series each
    percent: bool = False  # 0–100 % axis for rates


@dataclass
class Sheet:
    title: str  # at most 31 characters in Excel
    columns: list[SheetColumn]
    rows: Iterable[list[Any]]
    total: int | None = None  # rows expected, when known (progress); None when not
    chart: ChartSpec | None = None
    notes: list[str] = field(default_factory=list)  # lines written above the table (period, scope, briefing)
    model: Any = None  # the model whose records the rows are (access log), when they are records


class Exporter:
    """Base of every exporter: ``sheets()`` yields what the file holds, in order."""

    identifier: ClassVar[str]
    name: ClassVar[str]  # Chinese, shown on the page and in the file's 导出说明

    def __init__(self, *, user, options: dict | None = None):
        self.user = user
        self.options = options or {}

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def describe(self) -> dict[str, str]:
        """{Chinese label: value} of the chosen options, for the 导出说明 sheet and the job list."""
        return {}

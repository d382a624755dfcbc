"""The one Excel writer every export goes through: any Exporter (registry.exporters) into one .xlsx.

xlsxwriter in constant-memory mode (each row leaves memory when the next begins); every text cell is written
with write_string, so nothing is ever taken for a formula, and text Excel or WPS would evaluate when edited
(=, +, -, @, tab, CR at the start) gets a leading apostrophe; characters a worksheet cannot hold are dropped;
dates are dates in Shanghai time. The 导出说明 sheet says what, who, when, which filters, how many rows and
whether personal data is in clear; the access log row is written when a file with the rows leaves the server.
"""

import datetime
import decimal
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import xlsxwriter
from django.apps import apps
from django.http import FileResponse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from registry.choices import AccessAction
from registry.exporters import Exporter, Sheet, TableExporter
from registry.personal import can_see_personal, record_access, record_clear_values

# A cell that starts like this is a formula (or DDE) to Excel and WPS once edited: keep it plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ITERATOR_CHUNK = 2000
PROGRESS_EVERY = 1000  # rows between two progress reports
HEADER_STYLE = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#A61B1B", "align": "center", "valign": "vcenter"}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CHART_TYPES = {"column": "column", "bar": "bar", "line": "line", "pie": "pie"}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_text(value: str) -> str:
    """Text without what a worksheet cannot hold: one old name with a control character must not sink the file."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def neutralize(value):
    """Text that Excel would evaluate gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def excel_value(value):
    """A value as a cell holds it (the import's error report writes with openpyxl through this)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, datetime.date | int | float | decimal.Decimal):
        return value
    return neutralize(cell_text(str(value)))


def filters_note(filters: dict) -> str:
    """{Chinese label: value} as one line: 登记状态：正常；枢纽型：否."""
    return "；".join(f"{label}：{value}" for label, value in filters.items()) or "无（全部可见记录）"


@dataclass
class ExportOutcome:
    rows: int = 0
    sheets: list[tuple[str, int]] = field(default_factory=list)
    # one access log row each, written when the file leaves the server (log_export)
    access_entries: list[dict] = field(default_factory=list)


class _Formats:
    """The workbook's cell formats, made once: the header, dates, and each column's number format."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.header = workbook.add_format(HEADER_STYLE)
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, object] = {}

    def number(self, number_format: str | None):
        if not number_format:
            return None
        if number_format not in self._numbers:
            self._numbers[number_format] = self.workbook.add_format({"num_format": number_format})
        return self._numbers[number_format]


def _sheet_name(title: str, taken: set[str]) -> str:
    """A name Excel accepts (31 characters, none of []:*?/\\), distinct from the sheets before it."""
    base = _SHEET_NAME_FORBIDDEN.sub("", cell_text(title)).strip("'").strip() or "Sheet"
    name, number = base[:31], 2
    while name.lower() in taken:
        suffix = f"（{number}）"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _write_rows(
    worksheet, rows, first_row: int, number_formats: list, string_formats: list, formats: _Formats, tick: Callable
) -> int:
    """Write every row from ``first_row`` on; return how many. The per-cell work is one type test and one call.

    The undecorated _write_* methods (xlsxwriter pinned in pyproject.toml) skip the A1-notation argument check
    of the public ones: the coordinates here are always numbers.
    """
    write_string = worksheet._write_string
    write_number = worksheet._write_number
    write_datetime = worksheet._write_datetime
    date_format, datetime_format = formats.date, formats.datetime
    illegal = ILLEGAL_CHARACTERS_RE.sub
    prefixes = FORMULA_PREFIXES
    localtime = timezone.localtime
    row_number = first_row
    for values in rows:
        for column, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    if not value.isprintable():  # C-speed test; only text with a control character pays the regex
                        value = illegal("", value)
                    if value.startswith(prefixes):
                        value = "'" + value
                    write_string(row_number, column, value, string_formats[column])
            elif kind is int or kind is float:
                write_number(row_number, column, value, number_formats[column])
            elif value is None:
                pass
            elif kind is bool:
                write_string(row_number, column, "是" if value else "否")
            elif kind is decimal.Decimal:
                write_number(row_number, column, float(value), number_formats[column])
            elif kind is datetime.datetime:
                write_datetime(row_number, column, localtime(value).replace(tzinfo=None), datetime_format)
            elif kind is datetime.date:
                write_datetime(row_number, column, value, date_format)
            else:  # a lazy translation, a region, anything else: as its text
                text = excel_value(str(value))
                if text:
                    write_string(row_number, column, text)
        row_number += 1
        if (row_number - first_row) % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    done = row_number - first_row
    tick(done % PROGRESS_EVERY)
    return done


def _add_chart(workbook, worksheet, sheet: Sheet, name: str, header_row: int, count: int) -> None:
    """A native chart over the rows just written: categories from one column, one series per value column."""
    spec = sheet.chart
    if spec is None or count == 0:
        return
    chart = workbook.add_chart({"type": CHART_TYPES.get(spec.kind, "column")})
    first, last = header_row + 1, header_row + count
    for column in spec.value_columns:
        chart.add_series(
            {
                "name": [name, header_row, column],
                "categories": [name, first, spec.category_column, last, spec.category_column],
                "values": [name, first, column, last, column],
                **({"data_labels": {"percentage": True}} if spec.kind == "pie" else {}),
            }
        )
    chart.set_title({"name": cell_text(spec.title)})
    if spec.percent and spec.kind != "pie":
        fractions = any("%" in (sheet.columns[c].number_format or "") for c in spec.value_columns)
        axis = {"min": 0, "max": 1, "num_format": "0%"} if fractions else {"min": 0, "max": 100, "num_format": '0"%"'}
        (chart.set_x_axis if spec.kind == "bar" else chart.set_y_axis)(axis)
    if len(spec.value_columns) == 1 and spec.kind != "pie":
        chart.set_legend({"none": True})
    chart.set_size({"width": 720, "height": 360})
    worksheet.insert_chart(header_row, len(sheet.columns) + 1, chart)


def _access_entry(exporter: Exporter, sheet: Sheet, count: int, clear: bool) -> dict:
    personal = [c.label for c in sheet.columns if c.personal]
    ids = sheet.record_ids
    return {
        "model": sheet.model._meta.label,
        "ids": list(ids.ids) if ids is not None else [],
        "count": ids.count if ids is not None else 0,
        "fields": "、".join(personal),
        "target_repr": exporter.title,
        "detail": {
            "filters": exporter.describe(),
            "rows": count,
            "personal_in_clear": bool(personal) and clear,
        },
    }


def write_xlsx(exporter: Exporter, target, *, progress: Callable[[int], None] | None = None) -> ExportOutcome:
    """Write ``exporter``'s sheets and the 导出说明 sheet into ``target`` (a path or a binary file).

    ``progress(rows)`` is called with the rows written since its last call, every PROGRESS_EVERY rows.
    """
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            # belt and braces: every cell goes through a typed write_*, never write()'s guessing
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = _Formats(workbook)
    clear = can_see_personal(exporter.user)
    outcome = ExportOutcome()
    taken = {"导出说明"}
    tick = progress or (lambda rows: None)
    for sheet in exporter.sheets():
        name = _sheet_name(sheet.title, taken)
        worksheet = workbook.add_worksheet(name)
        for index, column in enumerate(sheet.columns):
            worksheet.set_column(index, index, column.width)
        header_row = 0
        for line in sheet.notes:
            worksheet.write_string(header_row, 0, cell_text(line))
            header_row += 1
        if sheet.notes:
            header_row += 1
        worksheet.set_row(header_row, 20)
        for index, column in enumerate(sheet.columns):
            worksheet.write_string(header_row, index, cell_text(column.label), formats.header)
        worksheet.freeze_panes(header_row + 1, 0)
        number_formats = [formats.number(c.number_format) for c in sheet.columns]
        string_formats = [formats.wrap if c.wrap else None for c in sheet.columns]
        count = _write_rows(worksheet, sheet.rows, header_row + 1, number_formats, string_formats, formats, tick)
        if sheet.print_fit:
            worksheet.set_paper(9)  # A4
            worksheet.set_landscape()
            worksheet.fit_to_pages(1, 0)
        _add_chart(workbook, worksheet, sheet, name, header_row, count)
        outcome.rows += count
        outcome.sheets.append((name, count))
        if sheet.model is not None:
            outcome.access_entries.append(_access_entry(exporter, sheet, count, clear))
    if not outcome.access_entries:  # figures hold no records: the export is logged all the same
        outcome.access_entries.append(
            {"model": "", "ids": [], "count": 0, "fields": "", "target_repr": exporter.title,
             "detail": {"filters": exporter.describe(), "rows": outcome.rows, "personal_in_clear": False}}
        )
    about = workbook.add_worksheet("导出说明")
    about.set_column(0, 0, 12)
    about.set_column(1, 1, 60)
    lines = [
        ("导出内容", exporter.title),
        ("导出人", exporter.user.display_name),
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        ("筛选条件", filters_note(exporter.describe())),
        ("行数", outcome.rows),
        ("个人信息", "明文（导出人有查看权限，已记入访问日志）" if clear else "已脱敏"),
    ]
    for row, (label, value) in enumerate(lines):
        about.write_string(row, 0, label, formats.bold)
        if isinstance(value, int):
            about.write_number(row, 1, value)
        else:
            about.write_string(row, 1, cell_text(str(value)))
    workbook.close()
    return outcome


def log_export(*, request, user, entries: list[dict]) -> None:
    """The access log rows of one file leaving the server: who, which records (capped list + count), which fields.

    ``request`` is the download's (its address); None only for work a task does on its own.
    """
    for entry in entries:
        if entry["model"]:
            record_clear_values(
                request=request,
                user=user,
                model=apps.get_model(entry["model"]),
                ids=entry["ids"],
                count=entry["count"],
                fields=entry["fields"],
                action=AccessAction.EXPORT,
                target_repr=entry["target_repr"],
                detail=entry["detail"],
            )
        else:
            record_access(
                request=request,
                user=user,
                action=AccessAction.EXPORT,
                target_repr=entry["target_repr"],
                detail=entry["detail"],
            )


def file_name(exporter: Exporter) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{_SHEET_NAME_FORBIDDEN.sub('', exporter.title)}-{stamp}.xlsx"


def exporter_response(*, request, exporter: Exporter):
    """Write the export within the request (small ones) and send it; the file is built on disk, never in memory."""
    # FileResponse closes the spool after sending it, so no context manager here
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    outcome = write_xlsx(exporter, spool)
    log_export(request=request, user=request.user, entries=outcome.access_entries)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name(exporter), content_type=XLSX_CONTENT_TYPE)


def export_response(*, request, queryset, table, title: str, filters: dict, model_label: str = ""):
    """A table of records (a queryset or a list) as a download within the request."""
    objects = queryset.iterator(chunk_size=ITERATOR_CHUNK) if hasattr(queryset, "iterator") else queryset
    model = getattr(queryset, "model", None) or (apps.get_model(model_label) if model_label else None)
    exporter = TableExporter(user=request.user, objects=objects, table=table, title=title, filters=filters, model=model)
    return exporter_response(request=request, exporter=exporter)

"""A minimal xlsxwriter writer for exporters, drawing each sheet's ChartSpec as a native Excel chart.

Temporary: the shared writer (registry.exporting, with background jobs and progress) replaces ``write_exporter``
when it lands; nothing else in this app writes files.
"""

import datetime
from decimal import Decimal

import xlsxwriter

from registry.exporters import Exporter

CHART_TYPES = {"column": "column", "bar": "bar", "line": "line", "pie": "pie"}


def write_exporter(exporter: Exporter, target) -> int:
    """Write every sheet of ``exporter`` into ``target`` (a path or binary file); return the data rows written."""
    workbook = xlsxwriter.Workbook(target, {"in_memory": False, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#A61B1B", "align": "center"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    formats: dict[str, object] = {}
    written = 0
    for sheet in exporter.sheets():
        worksheet = workbook.add_worksheet(sheet.title[:31])
        # printed (and rendered to PDF) as one A4 landscape page wide: the table with its chart beside it
        worksheet.set_paper(9)
        worksheet.set_landscape()
        worksheet.fit_to_pages(1, 0)
        row_index = 0
        for note in sheet.notes:
            worksheet.write_string(row_index, 0, note, bold if row_index == 0 else None)
            row_index += 1
        if sheet.notes:
            row_index += 1
        header_row = row_index
        for column_index, column in enumerate(sheet.columns):
            worksheet.set_column(column_index, column_index, column.width)
            worksheet.write_string(header_row, column_index, column.label, header)
        first = header_row + 1
        for values in sheet.rows:
            row_index += 1
            for column_index, (value, column) in enumerate(zip(values, sheet.columns, strict=True)):
                number_format = column.number_format
                if number_format and number_format not in formats:
                    formats[number_format] = workbook.add_format({"num_format": number_format})
                cell_format = formats.get(number_format) if number_format else wrap
                if value is None:
                    worksheet.write_blank(row_index, column_index, None, cell_format)
                elif isinstance(value, bool | str):
                    worksheet.write_string(row_index, column_index, str(value), cell_format)
                    # a wrapped paragraph (the cover's 简报) gets the height of its lines: Excel does not grow rows
                    lines = -(-_display_width(str(value)) // max(column.width, 1))
                    if lines > 1:
                        worksheet.set_row(row_index, 15 * lines)
                elif isinstance(value, int | float | Decimal):
                    worksheet.write_number(row_index, column_index, float(value), cell_format)
                elif isinstance(value, datetime.date):
                    worksheet.write_string(row_index, column_index, value.isoformat(), cell_format)
                else:
                    worksheet.write_string(row_index, column_index, str(value), cell_format)
            written += 1
        last = row_index
        if sheet.chart is not None and last >= first:
            _chart(workbook, worksheet, sheet, header_row, first, last)
    workbook.close()
    return written


def _display_width(text: str) -> int:
    """Columns a text takes in Excel's units: a Chinese character two, others one."""
    return sum(2 if ord(character) > 0x2E80 else 1 for character in text)


def _chart(workbook, worksheet, sheet, header_row: int, first: int, last: int) -> None:
    spec = sheet.chart
    chart = workbook.add_chart({"type": CHART_TYPES[spec.kind]})
    name = worksheet.get_name()
    for column in spec.value_columns:
        chart.add_series(
            {
                "name": [name, header_row, column],
                "categories": [name, first, spec.category_column, last, spec.category_column],
                "values": [name, first, column, last, column],
                **({"data_labels": {"percentage": True}} if spec.kind == "pie" else {}),
            }
        )
    chart.set_title({"name": spec.title})
    if spec.kind != "pie":
        axis = {"min": 0, "num_format": "0%", "max": 1} if spec.percent else {"min": 0}
        if spec.kind == "bar":  # Excel draws a bar chart's first category at the bottom: keep the table's order
            chart.set_x_axis(axis)
            chart.set_y_axis({"reverse": True})
        else:
            chart.set_y_axis(axis)
        if len(spec.value_columns) == 1:
            chart.set_legend({"none": True})
    height = max(288, 22 * (last - first + 1) + 120) if spec.kind == "bar" else 320
    chart.set_size({"width": 560, "height": height})
    worksheet.insert_chart(header_row, len(sheet.columns) + 1, chart)

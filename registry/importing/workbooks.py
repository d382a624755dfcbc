"""Workbooks we write: the template a user fills in and the report of the rows that could not be imported."""

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.exporting import excel_value
from registry.importing.cells import CLEAR_MARKER, ERROR_COLUMN, INSTRUCTIONS_SHEET, OPTIONS_SHEET
from registry.importing.converters import Boolean, Choice
from registry.importing.reader import header_key
from registry.importing.spec import Column, ImportSpec, Related
from registry.importing.validation.outcome import problem_text

# ---------------------------------------------------------------------------------------------
# Workbooks we write: the template and the error report


HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)


def build_template(spec: ImportSpec, user) -> bytes:
    """The .xlsx a user fills in: headers, dropdowns, text formats; the instructions and example on a second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.title[:31]
    last_row = settings.IMPORT_MAX_ROWS + 1
    options_ws = None
    for position, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(position)
        cell = ws.cell(row=1, column=position, value=column.header)
        cell.font = REQUIRED_FONT if column.shown_required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        note = f"{_required_text(column)}。" + column.converter.describe()
        if column.help:
            note += "\n" + column.help
        cell.comment = Comment(note, "同心库")
        ws.column_dimensions[letter].width = max(14, min(40, len(column.header) * 2 + 6))
        ws.column_dimensions[letter].number_format = column.converter.number_format
        options_ws = _add_dropdown(wb, ws, options_ws, column, position, user, last_row)
    ws.freeze_panes = "A2"
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET, 1), spec)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _add_dropdown(wb, ws, options_ws, column: Column, position: int, user, last_row: int):
    """The column's list of allowed values as a data validation; long lists go to a hidden sheet (returned)."""
    options = column.converter.options(user)
    if not options:
        return options_ws
    letter = get_column_letter(position)
    inline = ",".join(options)
    if len(inline) <= 250 and not any("," in o or '"' in o for o in options):
        formula = f'"{inline}"'
    else:
        if options_ws is None:
            options_ws = wb.create_sheet(OPTIONS_SHEET)
            options_ws.sheet_state = "hidden"
        options_ws.cell(row=1, column=position, value=column.header)
        for offset, option in enumerate(options, start=2):
            options_ws.cell(row=offset, column=position, value=option)
        formula = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(options) + 1}"
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=column.converter.strict_options,
        errorTitle="请从下拉列表中选择",
        error=f"“{column.header}”只能填写下拉列表中的值。",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(validation)
    return options_ws


def _required_text(column: Column) -> str:
    if column.shown_required:
        return "必填"
    if column.required:
        return f"填写{column.related.title}时必填"
    return "选填"


def _related_note(related: Related) -> str:
    headers = "、".join(column.header for column in related.columns)
    if related.existing_only:
        return (
            f"{headers}各列指明本行属于哪一{related.title}：按{related.describe_keys()}查找，"
            f"须是系统中已登记且在您管辖区域内的{related.title}（不会新增或修改{related.title}），请与登记时填写的完全一致。"
        )
    if related.shared:
        return (
            f"{headers}各列是{related.title}的信息：按{related.describe_keys()}识别同一{related.title}，"
            f"系统中没有的将新增。同一{related.title}出现在多行时以第一行为准，其余各行应填写一致或留空；"
            "这些列留空表示不修改已登记的信息。"
        )
    return (
        f"{headers}各列是{related.title}：按{related.key_headers(related.keys[0])}新增或更新该条{related.title}；"
        f"整组留空表示本行不涉及{related.title}，个别列留空表示不修改（新增时按0或空）。"
    )


def _write_instructions(ws, spec: ImportSpec) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 50
    ws.column_dimensions["D"].width = 50
    ws.append([f"「{spec.title}」导入模板填写说明"])
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        f"1. 数据填写在「{spec.title}」工作表：第一行是表头，请勿修改；从第二行起每行一条记录。本页内容不会被导入。",
        f"2. 按「{spec.key_headers()}」匹配：系统中已有的记录按本文件更新，没有的新增。",
        "3. 上传后先逐行校验并显示预览（新增、更新、无变化、错误各几行），确认后才写入；"
        "有错误的行不会导入，可下载错误报告修改后重新上传。",
        f"4. 更新已有记录时，空白单元格表示不修改该字段；要清空已登记的内容，请在单元格中填写“{CLEAR_MARKER}”"
        "（必填列和匹配用的列不能清空）。新增记录时空白即为空。",
        "5. 代码、证件号、手机号请按文本填写（模板中这些列已设为文本格式），避免 Excel 把长数字变成科学计数法。",
        *(f"{n}. {note}" for n, note in enumerate([*map(_related_note, spec.related), *spec.notes], start=6)),
    ]
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append(["列名", "必填", "格式要求", "可选值与说明"])
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in spec.columns:
        options = column.converter.options(None) if isinstance(column.converter, Choice | Boolean) else None
        explanation = "、".join(options) if options else ""
        if column.help:
            explanation = f"{explanation}；{column.help}" if explanation else column.help
        required = {"必填": "是", "选填": "否"}.get(_required_text(column), _required_text(column))
        ws.append([column.header, required, column.converter.describe(), explanation])
    ws.append([])
    ws.append([f"示例（仅供参考，请勿在本页填写；数据请填在「{spec.title}」工作表）"])
    ws.cell(row=ws.max_row, column=1).font = HEADER_FONT
    ws.append([column.header for column in spec.columns])
    for cell in ws[ws.max_row]:
        cell.fill = HEADER_FILL
    ws.append([column.example for column in spec.columns])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_error_report(result: dict, *, spec: ImportSpec | None = None, user=None) -> bytes:
    """The rows that were not imported: the file's own columns, then 错误原因, ready to correct and upload again.

    Every cell goes through the list export's formula guard (a cell of the uploaded file may well hold
    ``=…`` or ``+cmd|…``), and the columns the spec knows get the template's dropdowns back.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = (result.get("sheet") or "错误行")[:31]
    headers = list(result.get("headers", []))
    ws.append([excel_value(h) for h in [*headers, ERROR_COLUMN]])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    errors = result.get("errors", [])
    for error in errors:
        values = list(error["values"]) + [None] * (len(headers) - len(error["values"]))
        reasons = f"第{error['row']}行：" + "；".join(problem_text(p) for p in error["problems"])
        ws.append([excel_value(v) for v in [*values[: len(headers)], reasons]])
    if spec is not None:
        by_header = {header_key(column.header): column for column in spec.columns}
        options_ws = None
        for position, header in enumerate(headers, start=1):
            column = by_header.get(header_key(header))
            if column is not None:
                letter = get_column_letter(position)
                ws.column_dimensions[letter].number_format = column.converter.number_format
                options_ws = _add_dropdown(wb, ws, options_ws, column, position, user, len(errors) + 1)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

"""The one Excel exporter every list uses: filtered, scoped rows, masked, formula-safe, constant memory."""

import datetime
import decimal
import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.choices import AccessAction
from registry.personal import can_see_personal, record_clear_values
from registry.tables import Table

# A cell that starts like this is a formula (or DDE) to Excel and WPS: make it plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ITERATOR_CHUNK = 2000


def cell_text(value: str) -> str:
    """Text without what a worksheet cannot hold: one old name with a control character must not sink the file."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def neutralize(value):
    """Text that Excel would evaluate gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def excel_value(value):
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


def write_workbook(*, objects, table: Table, user, title: str, filters: dict, target, ids: list | None = None) -> int:
    """Write rows into ``target`` (a path or file) with openpyxl's write-only mode; return the row count.

    ``ids``, when given, receives the primary key of every row written (for the access log).
    """
    clear = can_see_personal(user)
    columns = table.export_columns
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="A61B1B")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for obj in objects:
        row = []
        for column in columns:
            value = excel_value(column.value(obj, clear_personal=clear))
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime.datetime) else "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
        count += 1
        if ids is not None:
            ids.append(obj.pk)
    about = workbook.create_sheet(title="导出说明")
    about.append(["导出内容", cell_text(title)])
    about.append(["导出人", cell_text(user.display_name)])
    about.append(["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    about.append(["筛选条件", cell_text(filters_note(filters))])
    about.append(["行数", count])
    about.append(["个人信息", "明文（导出人有查看权限，已记入访问日志）" if clear else "已脱敏"])
    workbook.save(target)
    return count


def export_response(*, request, queryset, table: Table, title: str, filters: dict, model_label: str):
    """Stream the export as a download; the file is built on disk, never in memory."""
    objects = queryset.iterator(chunk_size=ITERATOR_CHUNK)
    # FileResponse closes the spool after sending it, so no context manager here
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    ids: list = []
    count = write_workbook(
        objects=objects, table=table, user=request.user, title=title, filters=filters, target=spool, ids=ids
    )
    personal_columns = [c.label for c in table.export_columns if c.personal]
    # one row per export naming the records (capped list, full count) and the personal columns it holds
    record_clear_values(
        request=request,
        model=queryset.model,
        ids=ids,
        fields="、".join(personal_columns),
        action=AccessAction.EXPORT,
        target_repr=title,
        detail={
            "filters": filters,
            "rows": count,
            "personal_in_clear": bool(personal_columns) and can_see_personal(request.user),
        },
    )
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(spool, as_attachment=True, filename=f"{title}-{stamp}.xlsx")

"""Reading the file: refuse what cannot be read, find the sheet and header row, match headers to columns."""

import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from registry.importing.cells import (
    HEADER_SEARCH_ROWS,
    INSTRUCTIONS_SHEET,
    OPTIONS_SHEET,
    ImportRefused,
    clean_text,
    is_blank,
    match_key,
)
from registry.importing.spec import Column, ImportSpec

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML file is an OLE2 container holding these streams (MS-OFFCRYPTO).
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# What openpyxl and zipfile raise on a damaged package or sheet; only the calls into them are wrapped.
DAMAGED_FILE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ParseError,
    InvalidFileException,
    ValueError,
    TypeError,
    IndexError,
    OSError,
)
# ---------------------------------------------------------------------------------------------
# Reading the file


def header_key(value) -> str:
    """A header as compared with the template: no blanks, no required-marks, full-width folded."""
    return match_key(value).strip("*＊")


@dataclass
class Layout:
    sheet: str
    header_row: int
    headers: list[str]  # every header cell of the file, as written (the error report repeats them)
    columns: list[tuple[int, Column]]  # position in the row → the template column it fills
    ignored: list[str]
    missing: list[str]  # optional template columns the file leaves out: those fields are left as they are
    estimated_rows: int | None


def refuse_unreadable(content: bytes) -> None:
    """Refuse what is not an .xlsx package before openpyxl sees it, with the reason a person can act on."""
    if content.startswith(OLE2_MAGIC):
        head = content[: 1 << 20]
        if any(marker in head for marker in ENCRYPTION_MARKERS) or any(m in content for m in ENCRYPTION_MARKERS):
            raise ImportRefused(
                "文件已加密（设置了打开密码），系统无法读取。请在 Excel 中打开文件，"
                "依次点击“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码并保存后再上传。"
            )
        raise ImportRefused("这是旧版 Excel 97-2003（.xls）文件。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再上传。")
    if not content.startswith(ZIP_MAGIC):
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx）。请下载导入模板，按模板填写后上传 .xlsx 文件。")


DAMAGED_MESSAGE = (
    "文件已损坏或不是有效的 Excel 工作簿（.xlsx），无法读取。请在 Excel 中打开确认后重新保存为 .xlsx 再上传。"
)


# Limits on the package itself, checked before openpyxl parses anything: an .xlsx within the upload
# size limit unpacks to a few times its size; a zip bomb unpacks to thousands of times.
MAX_UNPACKED_RATIO = 200
MIN_SUSPICIOUS_SIZE = 32 * 1024 * 1024
MAX_UNPACKED_SIZE = 400 * 1024 * 1024
MAX_PARTS = 500
MAX_COLUMNS = 200
_SCAN_CHUNK = 1 << 20
# a formula (<f>) or a merged range (<mergeCell ref="A1:B2"/>) in a sheet part, with or without a namespace prefix
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def refuse_abusive_package(content: bytes) -> None:
    """Refuse a package that unpacks to far more than it weighs, or holds an absurd number of parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            parts = package.infolist()
    except DAMAGED_FILE_ERRORS as exc:
        raise ImportRefused(DAMAGED_MESSAGE) from exc
    unpacked = sum(part.file_size for part in parts)
    # very repetitive sheets pack well too: the ratio only counts once the unpacked size is large
    suspicious = unpacked > MIN_SUSPICIOUS_SIZE and unpacked > max(len(content), 1) * MAX_UNPACKED_RATIO
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_SIZE or suspicious:
        raise ImportRefused(
            f"文件结构异常（解压后约 {_size_text(unpacked)}，是文件本身的 {unpacked // max(len(content), 1)} 倍），"
            "不像正常填写的工作簿，已拒绝。请把数据复制到新下载的导入模板中再上传。"
        )


def refuse_ambiguous_sheet(content: bytes, ws, header_row: int, *, formulas: bool = True) -> None:
    """Refuse a sheet with formulas or merged cells in the header: what it holds is not what a person typed."""
    path = getattr(ws, "_worksheet_path", None)
    if not path:
        return
    formula, merged_header = False, ""
    tail = b""
    with zipfile.ZipFile(io.BytesIO(content)) as package, package.open(path.lstrip("/")) as part:
        while chunk := part.read(_SCAN_CHUNK):
            text = tail + chunk
            formula = formula or bool(_FORMULA.search(text))
            for match in _MERGED.finditer(text):
                first = int(match.group(2))
                if first <= header_row and not merged_header:
                    merged_header = match.group().split(b'"')[1].decode()
            tail = text[-64:]
    if merged_header:
        raise ImportRefused(
            f"「{ws.title}」工作表的表头有合并单元格（{merged_header}），无法确定每一列是什么。"
            "请取消合并，每列一个表头，或使用导入模板。"
        )
    if formula and formulas:
        raise ImportRefused(
            f"「{ws.title}」工作表中有公式。导入只接受填写的值：请复制全部单元格，"
            "用“选择性粘贴 → 数值”粘贴回原处（或粘贴到导入模板中）后再上传。"
        )


def open_workbook(content: bytes):
    refuse_unreadable(content)
    refuse_abusive_package(content)
    try:
        # data_only: a formula cell gives the value Excel last calculated, not the formula
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except DAMAGED_FILE_ERRORS as exc:
        raise ImportRefused(DAMAGED_MESSAGE) from exc


def _read_rows(ws, **kwargs) -> Iterator[tuple]:
    """ws.iter_rows, with openpyxl's parsing errors turned into a refusal of the file."""
    rows = ws.iter_rows(values_only=True, **kwargs)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except DAMAGED_FILE_ERRORS as exc:
            raise ImportRefused(DAMAGED_MESSAGE) from exc
        yield row


def find_layout(wb, spec: ImportSpec) -> tuple[Any, Layout]:
    """The sheet and header row holding the spec's required headers; refuse a file of another model."""
    required = {header_key(c.header) for c in _required_columns(spec)}
    by_header = {header_key(c.header): c for c in spec.columns}
    sheets = [ws for ws in wb.worksheets if ws.title not in (INSTRUCTIONS_SHEET, OPTIONS_SHEET)]
    sheets.sort(key=lambda ws: ws.title != spec.title)
    found = [(ws, layout) for ws, layout in _layouts(sheets, spec, required, by_header)]
    if len(found) > 1:
        names = "、".join(f"「{layout.sheet}」" for _, layout in found)
        raise ImportRefused(
            f"工作簿中有{len(found)}个工作表（{names}）都有「{spec.title}」的表头，无法确定导入哪一个。"
            "请只保留要导入的那个工作表后再上传。"
        )
    if found:
        ws, layout = found[0]
        recorded_columns = getattr(ws, "_recorded_columns", 0) or 0
        if (layout.estimated_rows or 0) > settings.IMPORT_MAX_ROWS or recorded_columns > MAX_COLUMNS:
            raise ImportRefused(
                f"「{layout.sheet}」工作表的范围记录为 {layout.estimated_rows} 行、{recorded_columns} 列，"
                f"超过 {settings.IMPORT_MAX_ROWS} 行或 {MAX_COLUMNS} 列的单次导入上限。"
                "请删除多余的行列，或拆分成多个文件分批导入。"
            )
        return ws, layout
    first_headers = _first_headers(sheets)
    seen = set(first_headers or [])
    missing = [c.header for c in _required_columns(spec) if header_key(c.header) not in seen]
    raise ImportRefused(
        f"文件与「{spec.title}」导入模板不一致：找不到表头 {'、'.join(missing)}。"
        "请确认上传的是这类数据的文件，或下载本页的导入模板按模板填写后再上传。"
    )


def _first_headers(sheets) -> list[str] | None:
    for ws in sheets:
        for values in _read_rows(ws, min_row=1, max_row=HEADER_SEARCH_ROWS):
            keys = [header_key(v) if not is_blank(v) else "" for v in values]
            if any(keys):
                return keys
    return None


def _layouts(sheets, spec: ImportSpec, required: set, by_header: dict):
    """Each sheet whose header rows hold the spec's required headers, with its layout."""
    for ws in sheets:
        recorded_rows = ws.max_row
        ws._recorded_columns = ws.max_column
        # the dimension a writer records can be wrong (too small cuts rows and columns off): read what is there
        ws.reset_dimensions()
        for number, values in enumerate(_read_rows(ws, min_row=1, max_row=HEADER_SEARCH_ROWS), start=1):
            keys = [header_key(v) if not is_blank(v) else "" for v in values]
            if not required <= set(keys):
                continue
            while keys and not keys[-1]:
                keys.pop()
            positions: dict[str, list[int]] = defaultdict(list)
            for index, key in enumerate(keys):
                if key:
                    positions[key].append(index)
            for key, where in positions.items():
                if len(where) > 1 and key in by_header:
                    letters = "、".join(f"{get_column_letter(i + 1)}列" for i in where)
                    header = by_header[key].header
                    raise ImportRefused(f"表头“{header}”出现了{len(where)}次（{letters}），请只保留一列。")
            columns = [(index, by_header[key]) for index, key in enumerate(keys) if key in by_header]
            present = {key for key in keys if key}
            _refuse_partial_related(spec, present)
            estimated = recorded_rows - number if recorded_rows else None
            layout = Layout(
                sheet=ws.title,
                header_row=number,
                headers=[clean_text(v) for v in values[: len(keys)]],
                columns=columns,
                ignored=[clean_text(values[i]) for i, key in enumerate(keys) if key and key not in by_header],
                missing=[c.header for c in spec.columns if header_key(c.header) not in present],
                estimated_rows=estimated,
            )
            yield ws, layout
            break


def _required_columns(spec: ImportSpec) -> list[Column]:
    """The columns a file must have: required ones, and every key's even where a cell may be blank."""
    return [c for c in spec.columns if c.shown_required or (c.related is None and c.field in spec.key_fields)]


def _refuse_partial_related(spec: ImportSpec, present: set[str]) -> None:
    """A related record's columns come with its required ones, or the rows could not say which record."""
    for related in spec.related:
        given = [c for c in related.columns if header_key(c.header) in present]
        lacking = [c.header for c in related.columns if c.required and header_key(c.header) not in present]
        if given and lacking:
            raise ImportRefused(
                f"文件中有{related.title}的列（{'、'.join(c.header for c in given)}），但缺少“{'、'.join(lacking)}”列。"
                f"请补上该列，或删除{related.title}的各列。"
            )


def inspect_file(spec: ImportSpec, content: bytes) -> Layout:
    """The checks that need no row: size, format, encryption, damage, headers. Fast enough for the request."""
    if len(content) > settings.IMPORT_MAX_FILE_SIZE:
        raise ImportRefused(size_message(len(content)))
    wb = open_workbook(content)
    try:
        try:
            ws, layout = find_layout(wb, spec)
        except ImportRefused:
            # headers not found may be headers merged away: say so rather than that they are missing
            for sheet in wb.worksheets:
                refuse_ambiguous_sheet(content, sheet, HEADER_SEARCH_ROWS, formulas=False)
            raise
        refuse_ambiguous_sheet(content, ws, layout.header_row)
    finally:
        wb.close()
    return layout


def size_message(size: int) -> str:
    return (
        f"文件大小 {_size_text(size)}，超过单次导入上限 {_size_text(settings.IMPORT_MAX_FILE_SIZE)}。"
        "请拆分成多个文件分批导入。"
    )


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"

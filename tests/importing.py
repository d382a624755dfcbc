"""Helpers for the Excel import tests of the apps: real .xlsx files from a spec's headers, uploaded and committed
through the pages as a person would."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from registry import importing
from registry.models import ImportRecord


def headers(key: str) -> list[str]:
    return [column.header for column in importing.get_spec(key).columns]


def workbook(columns: list[str], rows, title: str) -> bytes:
    """A real .xlsx built with openpyxl: one header row, then ``rows`` (lists); text cells stay text, "=…" too."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(columns))
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx(key: str, rows: list[dict], *, leave_out: tuple[str, ...] = ()) -> bytes:
    """A real .xlsx with the spec's headers (minus ``leave_out``), one row per dict keyed by header."""
    columns = [h for h in headers(key) if h not in leave_out]
    for row in rows:
        unknown = set(row) - set(headers(key))
        assert not unknown, unknown
    return workbook(columns, [[row.get(h) for h in columns] for row in rows], importing.get_spec(key).title)


def upload(client, key: str, content: bytes, name: str = "台账.xlsx") -> ImportRecord:
    file = SimpleUploadedFile(name, content, content_type=importing.XLSX_CONTENT_TYPE)
    client.post(reverse("registry:import_upload", args=[key]), {"file": file})
    return ImportRecord.objects.latest("pk")


def commit(client, record: ImportRecord) -> ImportRecord:
    client.post(reverse("registry:import_commit", args=[record.pk]), {"confirmed_errors": str(record.error_count)})
    record.refresh_from_db()
    return record


def problems(record: ImportRecord) -> dict[int, list[str]]:
    """Row → its reasons as shown ("B列（统一社会信用代码）：…")."""
    return {e["row"]: [importing.problem_text(p) for p in e["problems"]] for e in record.result["errors"]}


def counts(record: ImportRecord) -> tuple[int, int, int, int]:
    return (record.create_count, record.update_count, record.unchanged_count, record.error_count)


def wrong_check(value: str) -> str:
    """A credit code or ID number with its check character changed."""
    return value[:17] + ("1" if value[17] == "0" else "0")

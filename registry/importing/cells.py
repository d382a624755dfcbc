"""What one cell of an uploaded sheet holds: its text, blank or not, and the errors a file or a cell raises."""

import datetime
import decimal
import re
import unicodedata

from registry.validators import normalize_code

INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "下拉选项"
ERROR_COLUMN = "错误原因"
CHUNK_ROWS = 500
# The first pass keeps the rows of a file up to this size, so the second one need not parse the sheet
# again (parsing is a third of a validation); a larger file is read twice to keep memory bounded.
KEEP_ROWS = 20_000
HEADER_SEARCH_ROWS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Typed in a cell of an update row, empties the stored value (a blank cell leaves it as it is).
CLEAR_MARKER = "（清空）"
CLEAR_MARKERS = {CLEAR_MARKER, "(清空)", "清空"}

ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_UNCHANGED = "unchanged"
ACTION_ERROR = "error"


class ImportRefused(Exception):
    """The whole file is refused (wrong model, damaged, encrypted, too large, changed since preview)."""


class PreviewOutdated(ImportRefused):
    """At commit a row would not be written as the confirmed preview showed: the file is previewed again."""


class ImportCancelled(Exception):
    """The user cancelled while the file was being validated."""


class CellError(Exception):
    """One cell cannot become a value; the message is shown to the user as is."""


# ---------------------------------------------------------------------------------------------
# Cell text


_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def clean_text(raw) -> str:
    """A cell as text: integral floats without '.0', dates as ISO dates, runs of blanks as one space."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime.datetime):
        raw = raw.date() if raw.time() == datetime.time() else raw.replace(microsecond=0)
    if isinstance(raw, datetime.date | datetime.time):
        return raw.isoformat()
    text = _SPACES.sub(" ", str(raw)).strip()
    # the apostrophe our error report and exports put before text that would start a formula
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def is_clear_marker(raw) -> bool:
    return isinstance(raw, str) and clean_text(raw).replace(" ", "") in CLEAR_MARKERS


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not clean_text(raw))


def match_key(text) -> str:
    """How labels and names are compared: NFKC (full-width → half-width), no blanks, upper case."""
    return normalize_code(unicodedata.normalize("NFKC", clean_text(text)))


def report_value(raw):
    """A cell as JSON can keep it, so the error report gives back what the user typed."""
    if raw is None or isinstance(raw, bool | int | str):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    return clean_text(raw)


def _is_number(raw) -> bool:
    return isinstance(raw, int | float | decimal.Decimal) and not isinstance(raw, bool)

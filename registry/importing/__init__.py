"""The one Excel import engine: ImportSpec declarations, templates, row-by-row validation, preview and commit.

A model plugs in with a declaration (see registry/imports.py for the first one)::

    register(ImportSpec(
        model=Organization,
        natural_key=("credit_code",),
        columns=[
            Column("统一社会信用代码", "credit_code", CreditCode()),
            Column("名称", "name"),                      # converter inferred from the model field
            Column("所在区划", "region"),                 # FK to Region → region by name or code, in scope
            Column("行业类别", "industry"),               # FK to a DictionaryItem → dictionary by name
            Column("法定代表人手机", "legal_mobile", Mobile()),
        ],
        create=organization_create,                      # the services the forms use
        update=organization_update,
    ))

A row may also fill a second record (``Related``): the organization's survey of the year in the
same row, or the liaison an assignment row names (created once, shared by the rows naming the same
person); ``ManyRef`` takes a list of records in one cell (the organizations a party branch covers).
See organizations/imports.py.

The parts: ``cells`` (cell text, the errors), ``converters`` (one cell → one value), ``spec``
(the declarations and their registry), ``reader`` (refusing unreadable files, finding the header),
``validation`` (the two passes, one mixin per concern), ``commit`` (preview and the one-transaction
write), ``plan`` (the bulk write of what the preview decided), ``workbooks`` (the template and the
error report), ``jobs`` (the import record's life: upload, validate, commit, cancel, in the request
or in the worker). Everything a caller needs is imported from here.

The engine writes a domain table itself only for a spec that declares ``bulk``, keeping what its
services check (the model's rules, the permission, the scope); otherwise ``create``/``update``, the
app's services, do.
Validation reads the sheet (openpyxl read-only) in two passes: the first indexes natural keys
(duplicates inside the file, rows other rows refer to, the people a liaison ledger names) and
keeps the rows of a file up to KEEP_ROWS; the second converts every cell, in chunks, against
preloaded lookups. A spec that declares ``bulk`` (its rows independent, its services plain
scoped writes) keeps the preview's decisions as a write plan (``plan``): the commit writes it with
bulk inserts and updates in one transaction that only re-checks what may have changed since (the
versions of the records read, the new keys still free). Other specs' commit re-runs the validation
inside one transaction and refuses if it no longer matches what the preview showed; in that
transaction the services open no savepoints (see _one_transaction_without_savepoints)."""

from registry.importing.cells import (
    ACTION_CREATE,
    ACTION_ERROR,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    CHUNK_ROWS,
    ERROR_COLUMN,
    HEADER_SEARCH_ROWS,
    INSTRUCTIONS_SHEET,
    KEEP_ROWS,
    OPTIONS_SHEET,
    XLSX_CONTENT_TYPE,
    CellError,
    ImportCancelled,
    ImportRefused,
    clean_text,
    is_blank,
    match_key,
    report_value,
)
from registry.importing.commit import PREVIEW_LIST_LIMIT, CommitFailed, _integrity_reason, commit, preview
from registry.importing.converters import (
    LIST_SEPARATORS,
    Boolean,
    Choice,
    Code,
    Converter,
    CreditCode,
    Date,
    DateTime,
    Decimal,
    DictionaryRef,
    ForeignKeyRef,
    IdNumber,
    ImportContext,
    Integer,
    ManyRef,
    ManyRegionRef,
    Mobile,
    Phone,
    RegionRef,
    RelatedRef,
    RowRef,
    Text,
    build_candidate,
    infer_converter,
    model_of,
)
from registry.importing.reader import (
    DAMAGED_FILE_ERRORS,
    DAMAGED_MESSAGE,
    ENCRYPTION_MARKERS,
    OLE2_MAGIC,
    ZIP_MAGIC,
    Layout,
    find_layout,
    header_key,
    inspect_file,
    open_workbook,
    refuse_unreadable,
    size_message,
)
from registry.importing.spec import Column, ImportSpec, Related, get_spec, register, spec_for_model, specs_for
from registry.importing.validation import Validation
from registry.importing.validation.outcome import RowOutcome, problem_text
from registry.importing.workbooks import (
    HEADER_FILL,
    HEADER_FONT,
    REQUIRED_FONT,
    build_error_report,
    build_template,
    get_column_letter,
)

__all__ = [
    "ACTION_CREATE",
    "ACTION_ERROR",
    "ACTION_UNCHANGED",
    "ACTION_UPDATE",
    "CHUNK_ROWS",
    "DAMAGED_FILE_ERRORS",
    "DAMAGED_MESSAGE",
    "ENCRYPTION_MARKERS",
    "ERROR_COLUMN",
    "HEADER_FILL",
    "HEADER_FONT",
    "HEADER_SEARCH_ROWS",
    "INSTRUCTIONS_SHEET",
    "KEEP_ROWS",
    "LIST_SEPARATORS",
    "OLE2_MAGIC",
    "OPTIONS_SHEET",
    "PREVIEW_LIST_LIMIT",
    "REQUIRED_FONT",
    "XLSX_CONTENT_TYPE",
    "ZIP_MAGIC",
    "Boolean",
    "CellError",
    "Choice",
    "Code",
    "Column",
    "CommitFailed",
    "Converter",
    "CreditCode",
    "Date",
    "DateTime",
    "Decimal",
    "DictionaryRef",
    "ForeignKeyRef",
    "IdNumber",
    "ImportCancelled",
    "ImportContext",
    "ImportRefused",
    "ImportSpec",
    "Integer",
    "Layout",
    "ManyRef",
    "ManyRegionRef",
    "Mobile",
    "Phone",
    "RegionRef",
    "Related",
    "RelatedRef",
    "RowOutcome",
    "RowRef",
    "Text",
    "Validation",
    "_integrity_reason",
    "build_candidate",
    "build_error_report",
    "build_template",
    "clean_text",
    "commit",
    "find_layout",
    "get_column_letter",
    "get_spec",
    "header_key",
    "infer_converter",
    "inspect_file",
    "is_blank",
    "match_key",
    "model_of",
    "open_workbook",
    "preview",
    "problem_text",
    "refuse_unreadable",
    "register",
    "report_value",
    "size_message",
    "spec_for_model",
    "specs_for",
]

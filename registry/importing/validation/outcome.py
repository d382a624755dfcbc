"""What validation decides about one row, and the small helpers comparing keys."""

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from registry.importing.converters import RelatedRef, RowRef
from registry.importing.spec import Column

# ---------------------------------------------------------------------------------------------
# Validation


@dataclass(eq=False)
class RowOutcome:
    row: int
    raw: tuple
    action: str = ""
    problems: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    blank: set = field(default_factory=set)  # fields whose cell was left blank: an update leaves them as stored
    keys: list = field(default_factory=list)  # (which key, its values as converted, instances as pks) the row gives
    index_key: tuple | None = None  # (which key, its values): the first key the row gives, as the first pass saw it
    matched_by: tuple[str, ...] = ()  # the fields of the key that found ``instance``
    ref_key: tuple | None = None  # the value same-file references name this row by
    instance: Any = None
    changes: list[dict] = field(default_factory=list)
    label: str = ""
    main_changed: bool = False  # the row's own record is written (created, or updated with ``data``)
    related: dict = field(default_factory=dict)  # Related → its non-blank converted values
    related_instances: dict = field(default_factory=dict)  # child Related → its stored record or None
    states: dict = field(default_factory=dict)  # shared Related → _SharedRecord
    related_writes: dict = field(default_factory=dict)  # Related → the data this row writes to it
    bad_groups: set = field(default_factory=set)  # the Related whose cells have problems

    @property
    def has_refs(self) -> bool:
        return any(isinstance(value, RowRef) for value in self.data.values())

    def reasons(self) -> str:
        return "；".join(problem_text(p) for p in self.problems)


@dataclass(eq=False)
class _SharedRecord:
    """One shared related record (e.g. a liaison) as the file names it; the first row naming it defines it."""

    identity: tuple
    definer: int  # the first row naming it: its cells are the record's values
    data: dict
    usable: bool  # the definer's cells of the record converted without problems
    instance: Any = None
    ref: RelatedRef | None = None
    problems: list[tuple[Column | None, str]] = field(default_factory=list)
    owner: int | None = None  # the first good row: it creates or updates the record at commit


def problem_text(problem: dict) -> str:
    if problem.get("column"):
        return f"{problem['column']}列（{problem['header']}）：{problem['message']}"
    return problem["message"]


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value


def _stored_key(model, obj, names) -> tuple:
    """A record's values of ``names`` as a row's converted key compares them (foreign keys as ids)."""
    key = []
    for name in names:
        model_field = model._meta.get_field(name)
        key.append(getattr(obj, model_field.attname))
    return tuple(key)


def _is_plain(value) -> bool:
    return not isinstance(value, RowRef | RelatedRef | models.Model | list) and value not in (None, "")

"""Validation, the first pass: reading rows, indexing natural keys, converting one row and checking its keys."""

from collections import defaultdict, deque
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter

from registry.importing.cells import (
    CHUNK_ROWS,
    CLEAR_MARKER,
    KEEP_ROWS,
    CellError,
    ImportRefused,
    is_blank,
    is_clear_marker,
)
from registry.importing.reader import _read_rows
from registry.importing.spec import Column, Related
from registry.importing.validation.outcome import RowOutcome, _is_plain, _key_value
from registry.personal import mask_numbers
from registry.validators import validate_no_control_characters


class KeysMixin:
    """Part of Validation (see validation/__init__.py); it reads the state Validation.__init__ sets."""

    # -- reading

    def _rows(self, ws) -> Iterator[tuple[int, tuple]]:
        width = len(self.layout.headers)
        start = self.layout.header_row + 1
        for number, values in enumerate(_read_rows(ws, min_row=start, max_col=width), start=start):
            if values and any(not is_blank(v) for v in values):
                values = tuple(values) + (None,) * (width - len(values))
                yield number, values[:width]

    def _cell(self, values, column: Column):
        position = self._positions.get(column.key)
        return None if position is None else values[position]

    def _index_key(self, values, identities: dict) -> tuple | None:
        """(which key, its values): the first key the row gives, as the in-file duplicate check compares it."""
        for which, names in enumerate(self.spec.keys):
            key = self._index_key_of(names, values, identities, whole=which > 0)
            if key is not None:
                return (which, key)
        return None

    def _index_key_of(self, names, values, identities: dict, *, whole: bool) -> tuple | None:
        key = []
        for position, name in enumerate(names):
            related = self.spec.parent_links.get(name)
            if related is not None:
                if related not in identities:
                    return None
                key.append(identities[related])
                continue
            column = self.spec.columns_by_field[name]
            raw = self._cell(values, column)
            if is_blank(raw):
                if column.required or position == 0 or whole:
                    return None
                key.append("")  # an optional part of the key, e.g. no parent: a root
                continue
            key.append(column.converter.index_value(raw))
        return tuple(key)

    def _alternative_keys(self, related: Related, values) -> list[tuple[int, tuple]]:
        """The keys of a shared related record the row gives: (which key, its values), in order of preference."""
        found = []
        for which, names in enumerate(related.keys):
            columns = [related.columns_by_field[name] for name in names]
            if is_blank(self._cell(values, columns[0])):
                continue
            parts = []
            for column in columns:
                raw = self._cell(values, column)
                parts.append("" if is_blank(raw) else column.converter.index_value(raw))
            found.append((which, tuple(parts)))
        return found

    def _first_pass(self, ws) -> None:
        """Count rows (refusing too many), index natural keys, same-file references and shared records."""
        limit = settings.IMPORT_MAX_ROWS
        keys: dict[tuple, list[int]] = defaultdict(list)
        refs: dict[tuple, list[int]] = defaultdict(list)
        references: set[tuple] = set()
        ref_columns = [(i, c) for i, c in self.layout.columns if c.converter.same_file]
        ref_column = self.spec.columns_by_field.get(self.spec.ref_field) if self.spec.ref_field else None
        # a shared record named by a later key (name + work unit) where another row gives an earlier one (mobile)
        by_later_key: dict[tuple, list[int]] = defaultdict(list)
        with_earlier_key: dict[tuple, int] = {}
        self.identities: dict[int, dict[Related, tuple]] = {}
        estimated = self.layout.estimated_rows or 0
        count = 0
        self._kept: deque | None = deque()
        for number, values in self._rows(ws):
            count += 1
            if count > limit:
                raise ImportRefused(f"文件的数据超过 {limit} 行，超过单次导入上限。请拆分成多个文件分批导入。")
            if self._kept is not None:
                self._kept.append((number, values))
                if count > KEEP_ROWS:
                    self._kept = None
            identities = {}
            for related in self.shared:
                alternatives = self._alternative_keys(related, values)
                if not alternatives:
                    continue
                identities[related] = alternatives[0]
                which = alternatives[0][0]
                if which:
                    by_later_key[(related, *alternatives[0])].append(number)
                for other in alternatives[1:]:
                    with_earlier_key.setdefault((related, *other), number)
            if identities:
                self.identities[number] = identities
            key = self._index_key(values, identities)
            if key is not None:
                keys[key].append(number)
            if ref_column is not None:
                raw = self._cell(values, ref_column)
                if not is_blank(raw):
                    refs[(ref_column.converter.index_value(raw),)].append(number)
            for i, column in ref_columns:
                if not is_blank(values[i]):
                    references.add((column.converter.index_value(values[i]),))
            if estimated and count % CHUNK_ROWS == 0:
                self.progress(0.1 * min(count / estimated, 1))
        if count == 0:
            raise ImportRefused(
                f"文件中没有数据：请在「{self.layout.sheet}」工作表表头的下一行起填写，每行一条记录"
                "（“填写说明”页中的示例不会被导入）。"
            )
        self.total = count
        self.ctx.file_refs = dict(refs)
        self.duplicates = {key: rows for key, rows in keys.items() if len(rows) > 1}
        self.referenced = references & refs.keys()
        self.ref_duplicates = {key: rows for key, rows in refs.items() if len(rows) > 1 and key in self.referenced}
        self.unlinked = {
            row: (key[0], key[1], with_earlier_key[key])
            for key, rows in by_later_key.items()
            if key in with_earlier_key
            for row in rows
        }

    # -- one row

    def _problem(self, outcome: RowOutcome, column: Column | None, message: str) -> None:
        # the preview is shown to everyone who may see the import record: no ID number or mobile in clear
        message = mask_numbers(message)
        if column is None or column.key not in self._positions:
            outcome.problems.append({"column": "", "header": "", "message": message})
            return
        if column.related is not None:
            outcome.bad_groups.add(column.related)
        letter = get_column_letter(self._positions[column.key] + 1)
        outcome.problems.append({"column": letter, "header": column.header, "message": message})

    def _convert(self, number: int, values: tuple) -> RowOutcome:
        outcome = RowOutcome(row=number, raw=values)
        self.ctx.row = number
        blanks = {}
        given = {
            related: not related.optional or any(not is_blank(self._cell(values, column)) for column in related.columns)
            for related in self.spec.related
        }
        for index, column in self.layout.columns:
            related = column.related
            raw = values[index]
            if related is not None and not given[related]:
                continue
            if isinstance(raw, str):
                try:
                    # a cell may hold line breaks (a list of names, a multi-line remark); the column names the place
                    validate_no_control_characters(raw, multiline=True)
                except ValidationError as exc:
                    self._problem(outcome, column, "；".join(exc.messages))
                    continue
            if is_clear_marker(raw):
                if column.required or related is not None or column.field in self.spec.key_fields:
                    self._problem(outcome, column, f"此列不能用{CLEAR_MARKER}清空。")
                else:
                    outcome.data[column.field] = column.converter.empty_value()
                continue
            if is_blank(raw):
                if column.required:
                    when = f"填写{related.title}时" if related is not None and related.optional else ""
                    self._problem(outcome, column, f"{when}必填，不能为空。")
                elif related is None:
                    # a new record gets the field's empty value; an existing one keeps what it holds (see _decide)
                    outcome.data[column.field] = blanks[column.field] = column.converter.empty_value()
                continue
            try:
                value = column.converter.convert(raw, self.ctx)
                if _is_plain(value):
                    column.model_field.run_validators(value)
            except CellError as exc:
                self._problem(outcome, column, str(exc))
            except ValidationError as exc:
                self._problem(outcome, column, "；".join(exc.messages))
            else:
                if related is None:
                    outcome.data[column.field] = value
                else:
                    outcome.related.setdefault(related, {})[column.field] = value
        if self.spec.derive:
            self.spec.derive(outcome.data)
        # a value the spec derives (a birth date from the ID number) is no longer a blank left as it is
        outcome.blank = {name for name, empty in blanks.items() if outcome.data.get(name, empty) == empty}
        if self.spec.ref_field:
            column = self.spec.columns_by_field[self.spec.ref_field]
            raw = self._cell(values, column)
            outcome.ref_key = None if is_blank(raw) else (column.converter.index_value(raw),)
        outcome.index_key = self._index_key(values, self.identities.get(number, {}))
        if number in self.unlinked:
            related, which, other = self.unlinked[number]
            first = related.columns_by_field[related.keys[0][0]]
            self._problem(
                outcome,
                first,
                f"第{other}行有{related.key_headers(related.keys[which])}相同的{related.title}，并填写了"
                f"{related.key_headers(related.keys[0])}；本行未填写。如是同一{related.title}，请填写相同的"
                f"{related.key_headers(related.keys[0])}。",
            )
        return outcome

    def _row_keys(self, data: dict) -> list[tuple[int, tuple]]:
        """The keys the row gives, as converted: the natural key when its first part is filled, an alternate one
        when all of it is."""
        keys = []
        for which, names in enumerate(self.spec.keys):
            if not all(name in data for name in names):
                continue
            key = tuple(_key_value(data[name]) for name in names)
            if key[0] in (None, "") or (which and any(part in (None, "") for part in key)):
                continue
            keys.append((which, key))
        return keys

    @staticmethod
    def _other_record(theirs: dict, mine: dict, which: int) -> bool:
        """Rows (or a row and a record) sharing key ``which`` are different records when an earlier key differs."""
        return any(i in theirs and i in mine and theirs[i] != mine[i] for i in range(which))

    def _check_key(self, outcome: RowOutcome) -> None:
        """Duplicates inside the file: the same key twice, or the same record spelt two ways."""
        number = outcome.row
        if outcome.index_key in self.duplicates:
            which = outcome.index_key[0]
            others = "、".join(f"第{row}行" for row in self.duplicates[outcome.index_key] if row != number)
            self._problem(
                outcome,
                self.spec.first_key_column(which),
                f"与{others}重复（{self.spec.key_headers(which)}相同），请只保留一行。",
            )
            return
        keys = self._row_keys(outcome.data)
        mine = dict(keys)
        for which, key in keys:
            seen = self._seen.get((which, key))
            if seen is None or self._other_record(seen[1], mine, which):
                continue
            earlier = seen[0]
            if which == 0:
                # the same record spelt two ways (e.g. a parent by name and by code)
                message = f"与第{earlier}行指向同一条记录，请只保留一行。"
            else:
                message = (
                    f"与第{earlier}行的{self.spec.key_headers(which)}相同，应是同一条记录：如是，请只保留一行；"
                    f"如不是，请在两行分别填写{self.spec.key_headers(0)}。"
                )
            self._problem(outcome, self.spec.first_key_column(which), message)
            return
        if not keys and not outcome.problems:
            ways = "，或".join(self.spec.key_headers(which) for which in range(len(self.spec.keys)))
            self._problem(outcome, self.spec.first_key_column(), f"请填写{ways}，以确定是哪一条记录。")
            return
        for which, key in keys:
            self._seen.setdefault((which, key), (number, mine))
        outcome.keys = keys

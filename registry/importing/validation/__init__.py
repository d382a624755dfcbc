"""Validates every row of one file for one user, in two passes; the passes live in the mixins next to this module."""

from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from itertools import islice

from registry.importing.cells import ACTION_ERROR, CHUNK_ROWS
from registry.importing.converters import ImportContext, RowRef
from registry.importing.reader import Layout, find_layout, open_workbook
from registry.importing.spec import Column, ImportSpec
from registry.importing.validation.keys import KeysMixin
from registry.importing.validation.matching import MatchingMixin
from registry.importing.validation.outcome import RowOutcome, _SharedRecord
from registry.importing.validation.shared import SharedMixin


class Validation(KeysMixin, SharedMixin, MatchingMixin):
    """Validates every row of one file for one user; ``outcomes()`` yields them in a safe commit order.

    Rows that refer to rows of the same file come after the rows they refer to.
    ``progress(fraction)`` is called now and then; it may raise ImportCancelled.
    """

    def __init__(self, spec: ImportSpec, user, content: bytes, *, progress: Callable[[float], None] | None = None):
        self.spec = spec
        self.user = user
        self.content = content
        self.progress = progress or (lambda fraction: None)
        self.ctx = ImportContext(spec, user)
        self.total = 0
        self.layout: Layout | None = None
        self.shared = [related for related in spec.related if related.shared]
        self.children = [related for related in spec.related if not related.shared]
        self.shared_records: dict[tuple, _SharedRecord] = {}
        self.tally: dict = {}  # the spec's file_check keeps its running totals here

    # -- the whole file

    def outcomes(self) -> Iterator[RowOutcome]:
        wb = open_workbook(self.content)
        try:
            ws, self.layout = find_layout(wb, self.spec)
            self._positions = {column.key: index for index, column in self.layout.columns}
            self._seen: dict[tuple, tuple[int, dict]] = {}  # (which key, key) → the first row giving it, its keys
            self._first_pass(ws)
            self.progress(0.1)
            yield from self._second_pass(ws)
        finally:
            wb.close()
        self.progress(1.0)

    def _second_pass(self, ws) -> Iterator[RowOutcome]:
        deferred: list[RowOutcome] = []
        targets: dict[tuple, RowOutcome] = {}
        done = 0
        rows = self._kept_rows() if self._kept is not None else self._rows(ws)
        while chunk := list(islice(rows, CHUNK_ROWS)):
            for index, column in self.layout.columns:
                column.converter.preload([values[index] for _, values in chunk], self.ctx)
            outcomes = [self._convert(number, values) for number, values in chunk]
            self._match_shared(outcomes)
            for outcome in outcomes:
                self._check_key(outcome)
            self._match_existing(outcomes)
            self._match_children(outcomes)
            for outcome in outcomes:
                if outcome.ref_key in self.referenced:
                    targets[outcome.ref_key] = outcome
                if not outcome.problems and outcome.has_refs:
                    deferred.append(outcome)
                    continue
                self._decide(outcome)
                yield outcome
            done += len(chunk)
            self.progress(0.1 + 0.9 * done / max(self.total, 1))
        yield from self._resolve_references(deferred, targets)

    def _kept_rows(self) -> Iterator[tuple[int, tuple]]:
        """The rows the first pass kept, each let go once handed out."""
        kept, self._kept = self._kept, None
        while kept:
            yield kept.popleft()

    def _resolve_references(self, deferred: list[RowOutcome], targets: dict) -> Iterator[RowOutcome]:
        """Rows naming records other rows create: after those rows, in dependency order; cycles refused.

        Kahn's algorithm rather than recursion: a file may chain thousands of rows.
        """
        by_row = {o.row: o for o in deferred}
        waits_for: dict[int, set[int]] = {}
        dependents: dict[int, list[int]] = defaultdict(list)
        for outcome in deferred:
            rows = set()
            for _, value in self._references(outcome):
                target = targets.get(value.key)
                if target is not None and target.row in by_row and value.key not in self.ref_duplicates:
                    rows.add(target.row)
            waits_for[outcome.row] = rows
            for row in rows:
                dependents[row].append(outcome.row)
        ready = deque(row for row, rows in waits_for.items() if not rows)
        finished: set[int] = set()
        while ready:
            outcome = by_row[ready.popleft()]
            self._link(outcome, targets)
            self._decide(outcome)
            finished.add(outcome.row)
            yield outcome
            for row in dependents[outcome.row]:
                waits_for[row].discard(outcome.row)
                if not waits_for[row]:
                    ready.append(row)
        for outcome in deferred:
            if outcome.row in finished:
                continue
            for column, value in self._references(outcome):
                row = targets[value.key].row
                if row == outcome.row:
                    self._problem(outcome, column, f"“{value.key[0]}”是本行自身，不能引用自己。")
                elif row in by_row and row not in finished:
                    self._problem(
                        outcome, column, f"“{value.key[0]}”在本文件第{row}行，引用关系形成循环，无法确定先后。"
                    )
            if not outcome.problems:
                self._link(outcome, targets)
            self._decide(outcome)
            yield outcome

    def _references(self, outcome: RowOutcome) -> list[tuple[Column, RowRef]]:
        return [
            (self.spec.columns_by_field[name], value)
            for name, value in outcome.data.items()
            if isinstance(value, RowRef)
        ]

    def _link(self, outcome: RowOutcome, targets: dict) -> None:
        """Point each reference at the row it names, or say why it cannot."""
        for column, value in self._references(outcome):
            shown = value.key[0]
            target = targets.get(value.key)
            if value.key in self.ref_duplicates:
                rows = "、".join(f"第{row}行" for row in self.ref_duplicates[value.key])
                self._problem(outcome, column, f"“{shown}”在本文件中出现多次（{rows}），无法确定指哪一行。")
            elif target is None:
                self._problem(outcome, column, f"找不到“{shown}”。")
            elif target.action == ACTION_ERROR:
                self._problem(outcome, column, f"“{shown}”在本文件第{target.row}行，该行有错误，本行无法导入。")
            elif target.action:
                value.row, value.data = target.row, target.data

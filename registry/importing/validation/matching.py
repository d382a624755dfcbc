"""Validation against the database: the row's own record, its child records, and the verdict create/update/unchanged."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from registry.duplicates import OUTSIDE_SCOPE_DUPLICATE, outside_scope_refusal
from registry.importing.cells import ACTION_CREATE, ACTION_ERROR, ACTION_UNCHANGED, ACTION_UPDATE
from registry.importing.converters import RelatedRef, RowRef
from registry.importing.spec import Column
from registry.importing.validation.outcome import RowOutcome, _key_value, _stored_key


class MatchingMixin:
    """Part of Validation (see validation/__init__.py); it reads the state Validation.__init__ sets."""

    # -- the row's own record and its child records

    def _match_existing(self, outcomes: list[RowOutcome]) -> None:
        """Find the records the rows' keys already name; one query per key per chunk, plus a scope check."""
        # rows with bad cells are matched too, so that the rules can run on them in the same pass
        keyed = [o for o in outcomes if o.keys]
        if not keyed:
            return
        model = self.spec.model
        fk_names = [
            c.field for c in self.spec.columns if c.related is None and isinstance(c.model_field, models.ForeignKey)
        ]
        fk_names += list(self.spec.parent_links)
        many_names = [
            c.field
            for c in self.spec.columns
            if c.related is None and c.model_field.many_to_many and c.key in self._positions
        ]
        records = self.spec.records() if self.spec.records else model._base_manager.all()
        queryset = records.select_related(*fk_names).prefetch_related(*many_names)
        chosen: dict[RowOutcome, tuple[int, Any]] = {}
        ambiguous: set[RowOutcome] = set()
        pending = keyed
        for which, names in enumerate(self.spec.keys):
            # each key in turn, for the rows an earlier key did not settle; one naming a record this file creates
            # cannot name a stored one
            asking = {
                outcome: key
                for outcome in pending
                for w, key in outcome.keys
                if w == which and not any(isinstance(part, RowRef | RelatedRef) for part in key)
            }
            if not asking:
                continue
            if len(names) == 1:
                matches = queryset.filter(**{f"{names[0]}__in": {key[0] for key in asking.values()}})
            else:
                condition = Q()
                for key in set(asking.values()):
                    condition |= Q(**dict(zip(names, key, strict=True)))
                matches = queryset.filter(condition)
            found: dict[tuple, list] = defaultdict(list)
            for obj in matches:
                found[_stored_key(model, obj, names)].append(obj)
            for outcome, key in asking.items():
                mine = dict(outcome.keys)
                candidates = [
                    obj for obj in found[key] if not self._other_record(dict(self._stored_keys(obj)), mine, which)
                ]
                if len(candidates) > 1:
                    ambiguous.add(outcome)
                    self._problem(
                        outcome,
                        self.spec.first_key_column(which),
                        f"系统中有{len(candidates)}条{self.spec.key_headers(which)}相同的记录，"
                        f"无法确定是哪一条{f'，请填写{self.spec.key_headers(0)}以区分' if which else ''}。",
                    )
                elif candidates:
                    chosen[outcome] = (which, candidates[0])
            pending = [outcome for outcome in pending if outcome not in chosen and outcome not in ambiguous]
        visible = set(
            self.spec.queryset(self.user)
            .filter(pk__in=[obj.pk for _, obj in chosen.values()])
            .values_list("pk", flat=True)
        )
        for outcome, (which, obj) in chosen.items():
            if obj.pk not in visible:
                # the same answer and log as the page and the API give: that a record exists elsewhere, nothing more
                outside_scope_refusal(
                    user=self.user,
                    model=model,
                    values={name: outcome.data.get(name) for name in self.spec.keys[which]},
                    attempt=f"导入{model._meta.verbose_name}",
                    detail={"行": outcome.row},
                )
                self._problem(
                    outcome,
                    self.spec.first_key_column(which),
                    OUTSIDE_SCOPE_DUPLICATE.format(field=self.spec.key_headers(which)),
                )
            else:
                outcome.instance = obj
                outcome.matched_by = self.spec.keys[which]

    def _stored_keys(self, obj) -> list[tuple[int, tuple]]:
        """A stored record's keys as a row's converted keys compare them (blank ones left out)."""
        keys = []
        for which, names in enumerate(self.spec.keys):
            key = _stored_key(self.spec.model, obj, names)
            if all(part not in (None, "") for part in key):
                keys.append((which, key))
        return keys

    def _match_children(self, outcomes: list[RowOutcome]) -> None:
        """The stored child records (e.g. this year's survey) of the rows' existing records; one query per chunk."""
        for related in self.children:
            names = related.keys[0]
            rows = [
                o
                for o in outcomes
                if o.instance is not None and all(n in o.related.get(related, {}) for n in names)
            ]
            if not rows:
                continue
            link = related.model._meta.get_field(related.link)
            queryset = related.model._base_manager.filter(**{f"{link.attname}__in": {o.instance.pk for o in rows}})
            for name in names:
                queryset = queryset.filter(**{f"{name}__in": {_key_value(o.related[related][name]) for o in rows}})
            found = {_stored_key(related.model, obj, (related.link, *names)): obj for obj in queryset}
            for outcome in rows:
                key = (outcome.instance.pk, *(_key_value(outcome.related[related][n]) for n in names))
                outcome.related_instances[related] = found.get(key)

    def _validation_problems(self, exc: ValidationError, columns_by_field: dict) -> list[tuple[Column | None, str]]:
        if not hasattr(exc, "error_dict"):
            return [(None, "；".join(exc.messages))]
        problems = []
        for name, errors in exc.message_dict.items():
            column = columns_by_field.get(name)
            if column is None and columns_by_field is self.spec.columns_by_field and name in self.spec.parent_links:
                # a rule about the record the row points at (its activity): where the row names it
                related = self.spec.parent_links[name]
                column = related.columns_by_field[related.keys[0][0]]
            if column is not None and column.key not in self._positions:
                column = None
            problems.append((column, "；".join(errors)))
        return problems

    def _add_validation_error(self, outcome: RowOutcome, exc: ValidationError, columns_by_field=None) -> None:
        for column, message in self._validation_problems(exc, columns_by_field or self.spec.columns_by_field):
            self._problem(outcome, column, message)

    def _change(self, outcome: RowOutcome, column: Column, before, after) -> None:
        outcome.changes.append(
            {
                "field": column.header,
                "before": column.converter.display(before),
                "after": column.converter.display(after),
            }
        )

    def _decide(self, outcome: RowOutcome) -> None:
        """create, update (with its changes), unchanged — or error when the spec's rules refuse it."""
        if outcome.problems:
            self._check_rules_of_bad_row(outcome)
            outcome.action = ACTION_ERROR
            return
        instance = outcome.instance
        changed = dict(outcome.data)
        if instance is not None:
            # a key column the row leaves blank (no ID number) keeps what the record found by another key holds
            for name in self.spec.key_fields - set(outcome.matched_by):
                if name in outcome.data and outcome.data[name] in (None, ""):
                    del outcome.data[name]
            # a blank cell leaves the stored value as it is; only the clear marker empties it
            for name in outcome.blank:
                outcome.data.pop(name, None)
            changed = {}
            for _, column in self.layout.columns:
                if column.related is not None or column.field in outcome.matched_by or column.field not in outcome.data:
                    continue
                current = column.converter.current(instance, column.field)
                new = outcome.data[column.field]
                if not column.converter.same(current, new):
                    changed[column.field] = new
                    self._change(outcome, column, current, new)
        writes = self._shared_writes(outcome)
        writes.update(self._child_writes(outcome))
        if outcome.problems:
            outcome.action = ACTION_ERROR
            return
        outcome.main_changed = instance is None or bool(changed)
        if instance is None:
            outcome.action = ACTION_CREATE
        else:
            outcome.action = ACTION_UPDATE if changed or writes else ACTION_UNCHANGED
        if outcome.main_changed and self.spec.check:
            try:
                self.spec.check(user=self.user, data=outcome.data, instance=instance)
            except ValidationError as exc:
                self._add_validation_error(outcome, exc)
                outcome.action = ACTION_ERROR
                return
        if outcome.main_changed and self.spec.file_check:
            try:
                self.spec.file_check(user=self.user, data=outcome.data, instance=instance, tally=self.tally)
            except ValidationError as exc:
                self._add_validation_error(outcome, exc)
                outcome.action = ACTION_ERROR
                return
        for related, data in writes.items():
            if related.shared:
                outcome.states[related].owner = outcome.row
            outcome.related_writes[related] = data
        outcome.label = self.spec.label(outcome.data, instance)
        # an update hands the service only what changes, so history shows exactly that
        outcome.data = changed

    def _check_rules_of_bad_row(self, outcome: RowOutcome) -> None:
        """The spec's rules on the cells of a bad row that converted, so that one upload reports every problem.

        A rule's complaint about a column that already has a problem is left out: the user fixes that cell anyway.
        """
        reported = {problem["header"] for problem in outcome.problems if problem["header"]}
        if any(c.required and c.related is None and c.field not in outcome.data for _, c in self.layout.columns):
            return  # the rules compare required fields with others: without them they would only guess
        if any(isinstance(value, RowRef) and not value.data for value in outcome.data.values()):
            return  # a reference to a bad row of the file stands for no record the rules could read
        data = dict(outcome.data)
        if outcome.instance is not None:
            for name in outcome.blank:
                data.pop(name, None)
        checks = [(self.spec.check, data, outcome.instance, self.spec.columns_by_field)]
        for related in self.children:
            if related.check and outcome.related.get(related) and related not in outcome.bad_groups:
                stored = outcome.related_instances.get(related)
                checks.append((related.check, outcome.related[related], stored, related.columns_by_field))
        for check, values, instance, columns_by_field in checks:
            if check is None:
                continue
            try:
                check(user=self.user, data=values, instance=instance)
            except ValidationError as exc:
                for column, message in self._validation_problems(exc, columns_by_field):
                    if column is None or column.header not in reported:
                        self._problem(outcome, column, message)

    def _shared_writes(self, outcome: RowOutcome) -> dict:
        """What this row would write to its shared records: the first good row naming one creates or updates it."""
        writes = {}
        for related, record in outcome.states.items():
            if record.owner is not None or related.existing_only:
                continue
            if record.instance is None:
                writes[related] = dict(record.data)
                continue
            data = {}
            for name, value in record.data.items():
                column = related.columns_by_field[name]
                current = column.converter.current(record.instance, name)
                if not column.converter.same(current, value):
                    data[name] = value
                    self._change(outcome, column, current, value)
            if data:
                writes[related] = data
        return writes

    def _child_writes(self, outcome: RowOutcome) -> dict:
        """What this row writes to its child records (e.g. the survey of the year it gives)."""
        writes = {}
        for related in self.children:
            data = outcome.related.get(related)
            if not data:
                continue
            stored = outcome.related_instances.get(related)
            if stored is None:
                write = dict(data)
                if outcome.instance is not None:
                    for name, value in data.items():
                        self._change(outcome, related.columns_by_field[name], None, value)
            else:
                write = {}
                for name, value in data.items():
                    column = related.columns_by_field[name]
                    current = column.converter.current(stored, name)
                    if not column.converter.same(current, value):
                        write[name] = value
                        self._change(outcome, column, current, value)
            if not write:
                continue
            if related.check:
                try:
                    related.check(user=self.user, data=data, instance=stored)
                except ValidationError as exc:
                    self._add_validation_error(outcome, exc, related.columns_by_field)
                    continue
            writes[related] = write
        return writes

"""Validation of shared related records (e.g. the liaison of an assignment, created once for every row naming it)."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q

from registry.duplicates import OUTSIDE_SCOPE_DUPLICATE, outside_scope_refusal
from registry.importing.converters import RelatedRef
from registry.importing.spec import Related
from registry.importing.validation.outcome import RowOutcome, _key_value, _SharedRecord, _stored_key


class SharedMixin:
    """Part of Validation (see validation/__init__.py); it reads the state Validation.__init__ sets."""

    # -- shared related records (e.g. the liaison of an assignment)

    def _match_shared(self, outcomes: list[RowOutcome]) -> None:
        for related in self.shared:
            new = []
            for outcome in outcomes:
                identity = self.identities.get(outcome.row, {}).get(related)
                if identity is None:
                    continue
                record = self.shared_records.get((related, identity))
                if record is None:
                    record = _SharedRecord(
                        identity=identity,
                        definer=outcome.row,
                        data=outcome.related.get(related, {}),
                        usable=related not in outcome.bad_groups,
                    )
                    self.shared_records[(related, identity)] = record
                    new.append(record)
                else:
                    self._compare_with_definer(outcome, related, record)
                outcome.states[related] = record
            self._find_shared(related, [record for record in new if record.usable])
            for outcome in outcomes:
                record = outcome.states.get(related)
                if record is None:
                    continue
                for column, message in record.problems:
                    self._problem(outcome, column, message)
                if not record.usable and record.definer != outcome.row:
                    first = related.columns_by_field[related.keys[0][0]]
                    self._problem(outcome, first, f"第{record.definer}行的{related.title}信息有错误，请先改正该行。")
                if related not in outcome.bad_groups and not record.problems and record.usable:
                    outcome.data[related.link] = record.instance if record.instance is not None else record.ref

    def _compare_with_definer(self, outcome: RowOutcome, related: Related, record: _SharedRecord) -> None:
        for name, value in outcome.related.get(related, {}).items():
            column = related.columns_by_field[name]
            converter = column.converter
            if name in record.data and converter.same(record.data[name], value):
                continue
            before = converter.display(record.data.get(name))
            self._problem(
                outcome,
                column,
                f"与第{record.definer}行的同一{related.title}填写不一致（第{record.definer}行为“{before}”，"
                f"本行为“{converter.display(value)}”）。同一{related.title}的各行请填写一致，或只在第一行填写。",
            )

    def _find_shared(self, related: Related, records: list[_SharedRecord]) -> None:
        """Find the stored records the new identities name, by each key in turn; one query per key per chunk."""
        if not records:
            return
        model = related.model
        values_of = {}
        for record in records:
            values_of[record] = [self._key_of(related, names, record.data) for names in related.keys]
        found: list[dict[tuple, list]] = []
        for which, names in enumerate(related.keys):
            wanted = {keys[which] for keys in values_of.values() if keys[which] is not None}
            by_key: dict[tuple, list] = defaultdict(list)
            if wanted:
                condition = Q()
                for key in wanted:
                    condition |= Q(**dict(zip(names, key, strict=True)))
                for obj in model._base_manager.filter(condition):
                    by_key[_stored_key(model, obj, names)].append(obj)
            found.append(by_key)
        for record, keys in values_of.items():
            for which, key in enumerate(keys):
                if key is None:
                    continue
                earlier = [(related.keys[i], keys[i]) for i in range(which) if keys[i] is not None]
                candidates = [obj for obj in found[which].get(key, []) if not self._contradicts(model, obj, earlier)]
                if len(candidates) > 1:
                    first = related.columns_by_field[related.keys[which][0]]
                    record.problems.append(
                        (
                            first,
                            f"系统中有{len(candidates)}个{related.key_headers(related.keys[which])}相同的{related.title}，"
                            f"请填写{related.key_headers(related.keys[0])}以区分。",
                        )
                    )
                    break
                if candidates:
                    record.instance = candidates[0]
                    break
        matched = [record.instance.pk for record in records if record.instance is not None]
        manager = model._default_manager
        visible = (
            set(manager.visible_to(self.user).filter(pk__in=matched).values_list("pk", flat=True))
            if hasattr(manager, "visible_to") and matched
            else set(matched)
        )
        for record in records:
            if record.problems:
                continue
            if related.existing_only and (record.instance is None or record.instance.pk not in visible):
                # only a reference: one outside the scope is answered as one that does not exist
                columns = [related.columns_by_field[name] for name in related.keys[0]]
                given = "、".join(f"{c.header}“{c.converter.display(record.data.get(c.field))}”" for c in columns)
                message = f"找不到{given}的{related.title}，或它不在您的管辖区域内：请先登记或导入该{related.title}。"
                record.problems.append((columns[0], message))
                continue
            if record.instance is not None and record.instance.pk not in visible:
                # the answer and log the page and the API give for a number held elsewhere, nothing more
                names = related.keys[0]
                outside_scope_refusal(
                    user=self.user,
                    model=model,
                    values={name: record.data.get(name) for name in names},
                    attempt=f"导入{model._meta.verbose_name}",
                    detail={"行": record.definer},
                )
                first = related.columns_by_field[names[0]]
                record.problems.append((first, OUTSIDE_SCOPE_DUPLICATE.format(field=related.key_headers(names))))
                continue
            if related.check:
                try:
                    related.check(user=self.user, data=record.data, instance=record.instance)
                except ValidationError as exc:
                    record.problems.extend(self._validation_problems(exc, related.columns_by_field))
                    continue
            if record.instance is None:
                record.ref = RelatedRef(related=related, identity=record.identity, row=record.definer, data=record.data)

    def _key_of(self, related: Related, names: tuple[str, ...], data: dict) -> tuple | None:
        if names[0] not in data:
            return None
        parts = []
        for name in names:
            value = data[name] if name in data else related.columns_by_field[name].converter.empty_value()
            parts.append(_key_value(value))
        return tuple(parts)

    @staticmethod
    def _contradicts(model, obj, earlier: list[tuple[tuple[str, ...], tuple]]) -> bool:
        """A record found by a later key is someone else when an earlier key the row gives is set otherwise on it."""
        for names, key in earlier:
            stored = _stored_key(model, obj, names)
            if all(part not in (None, "") for part in stored) and stored != key:
                return True
        return False

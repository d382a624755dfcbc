"""Preview and commit: the file validated without writing, then written in one transaction through the services."""

import json
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from registry.crud import checked_bulk_write
from registry.importing.cells import (
    ACTION_CREATE,
    ACTION_ERROR,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    PreviewOutdated,
    clean_text,
    report_value,
)
from registry.importing.converters import RelatedRef, RowRef
from registry.importing.plan import WritePlan
from registry.importing.spec import ImportSpec
from registry.importing.validation import Validation
from registry.importing.validation.outcome import RowOutcome
from registry.personal import mask_numbers, mask_value

# ---------------------------------------------------------------------------------------------
# Preview and commit


PREVIEW_LIST_LIMIT = 100_000


def preview(
    spec: ImportSpec, user, content: bytes, *, progress=None, plan: WritePlan | None = None
) -> tuple[dict, dict]:
    """Validate the file without writing anything: (counts, result) for the import record.

    With ``plan`` (for a spec that ``writes_in_bulk``), the rows to write go into it as well, for the commit.
    """
    validation = Validation(spec, user, content, progress=progress)
    counts = {ACTION_CREATE: 0, ACTION_UPDATE: 0, ACTION_UNCHANGED: 0, ACTION_ERROR: 0}
    errors, creates, updates = [], [], []
    masked: dict[int, str] | None = None
    for outcome in validation.outcomes():
        counts[outcome.action] += 1
        if plan is not None and outcome.action in (ACTION_CREATE, ACTION_UPDATE):
            plan.add(outcome)
        if outcome.action == ACTION_ERROR:
            if masked is None:
                masked = _personal_positions(validation.layout)
            values = _kept_values(outcome.raw, masked)
            errors.append({"row": outcome.row, "values": values, "problems": outcome.problems})
        elif outcome.action == ACTION_CREATE:
            creates.append({"row": outcome.row, "label": outcome.label})
        elif outcome.action == ACTION_UPDATE:
            updates.append({"row": outcome.row, "label": outcome.label, "changes": outcome.changes})
    layout = validation.layout
    result = {
        "sheet": layout.sheet,
        "header_row": layout.header_row,
        "headers": layout.headers,
        "ignored": layout.ignored,
        "missing": layout.missing,
        "errors": sorted(errors, key=lambda e: e["row"]),
        "creates": sorted(creates, key=lambda e: e["row"]),
        "updates": sorted(updates, key=lambda e: e["row"]),
    }
    counts["total"] = validation.total
    if plan is not None:
        plan.counts = counts
    return counts, result


def _personal_positions(layout) -> dict[int, str]:
    """Position in the row → kind, for the columns the models declare personal (ID numbers, mobiles)."""
    positions = {}
    for index, column in layout.columns:
        kind = column.converter.personal_kind  # the model's declaration, as the converter reads it
        if kind:
            positions[index] = kind
    return positions


def _kept_values(raw: tuple, masked: dict[int, str]) -> list:
    """The bad row's cells as the import record keeps them: personal data masked, as every page shows it."""
    values = [report_value(v) for v in raw]
    for index, kind in masked.items():
        if index < len(values) and values[index] not in (None, ""):
            values[index] = mask_value(kind, clean_text(values[index]))
    return values


class CommitFailed(Exception):
    """A service refused a row during commit; everything is rolled back."""


@contextmanager
def _one_transaction_without_savepoints():
    """The commit's transaction, in which the services' own atomic blocks open no savepoints.

    Each service call is wrapped in transaction.atomic (and Django's constraint checks add one
    more per CheckConstraint): inside our transaction those become savepoints, two round trips
    each — most of the cost of a row. A savepoint only helps a caller that catches an error and
    carries on; the commit never does: any error aborts the whole import. Without savepoints an
    error inside a service marks the transaction for rollback (Django's own behaviour for
    ``atomic(savepoint=False)``), and leaving this block rolls everything back. Only this
    connection's setting is changed, and only until the block ends.
    """
    connection = transaction.get_connection()
    with transaction.atomic():
        features = connection.features
        had_own = "uses_savepoints" in vars(features)
        previous = features.uses_savepoints
        features.uses_savepoints = False
        try:
            yield
        finally:
            if had_own:
                features.uses_savepoints = previous
            else:
                del features.uses_savepoints


def commit(
    spec: ImportSpec,
    user,
    content: bytes,
    *,
    error_rows: set[int],
    shown: dict | None = None,
    progress=None,
    plan: WritePlan | None = None,
) -> dict:
    """Write the file's good rows in one transaction; any failure writes nothing.

    A spec that ``writes_in_bulk`` writes the preview's ``plan`` (registry.importing.plan): the transaction
    holds only the check that what the preview read is unchanged, and the bulk writes. Without a kept plan
    the file is validated once more, outside the transaction, into one. Other specs validate the file again
    inside the transaction and write row by row through the services. Either way, if a row's verdict differs
    from the preview the user confirmed (``error_rows``; with ``shown``, the preview's result, also each
    row's create/update and the changes listed), nothing is written and PreviewOutdated is raised.
    """
    if spec.writes_in_bulk:
        return _commit_plan(spec, user, content, error_rows=error_rows, shown=shown, progress=progress, plan=plan)
    validation = Validation(spec, user, content, progress=progress)
    counts = {ACTION_CREATE: 0, ACTION_UPDATE: 0, ACTION_UNCHANGED: 0, ACTION_ERROR: 0}
    # every row is re-checked against the database inside this transaction, so the forms' per-record
    # unique, constraint and foreign-key queries are left to the database itself, and the scope is
    # checked once per model at the end (two thirds of the write time)
    try:
        with _one_transaction_without_savepoints():
            try:
                with checked_bulk_write(user):
                    _write_rows(spec, user, validation, _expected(error_rows, shown), counts, shown)
            except PermissionDenied as exc:
                raise CommitFailed(str(exc) or "没有权限。") from exc
    except IntegrityError as exc:  # a deferred foreign key, checked when the transaction commits
        raise CommitFailed(f"{_integrity_reason(spec, exc)}（引用的记录可能刚被他人删除）请重新上传文件。") from exc
    counts["total"] = validation.total
    return counts


def _commit_plan(spec: ImportSpec, user, content: bytes, *, error_rows, shown, progress, plan) -> dict:
    if plan is None:
        plan = _plan_from_file(spec, user, content, _expected(error_rows, shown), shown)
    try:
        with transaction.atomic():
            plan.write(user, progress=progress)
    except PermissionDenied as exc:
        raise CommitFailed(str(exc) or "没有权限。") from exc
    except IntegrityError as exc:
        raise CommitFailed(f"{_integrity_reason(spec, exc)}（数据可能刚被他人修改）请重新上传文件。") from exc
    return dict(plan.counts)


def _plan_from_file(spec: ImportSpec, user, content: bytes, expected: dict, shown) -> WritePlan:
    """The plan of a preview made before plans were kept: the file validated again (outside any transaction)."""
    validation = Validation(spec, user, content)
    plan = WritePlan(spec)
    counts = {ACTION_CREATE: 0, ACTION_UPDATE: 0, ACTION_UNCHANGED: 0, ACTION_ERROR: 0}
    for outcome in validation.outcomes():
        if change := _outdated(outcome, expected, shown):
            raise PreviewOutdated(f"预览之后数据已变化，请重新预览（第{outcome.row}行{change}）。")
        counts[outcome.action] += 1
        if outcome.action in (ACTION_CREATE, ACTION_UPDATE):
            plan.add(outcome)
    plan.counts = {**counts, "total": validation.total}
    return plan


def _expected(error_rows: set[int], shown: dict | None) -> dict[int, tuple[str, list | None]]:
    """Row → (the action the preview showed, its listed changes); rows not listed were 无变化 (or, without
    ``shown``, anything but an error)."""
    expected = dict.fromkeys(error_rows, (ACTION_ERROR, None))
    if shown is not None:
        expected.update({entry["row"]: (ACTION_CREATE, None) for entry in shown.get("creates", [])})
        expected.update({entry["row"]: (ACTION_UPDATE, entry["changes"]) for entry in shown.get("updates", [])})
    return expected


def _outdated(outcome: RowOutcome, expected: dict, shown: dict | None) -> str:
    """Why the row no longer matches the preview, or "" when it does."""
    action, changes = expected.get(outcome.row, (ACTION_UNCHANGED if shown is not None else None, None))
    if (outcome.action == ACTION_ERROR) != (action == ACTION_ERROR):
        return f"现在有错误：{outcome.reasons()}" if outcome.problems else "的错误已不存在"
    if shown is None or action == ACTION_ERROR:
        return ""
    if outcome.action != action:
        return f"预览时为“{ACTION_NAMES[action]}”，现在为“{ACTION_NAMES[outcome.action]}”"
    if action == ACTION_UPDATE and _as_stored(changes) != _as_stored(outcome.changes):
        return "要修改的内容与预览时不同"
    return ""


def _as_stored(changes) -> str:
    # the preview's changes went through JSON; compare both sides the same way
    return json.dumps(changes, sort_keys=True, default=str, ensure_ascii=False)


ACTION_NAMES = {ACTION_CREATE: "新增", ACTION_UPDATE: "更新", ACTION_UNCHANGED: "无变化", ACTION_ERROR: "有错误"}


def _write_rows(spec: ImportSpec, user, validation: "Validation", expected: dict, counts: dict, shown=None) -> None:
    saved: dict[tuple, models.Model] = {}
    written = []
    for outcome in validation.outcomes():
        if change := _outdated(outcome, expected, shown):
            raise PreviewOutdated(f"预览之后数据已变化，请重新预览（第{outcome.row}行{change}）。")
        counts[outcome.action] += 1
        if outcome.action not in (ACTION_CREATE, ACTION_UPDATE):
            continue
        try:
            obj = _write_row(spec, user, outcome, saved)
        except ValidationError as exc:
            raise CommitFailed(mask_numbers(f"第{outcome.row}行：{'；'.join(exc.messages)}")) from exc
        except PermissionDenied as exc:
            raise CommitFailed(f"第{outcome.row}行：{exc or '没有权限。'}") from exc
        except IntegrityError as exc:
            raise CommitFailed(f"第{outcome.row}行：{_integrity_reason(spec, exc)}") from exc
        written.append(obj.pk)
        if outcome.ref_key in validation.referenced:
            saved[outcome.ref_key] = obj
    if spec.after_commit:
        spec.after_commit(written)


def _integrity_reason(spec: ImportSpec, exc: IntegrityError) -> str:
    """The rule the database refused the row by, in the model's own words where it has them."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    for model in (spec.model, *(related.model for related in spec.related)):
        for constraint in model._meta.constraints:
            custom = constraint.violation_error_message != constraint.default_violation_error_message
            if constraint.name == name and custom:
                return constraint.get_violation_error_message()
        for model_field in model._meta.concrete_fields:
            if model_field.unique and name.startswith(f"{model._meta.db_table}_{model_field.column}_"):
                return f"{model_field.verbose_name}已被另一条{model._meta.verbose_name}使用，数据库拒绝保存。"
    return "与已有数据冲突，数据库拒绝保存。"


def _write_row(spec: ImportSpec, user, outcome: RowOutcome, saved: dict) -> models.Model:
    """One row: its shared records first (e.g. a new liaison), then its own record, then its child records."""
    for related, data in outcome.related_writes.items():
        if not related.shared:
            continue
        record = outcome.states[related]
        if record.instance is None:
            saved[(related, record.identity)] = related.create(user=user, data=data)
        else:
            related.update(user=user, instance=record.instance, data=data)
    data = {name: _resolve(spec, value, saved) for name, value in outcome.data.items()}
    if outcome.action == ACTION_CREATE:
        obj = spec.create(user=user, data=data)
    elif outcome.main_changed:
        obj = spec.update(user=user, instance=outcome.instance, data=data)
    else:
        obj = outcome.instance
    for related, data in outcome.related_writes.items():
        if related.shared:
            continue
        stored = outcome.related_instances.get(related)
        if stored is None:
            related.create(user=user, data={**data, related.link: obj})
        else:
            related.update(user=user, instance=stored, data=data)
    return obj


def _resolve(spec: ImportSpec, value, saved: dict):
    if isinstance(value, RelatedRef):
        # the first good row naming it came earlier in this commit and created it
        return saved[(value.related, value.identity)]
    if not isinstance(value, RowRef):
        return value
    if value.key in saved:
        return saved[value.key]
    return spec.model._base_manager.get(**{spec.ref_field: value.key[0]})

"""A unique value (credit code, ID number) already held by a record outside the user's area.

The user is told only that such a record exists and whom to ask — not its street, name or any
other value — and the attempt is written to the access log: registering a number is also a way
of asking whether someone is on file elsewhere.
"""

from django.db.models import Q, UniqueConstraint

from registry.choices import AccessAction
from registry.personal import mask_value, personal_fields, record_access
from registry.validators import normalize_code

OUTSIDE_SCOPE_DUPLICATE = "该{field}已登记在您管辖区域以外的记录中，不能重复登记；如需核实，请联系区级管理员。"


def _unique_fields(model) -> list[tuple[str, Q]]:
    """Single-field uniqueness of ``model``: (field name, condition the rows it binds satisfy)."""
    found = [(field.name, Q()) for field in model._meta.concrete_fields if field.unique and not field.primary_key]
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and len(constraint.fields) == 1:
            found.append((constraint.fields[0], constraint.condition or Q()))
    return found


def duplicates_outside_scope(*, user, model, values: dict, exclude_pk=None) -> list[str]:
    """Names of the fields whose value in ``values`` only records outside ``user``'s scope hold."""
    outside = []
    for name, condition in _unique_fields(model):
        value = values.get(name)
        # a value the field's own validation refuses (blank, a NUL byte Postgres cannot take) is left to it
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            continue
        holders = model.objects.filter(condition).filter(Q(**{name: value}) | Q(**{name: normalize_code(value)}))
        if exclude_pk is not None:
            holders = holders.exclude(pk=exclude_pk)
        if hasattr(holders, "visible_to") and holders.exists() and not holders.visible_to(user).exists():
            outside.append(name)
    return outside


def refuse_outside_scope_duplicates(*, request, model, values: dict, exclude_pk=None) -> dict[str, str]:
    """The message per field for a value held outside the user's scope; each such attempt is logged."""
    names = duplicates_outside_scope(user=request.user, model=model, values=values, exclude_pk=exclude_pk)
    if not names:
        return {}
    return outside_scope_refusal(
        user=request.user,
        request=request,
        model=model,
        values={name: values[name] for name in names},
        attempt=f"新增或修改{model._meta.verbose_name}",
    )


def outside_scope_refusal(*, user, model, values: dict, attempt: str, request=None, detail=None) -> dict[str, str]:
    """Log one refused attempt to register ``values`` ({field: value}) held outside ``user``'s scope.

    Returns the message per field. The page, the API and the import all answer with it, so that
    none of them tells more than the others about a record elsewhere.
    """
    kinds = personal_fields(model)
    shown = {name: mask_value(kinds[name], value) if name in kinds else str(value) for name, value in values.items()}
    labels = {name: str(model._meta.get_field(name).verbose_name) for name in values}
    record_access(
        request=request,
        user=user,
        action=AccessAction.SEARCH,
        target_model=model._meta.label,
        target_repr=f"{attempt}：管辖区域外已有记录",
        fields="、".join(labels.values()),
        detail={
            "结果": "管辖区域外已有记录，已拒绝",
            **(detail or {}),
            **{labels[name]: value for name, value in shown.items()},
        },
    )
    return {name: OUTSIDE_SCOPE_DUPLICATE.format(field=label) for name, label in labels.items()}

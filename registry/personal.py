"""Personal data under PIPL: masking of ID numbers and mobiles, and who may see them in clear."""

import re

from django.core.exceptions import FieldDoesNotExist

PERSONAL_DATA_PERMISSION = "registry.view_personal_data"
REVEAL_PERMISSION = "registry.reveal_personal_data"


def can_see_personal(user) -> bool:
    """Sees ID numbers and mobiles in clear everywhere (lists, exports, API): registry.permissions.may_see_personal."""
    from registry.permissions import may_see_personal

    return bool(may_see_personal(user))


def can_reveal_personal(user) -> bool:
    """May reveal one record's numbers at a time, with a logged reason: registry.permissions.may_reveal_personal."""
    from registry.permissions import may_reveal_personal

    return bool(may_reveal_personal(user))


def mask_id_number(value: str | None) -> str:
    """4403**********1234: the area prefix and the last four stay, the birth date never shows."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """A contact phone: a mobile masks as a mobile; a landline (0755-12345678) keeps its area code and last four."""
    if not value:
        return ""
    value = str(value)
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) <= 4:
        return "*" * len(value)
    keep_head = 3 if value.startswith("1") else (value.index("-") + 1 if "-" in value[:6] else 4)
    hidden = {i for i in digits[:-4] if i >= keep_head}
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


# The kinds of personal field and how each is masked. A model declares its personal fields once:
#     class Representative(...):
#         personal_fields = {"id_number": "id_number", "mobile": "mobile"}
# Tables, detail pages, forms, serializers, the admin, history, exports and import reports read it.
MASKERS = {"id_number": mask_id_number, "mobile": mask_mobile, "phone": mask_phone}
PERSONAL_LABELS = {"id_number": "身份证号", "mobile": "手机号", "phone": "联系电话"}


def personal_fields(model) -> dict[str, str]:
    """{field name: kind} declared on ``model`` (a class or an instance); {} when it has none."""
    return dict(getattr(model, "personal_fields", None) or {})


def mask_value(kind: str, value) -> str:
    """``value`` masked as a personal field of ``kind`` (a key of MASKERS)."""
    return MASKERS[kind](None if value in (None, "") else str(value))


def personal_kind(model, path: str) -> str | None:
    """The declared kind of the field a dotted ``path`` reaches from ``model`` ("liaison.mobile"), or None."""
    *relations, name = path.split(".")
    for relation in relations:
        try:
            model = model._meta.get_field(relation).related_model
        except FieldDoesNotExist:  # a property or a method, not a relation: nothing declared behind it
            return None
        if model is None:
            return None
    return personal_fields(model).get(name)


def personal_labels(model, names) -> str:
    """The Chinese names of ``model``'s personal fields among ``names``, joined for an AccessLog row."""
    declared = personal_fields(model)
    return "、".join(str(model._meta.get_field(name).verbose_name) for name in names if name in declared)


LOGGED_IDS_CAP = 200  # an AccessLog row names at most this many records, and always the full count


def record_clear_values(
    *,
    request,
    model,
    ids,
    fields: str,
    action: str = "reveal",
    target_repr: str = "",
    detail: dict | None = None,
    count: int | None = None,
    user=None,
):
    """One AccessLog row for the personal values of many records leaving the server (API, export).

    ``count``, when given, is the full number of records and ``ids`` already the first LOGGED_IDS_CAP of them
    (an export keeps no more while it writes).
    """
    ids = list(ids)
    count = len(ids) if count is None else count
    return record_access(
        request=request,
        user=user,
        action=action,
        target_model=model._meta.label,
        target_repr=target_repr or f"{model._meta.verbose_name} {count} 条",
        fields=fields,
        detail={
            **(detail or {}),
            "ids": ids[:LOGGED_IDS_CAP],
            "count": count,
            "ids_capped": count > LOGGED_IDS_CAP,
        },
    )


def record_access(
    *,
    request,
    action: str,
    user=None,
    target=None,
    target_model: str = "",
    target_repr: str = "",
    fields: str = "",
    reason: str = "",
    detail: dict | None = None,
):
    """Write one AccessLog row: who revealed or exported which personal data, when, from where.

    ``request`` may be None for work a background task does for ``user`` (an import): no address then.
    """
    from django.apps import apps  # not registry.models: the log's queryset reads this module's declarations

    from registry.middleware import client_ip

    AccessLog = apps.get_model("registry", "AccessLog")
    user = request.user if request is not None else user
    if target is not None:
        target_model = target_model or target._meta.label
        target_repr = target_repr or str(target)
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        target_model=target_model,
        target_id=str(target.pk) if target is not None else "",
        target_repr=target_repr[:200],
        fields=fields[:200],
        reason=reason,
        detail=detail or {},
        ip_address=(client_ip(request) or None) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        path=mask_numbers(request.get_full_path())[:300] if request is not None else "",
    )


_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_numbers(text: str) -> str:
    """Mask every full ID number and mobile inside ``text`` (a searched-for number in a logged URL)."""
    text = _ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group()), text)

"""The one life cycle of tracked items (建言, 社情民意, 议定事项): states, allowed transitions, who may make each.

A transition table of our own rather than django-fsm-2: the three kinds share one table of rows
(from-states → to-state, actor, the facts it requires), the page lists "what can I do now" straight
from it, and every refusal is one Chinese sentence. ``transition()`` is the only writer of an item's
state: it locks the row, checks the source state and the actor, applies the facts, writes the
ItemEvent in the same transaction — or raises and changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from registry.scoping import has_model_permission, user_is_unrestricted

from .choices import ItemKind, ItemState, Verdict
from .models import Department, ItemEvent, TrackedItem

MANAGER = "manager"  # the department/street staff who keep the item (restrict(user, "change"))
DEPARTMENT = "department"  # a 承办单位联络人 of the item's 主办单位

S = ItemState
ALL_KINDS = frozenset(ItemKind.values)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    actor: str
    requires: tuple = ()  # the facts the form asks for: remark, department, due_date, answer
    kinds: frozenset = ALL_KINDS
    verdict: str = ""
    help: str = ""
    extra: dict = field(default_factory=dict)


TRANSITIONS = [
    Transition("screen_in", "筛选：采纳并待交办", frozenset({S.SUBMITTED}), S.ACCEPTED, MANAGER),
    Transition(
        "screen_out",
        "筛选：不予采纳",
        frozenset({S.SUBMITTED}),
        S.NOT_ADOPTED,
        MANAGER,
        requires=("remark",),
        help="请写明不予采纳的理由，建言人可查阅。",
    ),
    Transition(
        "assign",
        "交办",
        frozenset({S.ACCEPTED}),
        S.ASSIGNED,
        MANAGER,
        requires=("department", "due_date"),
        help="选择主办单位（可加协办单位）和办理期限。",
    ),
    Transition(
        "withdraw",
        "退回重新交办",
        frozenset({S.ASSIGNED, S.SIGNED}),
        S.ACCEPTED,
        MANAGER,
        requires=("remark",),
        help="承办单位认为不属其职责等情况：收回后可改交其他单位。",
    ),
    Transition("sign", "签收", frozenset({S.ASSIGNED}), S.SIGNED, DEPARTMENT),
    Transition("start", "开始办理", frozenset({S.SIGNED}), S.HANDLING, DEPARTMENT),
    Transition("progress", "报告办理进展", frozenset({S.HANDLING}), S.HANDLING, DEPARTMENT, requires=("remark",)),
    Transition(
        "answer",
        "答复",
        frozenset({S.SIGNED, S.HANDLING}),
        S.ANSWERED,
        DEPARTMENT,
        requires=("answer",),
        help="答复内容将转给建言人（反映人）评价。",
    ),
    Transition(
        "satisfied",
        "建言人评价：满意",
        frozenset({S.ANSWERED}),
        S.CONCLUDED,
        MANAGER,
        kinds=frozenset({ItemKind.PROPOSAL}),
        verdict=Verdict.SATISFIED,
    ),
    Transition(
        "basically",
        "建言人评价：基本满意",
        frozenset({S.ANSWERED}),
        S.CONCLUDED,
        MANAGER,
        kinds=frozenset({ItemKind.PROPOSAL}),
        verdict=Verdict.BASICALLY,
    ),
    Transition(
        "unsatisfied",
        "建言人评价：不满意（重新办理）",
        frozenset({S.ANSWERED}),
        S.HANDLING,
        MANAGER,
        requires=("remark", "due_date"),
        kinds=frozenset({ItemKind.PROPOSAL}),
        verdict=Verdict.UNSATISFIED,
        help="写明不满意的理由并给出新的办理期限：同一主办单位再次答复。",
    ),
    Transition(
        "conclude",
        "办结",
        frozenset({S.ANSWERED}),
        S.CONCLUDED,
        MANAGER,
        kinds=frozenset({ItemKind.OPINION, ItemKind.DECISION}),
    ),
    Transition(
        "reopen",
        "重新办理",
        frozenset({S.ANSWERED}),
        S.HANDLING,
        MANAGER,
        requires=("remark", "due_date"),
        kinds=frozenset({ItemKind.OPINION, ItemKind.DECISION}),
    ),
]
BY_NAME = {t.name: t for t in TRANSITIONS}

REQUIRED_LABELS = {"remark": "说明", "department": "主办单位", "due_date": "办理期限", "answer": "答复内容"}


class IllegalTransition(ValidationError):
    pass


def acts_for(user, item) -> Department | None:
    """The 主办单位 the user acts for on this item (a 承办单位联络人 of it), or None."""
    if not item.lead_department_id or user is None or not user.is_authenticated:
        return None
    return Department.objects.filter(pk=item.lead_department_id, contacts=user).first()


def is_department_contact(user) -> bool:
    return bool(user and user.is_authenticated and Department.objects.filter(contacts=user).exists())


def _may_manage(user, item) -> bool:
    model = type(item)
    if not has_model_permission(user, model, "change") or (
        is_department_contact(user) and not user_is_unrestricted(user)
    ):
        return False
    return model._default_manager.restrict(user, "change").filter(pk=item.pk).exists()


def may_act(user, item, step: Transition) -> bool:
    if step.actor == DEPARTMENT:
        return acts_for(user, item) is not None
    return _may_manage(user, item)


def allowed(user, item) -> list[Transition]:
    """What this user can do to this item now: the page's buttons."""
    return [t for t in TRANSITIONS if item.kind in t.kinds and item.state in t.sources and may_act(user, item, t)]


def _refusal(item, step: Transition) -> str:
    sources = "、".join(S(s).label for s in sorted(step.sources))
    return f"“{item}”当前状态为“{item.get_state_display()}”，不能{step.label}（{step.label}只适用于{sources}的事项）。"


def check_allowed(user, item, step: Transition) -> None:
    """Refuse ``step`` on ``item`` for ``user``: a wrong kind or state (IllegalTransition), or a user who may
    not make it (PermissionDenied)."""
    if item.kind not in step.kinds:
        raise IllegalTransition(f"{item.get_kind_display()}没有“{step.label}”环节。")
    if item.state not in step.sources:
        raise IllegalTransition(_refusal(item, step))
    if not may_act(user, item, step):
        who = "主办单位的联络人" if step.actor == DEPARTMENT else "负责该事项的工作人员"
        raise PermissionDenied(f"只有{who}可以{step.label}。")


@transaction.atomic
def transition(
    *,
    user,
    item: TrackedItem,
    name: str,
    remark: str = "",
    department=None,
    co_departments=(),
    due_date: datetime.date | None = None,
    answer: str = "",
    at: datetime.datetime | None = None,
) -> TrackedItem:
    """Move ``item`` by the transition ``name``; refuses (changing nothing) when the state, the user or a
    required fact does not allow it.

    ``at`` records a step made earlier (the demo's history, a paper ledger entered late): its Shanghai date
    is the step's date and the day a deadline may not precede; pages and the API never pass it."""
    step = BY_NAME.get(name)
    if step is None:
        raise IllegalTransition(f"没有名为“{name}”的办理环节。")
    model = type(item)
    item = model._base_manager.select_for_update().get(pk=item.pk)
    check_allowed(user, item, step)
    facts = {
        "remark": (remark or "").strip(),
        "department": department,
        "due_date": due_date,
        "answer": (answer or "").strip(),
    }
    missing = {key: f"请填写{REQUIRED_LABELS[key]}。" for key in step.requires if not facts[key]}
    at = at or timezone.now()
    today = timezone.localdate(at)
    if "due_date" in step.requires and due_date and due_date < today:
        missing["due_date"] = f"办理期限不能早于今天（{today:%Y-%m-%d}）。"
    if missing:
        raise ValidationError(missing)

    from_state = item.state
    acting_department = None
    if name == "screen_out":
        item.screening_note = facts["remark"]
        item.concluded_on = today
    elif name == "screen_in":
        item.screening_note = facts["remark"]
    elif name == "assign":
        item.lead_department = department
        item.due_date = due_date
        item.assigned_on = today
        item.signed_on = None
        acting_department = department
    elif name == "withdraw":
        acting_department = item.lead_department
        item.lead_department = None
        item.due_date = None
        item.signed_on = None
    elif name == "sign":
        item.signed_on = today
        acting_department = item.lead_department
    elif name in ("start", "progress"):
        acting_department = item.lead_department
    elif name == "answer":
        item.answer = facts["answer"]
        item.answered_on = today
        acting_department = item.lead_department
    elif name in ("unsatisfied", "reopen"):
        item.round += 1
        item.due_date = due_date
        item.verdict = step.verdict
    elif step.target == S.CONCLUDED:
        item.verdict = step.verdict
        item.concluded_on = today
    item.state = step.target
    item.save()
    if name == "assign":
        item.co_departments.set([d for d in co_departments if d != department])
    elif name == "withdraw":
        item.co_departments.clear()
    ItemEvent.objects.create(
        item=item,
        action=step.name,
        action_label=step.label,
        from_state=from_state,
        to_state=step.target,
        actor=user,
        actor_name=getattr(user, "display_name", str(user)),
        department=acting_department,
        due_date=item.due_date if "due_date" in step.requires else None,
        remark=facts["answer"] if name == "answer" else facts["remark"],
        at=at,
    )
    return item


def record_submission(*, user, item: TrackedItem, at: datetime.datetime | None = None) -> None:
    """The first entry of an item's log: 录入 (``at``: when it was entered, if earlier than now)."""
    ItemEvent.objects.create(
        at=at or timezone.now(),
        item=item,
        action="submit",
        action_label="录入",
        from_state="",
        to_state=item.state,
        actor=user,
        actor_name=getattr(user, "display_name", str(user)),
    )

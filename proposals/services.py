"""Changes to consultations, meetings, departments and tracked items; the state moves only through lifecycle."""

from django.db import transaction

from registry.crud import scoped_create, scoped_delete, scoped_update

from . import lifecycle
from .choices import ItemState
from .models import Consultation, Decision, Department, Meeting, OpinionCategory, TrackedItem


# ---- district-wide lists: 承办单位, 社情民意类别 ----
def department_create(*, user, data: dict) -> Department:
    return scoped_create(user=user, model=Department, data=data)


def department_update(*, user, instance: Department, data: dict) -> Department:
    return scoped_update(user=user, instance=instance, data=data)


def department_delete(*, user, instance: Department) -> None:
    scoped_delete(user=user, instance=instance)


def opinion_category_create(*, user, data: dict) -> OpinionCategory:
    return scoped_create(user=user, model=OpinionCategory, data=data)


def opinion_category_update(*, user, instance: OpinionCategory, data: dict) -> OpinionCategory:
    return scoped_update(user=user, instance=instance, data=data)


def opinion_category_delete(*, user, instance: OpinionCategory) -> None:
    scoped_delete(user=user, instance=instance)


# ---- 专题协商会, 联席会议 ----
def consultation_create(*, user, data: dict) -> Consultation:
    return scoped_create(user=user, model=Consultation, data=data)


def consultation_update(*, user, instance: Consultation, data: dict) -> Consultation:
    return scoped_update(user=user, instance=instance, data=data)


def consultation_delete(*, user, instance: Consultation) -> None:
    scoped_delete(user=user, instance=instance)


def meeting_create(*, user, data: dict) -> Meeting:
    return scoped_create(user=user, model=Meeting, data=data)


def meeting_update(*, user, instance: Meeting, data: dict) -> Meeting:
    return scoped_update(user=user, instance=instance, data=data)


def meeting_delete(*, user, instance: Meeting) -> None:
    scoped_delete(user=user, instance=instance)


# ---- 建言, 社情民意, 议定事项 ----
def item_creator(model):
    """The create service of one kind: the record and its first log entry (录入) in one transaction
    (``at``: when it was entered, for records of the past such as the demo's)."""

    @transaction.atomic
    def create(*, user, data: dict, at=None) -> TrackedItem:
        data = dict(data)
        # a joint conference's decision is already agreed: it waits for 交办, not for 筛选
        if model is Decision:
            data["state"] = ItemState.ACCEPTED
        item = scoped_create(user=user, model=model, data=data)
        lifecycle.record_submission(user=user, item=item, at=at)
        return item

    create.__name__ = f"{model._meta.model_name}_create"
    return create


def item_update(*, user, instance: TrackedItem, data: dict) -> TrackedItem:
    """Edit what was reported (title, content, category, proposers…); state and 交办 facts go through lifecycle."""
    return scoped_update(user=user, instance=instance, data=data)


def item_delete(*, user, instance: TrackedItem) -> None:
    """Only an item still at 已提交 can be deleted: once screened, its history is the record."""
    from django.core.exceptions import ValidationError

    if instance.state != ItemState.SUBMITTED:
        raise ValidationError("事项已进入办理流程，不能删除；如需终止请“不予采纳”或“办结”。")
    scoped_delete(user=user, instance=instance)

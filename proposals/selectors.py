"""Reads of tracked items and what they hang on, each starting from what the user may view."""

from registry.scoping import restrict
from talents.models import Representative

from .models import Consultation, Decision, Department, ItemEvent, Meeting, Opinion, OpinionCategory, Proposal


def department_list(*, user):
    return restrict(Department.objects.all(), user, "view").prefetch_related("contacts")


def opinion_category_list(*, user):
    return restrict(OpinionCategory.objects.all(), user, "view")


def consultation_list(*, user):
    return (
        restrict(Consultation.objects.all(), user, "view")
        .select_related("region__parent")
        .prefetch_related("participants")
    )


def meeting_list(*, user):
    return restrict(Meeting.objects.all(), user, "view").select_related("region__parent").prefetch_related("attendees")


def _items(model, user):
    return (
        restrict(model.objects.all(), user, "view")
        .select_related(
            "region__parent", "lead_department", "category", "consultation", "meeting", "reporter", "reporter_liaison"
        )
        .prefetch_related("proposers", "co_departments")
    )


def proposal_list(*, user):
    return _items(Proposal, user)


def opinion_list(*, user):
    return _items(Opinion, user)


def decision_list(*, user):
    return _items(Decision, user)


def item_events(*, user, item):
    """The item's log, for whoever may see the item."""
    return ItemEvent.objects.filter(item=item).select_related("actor", "department").order_by("at", "pk")


def consultation_proposals(*, user, consultation):
    """The 建言 offered at a consultation that the user may see."""
    return proposal_list(user=user).filter(consultation=consultation).order_by("-submitted_on", "-pk")


def consultation_participants(*, user, consultation):
    """The consultation's participants among the people the user may see (a street sees its own)."""
    return (
        restrict(Representative.objects.all(), user, "view")
        .filter(consultations=consultation)
        .select_related("organization", "region__parent")
        .order_by("name_initials", "pk")
    )


def meeting_decisions(*, user, meeting):
    """The 议定事项 of a joint-conference meeting that the user may see."""
    return decision_list(user=user).filter(meeting=meeting).order_by("-submitted_on", "-pk")


def meeting_attendees(*, meeting):
    """The units at the meeting: the district's list, open to whoever sees the meeting."""
    return meeting.attendees.order_by("sort_order", "name", "pk")

"""Reads of tracked items and what they hang on, each starting from what the user may view."""

from django.db.models import Count
from django.urls import reverse

from registry.scoping import restrict
from registry.selectors import count_rows
from talents.models import Representative

from .choices import ItemState
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


# ---- 统计: items submitted in a period by category or state (the statistics workbook) ----
ITEM_LISTS = {"proposal": (Proposal, "proposals:proposal_list"), "opinion": (Opinion, "proposals:opinion_list")}


def item_breakdown(*, user, kind: str, by: str, region=None, date_from=None, date_to=None) -> list[dict]:
    """Proposals or opinions submitted from ``date_from`` to ``date_to`` in ``region``, per state or category.

    One query for the counts (and one for the categories). Each row carries the list query that shows its items.
    """
    model, url_name = ITEM_LISTS[kind]
    items = restrict(model.objects.all(), user, "view")
    base = {}
    if region is not None:
        items = items.filter(region__path__startswith=region.path)
        base["region"] = region.pk
    if date_from is not None:
        items = items.filter(submitted_on__gte=date_from)
        base["date_from"] = date_from.isoformat()
    if date_to is not None:
        items = items.filter(submitted_on__lte=date_to)
        base["date_to"] = date_to.isoformat()
    if by == "state":
        choices = list(ItemState.choices)
    else:
        choices = [(c.pk, c.name) for c in OpinionCategory.objects.order_by("sort_order", "name")]
    counts = dict(items.order_by().values_list(by).annotate(n=Count("pk")))
    list_url = reverse(url_name)
    rows = count_rows(counts=counts, choices=choices, list_url=list_url, params=base, by=by)
    if by == "category" and counts.get(None):
        rows.append({"value": None, "label": "未分类", "count": counts[None], "url": None})
    return rows

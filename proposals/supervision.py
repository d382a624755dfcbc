"""督办: what each user can act on now (the 工作台's 待办), and the 承办单位办理情况 table, each figure a list's count.

Every figure is counted from the item lists' own rows (the same selector and FilterSet) under the same
conditions the lists' filters apply, and links to that list with those filters: a number in a report
can always be opened, checked and exported.
"""

import copy
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone

from registry.navigation import MenuItem, register_menu, register_todo
from registry.scoping import has_model_permission, user_is_unrestricted
from registry.tables import Column, Table

from . import selectors
from .choices import ANSWERED_OR_LATER, SIGNED_OR_LATER, ItemKind, ItemState, Progress, Verdict
from .filters import DecisionFilter, OpinionFilter, ProposalFilter, TrackedItemFilter
from .models import Decision, Department, Opinion, Proposal, TrackedItem, due_within_condition, overdue_condition

KIND_MODELS = {ItemKind.PROPOSAL: Proposal, ItemKind.OPINION: Opinion, ItemKind.DECISION: Decision}
KIND_FILTERS = {ItemKind.PROPOSAL: ProposalFilter, ItemKind.OPINION: OpinionFilter, ItemKind.DECISION: DecisionFilter}
KIND_SELECTORS = {
    ItemKind.PROPOSAL: selectors.proposal_list,
    ItemKind.OPINION: selectors.opinion_list,
    ItemKind.DECISION: selectors.decision_list,
}
ALL_KINDS = "all"
KIND_NAMES = {ItemKind.PROPOSAL: "建言", ItemKind.OPINION: "社情民意", ItemKind.DECISION: "议定事项"}
KIND_CHOICES = [*((kind.value, name) for kind, name in KIND_NAMES.items()), (ALL_KINDS, "全部")]


def list_url(kind: str, params: dict) -> str:
    """The item list of ``kind`` with exactly these filters."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    base = reverse(f"proposals:{KIND_MODELS[kind]._meta.model_name}_list")
    return f"{base}?{query}" if query else base


def sees_as_contact(user) -> bool:
    """An account outside the region tree sees the items of its units (TrackedItemQuerySet.visible_to): a
    承办单位联络人's 待办, not the office's. Read from the account itself, without a query."""
    return not user_is_unrestricted(user) and getattr(user, "region_id", None) is None


# ---- 工作台: 督办 ----
@dataclass(frozen=True)
class Todo:
    """One line of the 待办: its label (with the kind's name), the list filters it opens and who sees it."""

    key: str
    label: str  # "{kind}" is replaced with the kind's name
    params: dict
    condition: object  # callable(today) → Q on TrackedItem, the same rows the params select on the list
    for_contact: bool  # a 承办单位联络人's line; else the line of staff who keep the items
    kinds: frozenset = field(default_factory=lambda: frozenset(KIND_MODELS))


TODOS = [
    Todo("to_sign", "{kind}待签收", {"state": ItemState.ASSIGNED}, lambda today: Q(state=ItemState.ASSIGNED), True),
    Todo("overdue_mine", "{kind}已逾期", {"overdue": "true"}, overdue_condition, True),
    Todo("due_soon", "{kind}7天内到期", {"due_soon": "true"}, lambda today: due_within_condition(7, today), True),
    Todo(
        "to_screen",
        "{kind}待筛选",
        {"state": ItemState.SUBMITTED},
        lambda today: Q(state=ItemState.SUBMITTED),
        False,
        frozenset({ItemKind.PROPOSAL, ItemKind.OPINION}),  # a decision is agreed at the meeting: no screening
    ),
    Todo("to_assign", "{kind}待交办", {"state": ItemState.ACCEPTED}, lambda today: Q(state=ItemState.ACCEPTED), False),
    Todo(
        "to_judge",
        "{kind}已答复待评价",
        {"state": ItemState.ANSWERED},
        lambda today: Q(state=ItemState.ANSWERED),
        False,
        frozenset({ItemKind.PROPOSAL}),
    ),
    Todo(
        "to_conclude",
        "{kind}已答复待办结",
        {"state": ItemState.ANSWERED},
        lambda today: Q(state=ItemState.ANSWERED),
        False,
        frozenset({ItemKind.OPINION, ItemKind.DECISION}),
    ),
    Todo("overdue_scope", "{kind}已逾期（督办）", {"overdue": "true"}, overdue_condition, False),
]


def _todo_lines(user) -> list[tuple[Todo, str]]:
    """The (line, kind) pairs this user is shown: a contact's for the kinds they view, staff's for those they keep."""
    contact = sees_as_contact(user)
    keeps = not contact  # as lifecycle: a unit's contact never screens or assigns
    lines = []
    for todo in TODOS:
        for kind, model in KIND_MODELS.items():
            if kind not in todo.kinds:
                continue
            shown = (
                contact and has_model_permission(user, model, "view")
                if todo.for_contact
                else keeps and has_model_permission(user, model, "change")
            )
            if shown:
                lines.append((todo, kind))
    return lines


def supervision_todos(user) -> list[dict]:
    """督办 on the 工作台: one aggregate over the items the user sees; each line opens its list, filtered alike."""
    if user is None or not user.is_authenticated:
        return []
    lines = _todo_lines(user)
    if not lines:
        return []
    today = timezone.localdate()
    counts = {f"{todo.key}_{kind}": Count("pk", filter=Q(kind=kind) & todo.condition(today)) for todo, kind in lines}
    figures = TrackedItem.objects.visible_to(user).aggregate(**counts)
    return [
        {
            "label": todo.label.format(kind=KIND_NAMES[kind]),
            "count": figures[f"{todo.key}_{kind}"],
            "url": list_url(kind, todo.params),
        }
        for todo, kind in lines
    ]


# ---- 承办单位办理情况 ----
@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    params: dict  # the list filters whose rows this figure counts (with department=…)
    condition: object  # callable(today) → Q on TrackedItem
    proposals_only: bool = False  # the verdicts: 建言人 judge a 建言's answer; other kinds are 办结 by the office


FIGURES = [
    Figure("assigned", "交办", {"assigned": "true"}, lambda today: Q()),
    Figure("signed", "已签收", {"progress": Progress.SIGNED}, lambda today: Q(state__in=SIGNED_OR_LATER)),
    Figure("answered", "已答复", {"progress": Progress.ANSWERED}, lambda today: Q(state__in=ANSWERED_OR_LATER)),
    Figure("concluded", "已办结", {"state": ItemState.CONCLUDED}, lambda today: Q(state=ItemState.CONCLUDED)),
    Figure("overdue", "当前逾期", {"overdue": "true"}, overdue_condition),
    Figure("satisfied", "满意", {"verdict": Verdict.SATISFIED}, lambda today: Q(verdict=Verdict.SATISFIED), True),
    Figure("basically", "基本满意", {"verdict": Verdict.BASICALLY}, lambda today: Q(verdict=Verdict.BASICALLY), True),
    Figure(
        "unsatisfied",
        "不满意（重新办理）",
        {"verdict": Verdict.UNSATISFIED},
        lambda today: Q(verdict=Verdict.UNSATISFIED),
        True,
    ),
]
# 交办 to 答复 in days, from the items' own dates (assigned_on, answered_on: Shanghai dates the life cycle
# writes): a reopened item counts from its first 交办 to its latest 答复, the whole time the proposer waited
ANSWER_DAYS = ("answer_days", "平均答复天数")
ANSWERED_WITH_DATES = Q(state__in=ANSWERED_OR_LATER, assigned_on__isnull=False, answered_on__isnull=False)


def figures_for(kind: str) -> list[Figure]:
    return [f for f in FIGURES if not f.proposals_only or kind in (ItemKind.PROPOSAL, ALL_KINDS)]


def on_relation(condition: Q, relation: str) -> Q:
    """``condition`` (on TrackedItem) read through ``relation`` from another model: state → led_items__state."""
    moved = copy.copy(condition)
    moved.children = [
        on_relation(child, relation) if isinstance(child, Q) else (f"{relation}__{child[0]}", child[1])
        for child in condition.children
    ]
    return moved


def days(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds() / 86400
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# the table's own parameters, not the lists' filters: the kind chooses the list, the rows are the departments
OWN_PARAMS = ("kind", "department", "page", "sort")


def list_filters(query) -> dict:
    """The list filters in ``query`` (a QueryDict or dict), one value each, without the table's own parameters."""
    return {key: query.get(key) for key in query if key not in OWN_PARAMS}


def figure_items(*, request, kind: str, data: dict):
    """(filterset, items) for ``kind`` (or all kinds) under the list filters ``data``: the lists' own rows;
    items is None when a filter cannot be read (the filterset says why)."""
    user = request.user
    if kind == ALL_KINDS:
        viewable = [k for k, model in KIND_MODELS.items() if has_model_permission(user, model, "view")]
        queryset = TrackedItem.objects.visible_to(user).filter(kind__in=viewable)
        filterset = TrackedItemFilter(data or None, queryset=queryset, request=request)
    else:
        queryset = KIND_SELECTORS[kind](user=user)
        filterset = KIND_FILTERS[kind](data or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.form.is_valid():
        return filterset, None
    return filterset, filterset.qs


def department_figures(*, user, items, kind: str, today=None):
    """Each 承办单位 with its figures over ``items``: one query (the items are a subquery, not a query per unit).

    The units listed: the active ones and any that holds one of the items; a 承办单位联络人 sees their own.
    """
    today = today or timezone.localdate()
    scope = Q(led_items__in=items.values("pk"))
    annotations = {
        figure.key: Count("led_items", filter=scope & on_relation(figure.condition(today), "led_items"))
        for figure in figures_for(kind)
    }
    annotations[ANSWER_DAYS[0]] = Avg(
        F("led_items__answered_on") - F("led_items__assigned_on"),
        filter=scope & on_relation(ANSWERED_WITH_DATES, "led_items"),
    )
    units = Department.objects.filter(Q(is_active=True) | Q(pk__in=items.values("lead_department")))
    if sees_as_contact(user):
        units = units.filter(pk__in=Department.objects.filter(contacts=user).values("pk"))
    return units.annotate(**annotations).order_by("sort_order", "name", "pk")


def figures_total(*, items, kind: str, today=None) -> dict:
    """The table's 合计 row, from the items themselves (the lists without department=…)."""
    today = today or timezone.localdate()
    annotations = {
        figure.key: Count("pk", filter=Q(lead_department__isnull=False) & figure.condition(today))
        for figure in figures_for(kind)
    }
    annotations[ANSWER_DAYS[0]] = Avg(
        F("answered_on") - F("assigned_on"), filter=Q(lead_department__isnull=False) & ANSWERED_WITH_DATES
    )
    return TrackedItem.objects.filter(pk__in=items.values("pk")).aggregate(**annotations)


def figures_table(kind: str) -> Table:
    """The one column spec of the table: the page, the export and the API read it."""
    columns = [Column("name", "承办单位", width=22)]
    columns += [Column(f.key, f.label, numeric=True, width=10) for f in figures_for(kind)]
    columns.append(Column(ANSWER_DAYS[0], ANSWER_DAYS[1], accessor=lambda d: days(d.answer_days), numeric=True))
    return Table(columns=columns, default_order=("sort_order", "name", "pk"))


def figure_rows(*, departments, total: dict, kind: str, data: dict) -> dict:
    """The page's rows: every count links to its list (department=… and the figure's filters), 全部 links nowhere."""
    figures = figures_for(kind)

    def cells(values: dict, department_pk=None) -> list[dict]:
        result = []
        for figure in figures:
            url = None
            if kind != ALL_KINDS:
                params = {**data, **figure.params}
                if department_pk is not None:
                    params.pop("assigned", None)  # a 主办单位 is itself the 交办
                    params["department"] = department_pk
                url = list_url(kind, params)
            result.append({"value": values[figure.key], "url": url})
        result.append({"value": days(values[ANSWER_DAYS[0]]), "url": None})
        return result

    keys = [*(f.key for f in figures), ANSWER_DAYS[0]]
    rows = [
        {
            "department": department,
            "cells": cells({key: getattr(department, key) for key in keys}, department.pk),
        }
        for department in departments
    ]
    return {
        "headers": ["承办单位", *(f.label for f in figures), ANSWER_DAYS[1]],
        "rows": rows,
        "total": cells(total),
    }


def register() -> None:
    register_menu(
        "proposals",
        "建言与督办",
        45,
        MenuItem("承办单位办理情况", "proposals:department_figures", "proposals.view_department", order=65),
    )
    register_todo(40, supervision_todos)

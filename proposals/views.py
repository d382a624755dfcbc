"""Pages of tracked items beyond the generic ones: the item with its log and its next steps, and a transition."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from registry.forms import add_service_errors
from registry.scoping import has_model_permission, user_is_unrestricted
from registry.tables import display_text
from registry.views.generic import ObjectDetailView, section

from . import lifecycle, selectors
from .choices import ItemKind, ItemState
from .forms import TransitionForm
from .models import Decision, Opinion, Proposal, TrackedItem
from .tables import (
    ATTENDEE_TABLE,
    HANDLING_FIELDS,
    MEETING_DECISION_TABLE,
    PARTICIPANT_TABLE,
    PROPOSAL_TABLE,
    STATE_COLOURS,
    state_colour,
)

KIND_MODELS = {ItemKind.PROPOSAL: Proposal, ItemKind.OPINION: Opinion, ItemKind.DECISION: Decision}
S = ItemState


def _add_url(user, model, **preset) -> str | None:
    """The create form of ``model`` with ``preset`` filled in (ObjectFormView reads ?field=value), if permitted."""
    if not has_model_permission(user, model, "add"):
        return None
    return f"{reverse(f'proposals:{model._meta.model_name}_create')}?{urlencode(preset)}"


class ConsultationDetailView(ObjectDetailView):
    """专题协商会: who took part and the 建言 offered there, with 添加建言 preset to this consultation."""

    def related_sections(self, obj):
        user = self.request.user
        proposals = section(
            "建言",
            PROPOSAL_TABLE,
            selectors.consultation_proposals(user=user, consultation=obj),
            user,
            add_url=_add_url(user, Proposal, consultation=obj.pk, region=obj.region_id),
            empty="尚未录入本次协商会的建言。",
        )
        proposals.update(add_label="添加建言", testid="consultation-proposals", cards_on_phone=True)
        participants = section(
            "参加人员",
            PARTICIPANT_TABLE,
            selectors.consultation_participants(user=user, consultation=obj),
            user,
            empty="未登记参加人员（或不在您的管辖区域内）。",
        )
        participants.update(testid="consultation-participants", cards_on_phone=True)
        return [proposals, participants]


class MeetingDetailView(ObjectDetailView):
    """联席会议: the units that attended and the 议定事项 it agreed, with 添加议定事项 preset to this meeting."""

    def related_sections(self, obj):
        user = self.request.user
        decisions = section(
            "议定事项",
            MEETING_DECISION_TABLE,
            selectors.meeting_decisions(user=user, meeting=obj),
            user,
            add_url=_add_url(user, Decision, meeting=obj.pk, region=obj.region_id),
            empty="尚未录入本次会议的议定事项。",
        )
        decisions.update(add_label="添加议定事项", testid="meeting-decisions", cards_on_phone=True)
        attendees = section(
            "出席单位", ATTENDEE_TABLE, selectors.meeting_attendees(meeting=obj), user, empty="未登记出席单位。"
        )
        attendees.update(testid="meeting-attendees", cards_on_phone=True)
        return [decisions, attendees]


class ItemDetailView(ObjectDetailView):
    """An item as a case file: what was reported, where it stands and until when, what the user can do next,
    the answer, and every step with who took it."""

    template_name = "proposals/item_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = context["object"]
        user = self.request.user
        clear = False
        days_left = (item.due_date - timezone.localdate()).days if item.due_date else None
        context.update(
            transitions=lifecycle.allowed(user, item),
            state_colour=state_colour(item),
            days_left=days_left,
            overdue_days=-days_left if item.is_overdue else None,
            open_at_department=item.is_overdue or item.state in (S.ASSIGNED, S.SIGNED, S.HANDLING),
            origin=self._origin(item, user),
            handling_rows=[
                {"label": column.label, "text": text}
                for column in HANDLING_FIELDS
                if (text := column.text(item, clear_personal=clear))
            ],
            timeline=self._timeline(item, user),
            # an outside unit's contact follows the item by its log; the edit history (staff names, addresses)
            # is the keepers' own
            show_history=not lifecycle.is_department_contact(user) or user_is_unrestricted(user),
        )
        if item.state != S.SUBMITTED:
            # once screened, the log is the record: services.item_delete refuses, so the page does not offer it
            context["delete_url"] = None
        return context

    @staticmethod
    def _origin(item, user) -> dict | None:
        """The consultation or meeting the item came from, linked when the user may open it."""
        parent = item.consultation if item.consultation_id else item.meeting if item.meeting_id else None
        if parent is None:
            return None
        model = type(parent)
        url = None
        if has_model_permission(user, model, "view") and model.objects.visible_to(user).filter(pk=parent.pk).exists():
            url = reverse(f"proposals:{model._meta.model_name}_detail", args=[parent.pk])
        return {"label": model._meta.verbose_name, "text": str(parent), "url": url}

    @staticmethod
    def _timeline(item, user) -> list[dict]:
        return [
            {
                "label": event.action_label,
                "state": event.get_to_state_display(),
                "colour": STATE_COLOURS.get(event.to_state, "secondary"),
                "at": display_text(event.at),
                "actor": event.actor_name,
                "department": event.department.name if event.department_id else "",
                "due_date": display_text(event.due_date),
                "remark": event.remark,
                "is_answer": event.action == "answer",
            }
            for event in selectors.item_events(user=user, item=item)
        ]


def _visible_item(user, pk):
    kind = TrackedItem.objects.filter(pk=pk).values_list("kind", flat=True).first()
    model = KIND_MODELS.get(kind)
    item = model.objects.visible_to(user).filter(pk=pk).first() if model else None
    if item is None:
        raise Http404("记录不存在或不在您的管辖区域内。")
    return item


def _url(item, suffix: str) -> str:
    name = item._meta.model_name
    return reverse(f"proposals:{name}_{suffix}", args=[item.pk] if suffix == "detail" else [])


def item_transition_view(request, pk: int, name: str):
    """One step of the life cycle: the facts it needs, then lifecycle.transition (or its refusal)."""
    item = _visible_item(request.user, pk)
    step = lifecycle.BY_NAME.get(name)
    if step is None:
        raise Http404("没有这个办理环节。")
    form = TransitionForm(request.POST if request.method == "POST" else None, step=step)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                lifecycle.transition(
                    user=request.user,
                    item=item,
                    name=name,
                    remark=data.get("remark", ""),
                    department=data.get("department"),
                    co_departments=data.get("co_departments") or (),
                    due_date=data.get("due_date"),
                    answer=data.get("answer", ""),
                )
            except PermissionDenied:
                raise
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已{step.label}：{item}。")
                return redirect(_url(item, "detail"))
        status = 400
    elif step not in lifecycle.allowed(request.user, item):
        # say why at once rather than after the form is filled in
        try:
            lifecycle.check_allowed(request.user, item, step)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_url(item, "detail"))
    return render(
        request,
        "proposals/item_transition.html",
        {
            "form": form,
            "object": item,
            "step": step,
            # the verdict and 办结 steps judge the answer: it is on the page they are taken from
            "show_answer": bool(item.answer) and item.state == S.ANSWERED,
            "title": f"{step.label}：{item}",
            "detail_url": _url(item, "detail"),
            "list_url": _url(item, "list"),
        },
        status=status,
    )

"""Pages of the activities app that do more than the generic ones: the activity with its participants, and
登记参与人员 (several participants at once)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from registry.views.generic import NOT_FOUND_MESSAGE, ObjectDetailView, section

from . import selectors, services
from .forms import ParticipantsAddForm
from .models import Activity
from .tables import ACTIVITY_PARTICIPANT_TABLE


def _may_add_participants(user, activity) -> bool:
    return (
        user.has_perm("activities.add_participation")
        and Activity.objects.restrict(user, "change").filter(pk=activity.pk).exists()
    )


class ActivityDetailView(ObjectDetailView):
    def related_sections(self, obj):
        user = self.request.user
        participants = selectors.participation_list(user=user).filter(activity=obj).order_by("pk")
        named, hours = obj.named_figures()
        return [
            section(
                f"参与人员（具名{named}人，{hours.normalize():f}小时；登记人次{obj.headcount}）",
                ACTIVITY_PARTICIPANT_TABLE,
                participants,
                user,
                add_url=reverse("activities:participants_add", args=[obj.pk])
                if _may_add_participants(user, obj)
                else None,
                empty="尚未具名登记参与人员（大型活动可只填写人次等统计数）。",
            )
        ]


class _Refused(Exception):
    """Some row broke a rule: undo the rows already saved in this transaction."""


class ParticipantsAddView(View):
    """登记参与人员: the pool's people and outside names with one role and hours, all saved or none."""

    template_name = "activities/participants_add.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("activities.add_participation"):
            raise PermissionDenied("您没有新增“参与人员”的权限。")
        # only the region that holds the activity keeps its participants; any other activity does not exist here
        try:
            self.activity = Activity.objects.restrict(request.user, "change").get(pk=kwargs["pk"])
        except Activity.DoesNotExist as error:
            raise Http404(NOT_FOUND_MESSAGE) from error
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        form = ParticipantsAddForm(user=request.user, activity=self.activity)
        return self.render(form)

    def post(self, request, pk):
        form = ParticipantsAddForm(request.POST, user=request.user, activity=self.activity)
        if not form.is_valid():
            return self.render(form, status=400)
        rows = form.rows()
        refused = []
        try:
            with transaction.atomic():
                for row in rows:
                    try:
                        services.participation_create(user=request.user, data=row)
                    except ValidationError as error:
                        refused.append({"name": _row_name(row), "reasons": _reasons(error)})
                if refused:
                    raise _Refused
        except _Refused:
            return self.render(form, status=400, refused=refused)
        messages.success(request, f"已登记{len(rows)}名参与人员：{'、'.join(_row_name(row) for row in rows)}。")
        return redirect("activities:activity_detail", pk=self.activity.pk)

    def render(self, form, *, status=200, refused=()):
        activity = self.activity
        named, hours = activity.named_figures()
        context = {
            "title": "登记参与人员",
            "activity": activity,
            "form": form,
            "refused": refused,
            "named": named,
            "named_hours": hours,
            "activity_url": reverse("activities:activity_detail", args=[activity.pk]),
            "single_url": f"{reverse('activities:participation_create')}?activity={activity.pk}",
        }
        return render(self.request, self.template_name, context, status=status)


def _row_name(row: dict) -> str:
    person = row.get("representative")
    return person.name if person is not None else row["name"]


def _reasons(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)

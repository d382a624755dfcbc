"""Pages of tracked items beyond the generic ones: the item with its log and its next steps, and a transition."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from registry.views.generic import ObjectDetailView, section

from . import lifecycle, selectors
from .choices import ItemKind
from .forms import TransitionForm
from .models import Decision, Opinion, Proposal, TrackedItem
from .tables import EVENT_TABLE

KIND_MODELS = {ItemKind.PROPOSAL: Proposal, ItemKind.OPINION: Opinion, ItemKind.DECISION: Decision}


class ItemDetailView(ObjectDetailView):
    template_name = "proposals/item_detail.html"

    def related_sections(self, obj):
        user = self.request.user
        return [
            section("办理记录", EVENT_TABLE, selectors.item_events(user=user, item=obj), user, empty="尚无办理记录。")
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["transitions"] = lifecycle.allowed(self.request.user, context["object"])
        return context


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
                _add_errors(form, error)
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
            "title": f"{step.label}：{item}",
            "detail_url": _url(item, "detail"),
            "list_url": _url(item, "list"),
        },
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)

"""Pages and API of 志愿服务记录证明: the issue form on a person, the printable certificate, the person page's block."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from registry.api import ModelPermissions, ScopedModelSerializer, ScopedViewSet
from registry.choices import AccessAction
from registry.forms import DateInput, add_service_errors, refuse_control_characters
from registry.personal import can_see_personal, mask_value, personal_kind, personal_labels, record_access
from registry.scoping import has_model_permission
from registry.views.generic import NOT_FOUND_MESSAGE, ModelPermissionMixin, get_restricted_or_404, section
from talents.models import Representative

from . import certificates
from .models import VolunteerCertificate

ISSUE_LABEL = "开具志愿服务记录证明"


class CertificateIssueForm(forms.Form):
    period_from = forms.DateField(
        label="记录起始日期",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "记录起始日期请填写有效日期，例如 2025-01-01。"},
        help_text="留空：从最早的记录开始。按活动开始日期（北京时间）计。",
    )
    period_to = forms.DateField(
        label="记录截止日期",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "记录截止日期请填写有效日期，例如 2025-12-31。"},
        help_text="留空：到出具之日。",
    )
    issuing_unit = forms.CharField(
        label="出具单位",
        max_length=100,
        error_messages={"required": "请填写出具单位。", "max_length": "出具单位不能超过%(limit_value)d个字。"},
        help_text="按您的管辖区域预填，可修改，例如“龙华区委统战部”“民治街道办事处”。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self.fields["issuing_unit"], "出具单位")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "记录截止日期不能早于起始日期。")
        return cleaned


def _person_or_404(user, pk):
    try:
        return Representative.objects.visible_to(user).get(pk=pk)
    except Representative.DoesNotExist as error:
        raise Http404(NOT_FOUND_MESSAGE) from error


class CertificateIssueView(ModelPermissionMixin, TemplateView):
    """开具: the period and the issuing unit, the records the certificate will list, then the certificate."""

    model = VolunteerCertificate
    action = "add"
    template_name = "activities/certificate_issue.html"

    def get(self, request, *args, **kwargs):
        person = _person_or_404(request.user, kwargs["representative_pk"])
        unit = certificates.default_issuing_unit(user=request.user, representative=person)
        return self.render_form(person, CertificateIssueForm(initial={"issuing_unit": unit}))

    def post(self, request, *args, **kwargs):
        person = _person_or_404(request.user, kwargs["representative_pk"])
        form = CertificateIssueForm(request.POST)
        if form.is_valid():
            try:
                certificate = certificates.certificate_issue(
                    user=request.user, representative=person, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已开具志愿服务记录证明“{certificate.number}”。")
                return redirect("activities:volunteercertificate_detail", certificate.pk)
        return self.render_form(person, form, status=400)

    def render_form(self, person, form, status=200):
        recorded = list(certificates.certified_participations(user=self.request.user, representative=person))
        context = self.get_context_data(
            person=person,
            form=form,
            title=f"{ISSUE_LABEL}：{person.name}",
            recorded_count=len(recorded),
            recorded_hours=sum(p.hours for p in recorded),
            cancel_url=reverse("talents:representative_detail", args=[person.pk]),
        )
        return self.render_to_response(context, status=status)


class CertificateDetailView(ModelPermissionMixin, TemplateView):
    """The certificate as printed on A4. Its ID number is clear only for holders of the personal-data
    permission, and then each showing is an AccessLog row, like any other clear value."""

    model = VolunteerCertificate
    template_name = "activities/certificate_detail.html"

    def selector(self, *, user):
        return certificates.certificate_list(user=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = get_restricted_or_404(self.selector(user=self.request.user), self.request.user, "view", kwargs)
        clear = can_see_personal(self.request.user)
        if clear and certificate.id_number:
            record_access(
                request=self.request,
                action=AccessAction.REVEAL,
                target=certificate,
                fields=personal_labels(VolunteerCertificate, ["id_number"]),
                detail={"via": "certificate"},
            )
        context.update(
            {
                "object": certificate,
                "certificate": certificate,
                "title": f"志愿服务记录证明 {certificate.number}",
                # masked as the model declares its personal fields, like every page
                "id_number": certificate.id_number
                if clear
                else mask_value(personal_kind(VolunteerCertificate, "id_number"), certificate.id_number),
                "id_number_clear": clear,
                "list_url": reverse("activities:volunteercertificate_list"),
                "person_url": reverse("talents:representative_detail", args=[certificate.representative_id]),
            }
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("id_number_clear"):
            response["Cache-Control"] = "no-store"  # a page with a clear ID number stays out of caches
        return response


# ---- the person's page (talents does not know this app: registry.navigation.register_detail_section) ----
def person_certificates_section(person, user):
    if not has_model_permission(user, VolunteerCertificate, "view"):
        return None
    issue_url = None
    if has_model_permission(user, VolunteerCertificate, "add") and not person.is_merged:
        issue_url = reverse("activities:volunteercertificate_issue", args=[person.pk])
    block = section(
        "志愿服务记录证明",
        certificates.PERSON_CERTIFICATE_TABLE,
        certificates.certificates_of(user=user, representative=person).order_by("-issued_at", "-pk"),
        user,
        add_url=issue_url,
        empty="尚未开具志愿服务记录证明。",
    )
    block["add_label"] = ISSUE_LABEL
    return block


# ---- API: read-only ----
class VolunteerCertificateSerializer(ScopedModelSerializer):
    issued_by_name = serializers.CharField(source="issued_by.display_name", read_only=True)
    period = serializers.CharField(source="period_display", read_only=True)

    class Meta:
        model = VolunteerCertificate
        fields = [
            "id",
            "number",
            "representative",
            "volunteer_name",
            "id_number",
            "issuing_unit",
            "issued_at",
            "issued_by_name",
            "period_from",
            "period_to",
            "period",
            "activity_count",
            "total_hours",
            "activities",
        ]
        read_only_fields = fields


class ViewCertificatePermission(ModelPermissions):
    """Every method needs only view: the viewset itself refuses writes, after a 404 for what the user cannot see."""

    perms_map = dict.fromkeys(ModelPermissions.perms_map, ModelPermissions.perms_map["GET"])


FROZEN_MESSAGE = "志愿服务记录证明出具后不能修改或删除；如有错误，请重新开具。"


class VolunteerCertificateViewSet(ScopedViewSet):
    """志愿服务记录证明（只读）：在代表人士页面开具，出具后不能修改。"""

    permission_classes = [permissions.IsAuthenticated, ViewCertificatePermission]
    action_permissions = {}  # find the record among what the user may view: outside it is a 404 first

    def create(self, request, *args, **kwargs):
        raise ApiPermissionDenied("志愿服务记录证明请在代表人士页面开具。")

    def update(self, request, *args, **kwargs):
        self.get_object()
        raise ApiPermissionDenied(FROZEN_MESSAGE)

    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise ApiPermissionDenied(FROZEN_MESSAGE)

"""Serializers of the tracked-items API: the form's field list, written once; state and 交办 facts read-only."""

from rest_framework import serializers

from registry.api import ScopedModelSerializer

from .. import lifecycle
from ..forms import (
    ConsultationForm,
    DecisionForm,
    DepartmentForm,
    MeetingForm,
    OpinionCategoryForm,
    OpinionForm,
    ProposalForm,
)
from ..models import Consultation, Decision, Department, Meeting, Opinion, OpinionCategory, Proposal

ITEM_READ_ONLY = [
    "state",
    "state_display",
    "is_overdue",
    "lead_department",
    "co_departments",
    "due_date",
    "assigned_on",
    "signed_on",
    "answer",
    "answered_on",
    "verdict",
    "round",
    "screening_note",
    "concluded_on",
]


class DepartmentSerializer(ScopedModelSerializer):
    class Meta:
        model = Department
        fields = ["id", *DepartmentForm.Meta.fields]


class OpinionCategorySerializer(ScopedModelSerializer):
    class Meta:
        model = OpinionCategory
        fields = ["id", *OpinionCategoryForm.Meta.fields]


class ConsultationSerializer(ScopedModelSerializer):
    class Meta:
        model = Consultation
        fields = ["id", *ConsultationForm.Meta.fields]


class MeetingSerializer(ScopedModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", *MeetingForm.Meta.fields]


class _ItemSerializer(ScopedModelSerializer):
    state_display = serializers.CharField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)


class ProposalSerializer(_ItemSerializer):
    class Meta:
        model = Proposal
        fields = ["id", *ProposalForm.Meta.fields, *ITEM_READ_ONLY]
        read_only_fields = ITEM_READ_ONLY


class OpinionSerializer(_ItemSerializer):
    class Meta:
        model = Opinion
        fields = ["id", *OpinionForm.Meta.fields, *ITEM_READ_ONLY]
        read_only_fields = ITEM_READ_ONLY


class DecisionSerializer(_ItemSerializer):
    class Meta:
        model = Decision
        fields = ["id", *DecisionForm.Meta.fields, *ITEM_READ_ONLY]
        read_only_fields = ITEM_READ_ONLY


class TransitionInputSerializer(serializers.Serializer):
    name = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in lifecycle.TRANSITIONS],
        label="办理环节",
        error_messages={"invalid_choice": "没有名为“{input}”的办理环节。"},
    )
    remark = serializers.CharField(required=False, allow_blank=True, label="说明")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True, label="主办单位"
    )
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), many=True, required=False, label="协办单位"
    )
    due_date = serializers.DateField(required=False, allow_null=True, label="办理期限")
    answer = serializers.CharField(required=False, allow_blank=True, label="答复内容")

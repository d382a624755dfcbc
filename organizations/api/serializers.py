"""API representations of the organizations app."""

from rest_framework import serializers

from registry.api import ScopedModelSerializer

from ..forms import (
    AssignmentForm,
    LiaisonForm,
    OrganizationForm,
    PairingForm,
    PartyOrganizationForm,
    SurveyForm,
    VenueForm,
)
from ..models import AnnualSurvey, Assignment, Industry, Liaison, Organization, Pairing, PartyOrganization, Venue


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "name", "sort_order", "is_active"]


class OrganizationSerializer(ScopedModelSerializer):
    region_name = serializers.CharField(source="region.label", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None, allow_null=True)
    staff = serializers.IntegerField(read_only=True, help_text="最新摸底调查的从业人员数")
    party_members = serializers.IntegerField(read_only=True, help_text="最新摸底调查的正式党员数")
    mobile_members = serializers.IntegerField(read_only=True)
    org_covered = serializers.BooleanField(read_only=True, help_text="组织覆盖")
    work_covered = serializers.BooleanField(read_only=True, help_text="工作覆盖")

    class Meta:
        model = Organization
        fields = [
            "id",
            *OrganizationForm.Meta.fields,
            "region_name",
            "industry_name",
            "staff",
            "party_members",
            "mobile_members",
            "org_covered",
            "work_covered",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class AnnualSurveySerializer(ScopedModelSerializer):
    class Meta:
        model = AnnualSurvey
        fields = ["id", *SurveyForm.Meta.fields]


class PartyOrganizationSerializer(ScopedModelSerializer):
    organizations = serializers.PrimaryKeyRelatedField(many=True, queryset=Organization.objects.all(), required=False)
    covered_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", *PartyOrganizationForm.Meta.fields, "covered_count"]


class LiaisonSerializer(ScopedModelSerializer):
    active_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Liaison
        fields = ["id", *LiaisonForm.Meta.fields, "active_count"]


class AssignmentSerializer(ScopedModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", *AssignmentForm.Meta.fields, "is_active"]


class PairingSerializer(ScopedModelSerializer):
    class Meta:
        model = Pairing
        fields = ["id", *PairingForm.Meta.fields]


class VenueSerializer(ScopedModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", *VenueForm.Meta.fields]

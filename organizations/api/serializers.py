"""API representations of the organizations app."""

from rest_framework import serializers

from registry.api import ScopedModelSerializer

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
            "name",
            "credit_code",
            "kind",
            "status",
            "region",
            "region_name",
            "industry",
            "industry_name",
            "registration_authority",
            "registration_date",
            "supervising_unit",
            "legal_representative",
            "contact_phone",
            "address",
            "is_hub",
            "is_flagship",
            "on_abnormal_list",
            "rating",
            "rating_year",
            "honour_level",
            "honour_year",
            "venture_list",
            "remarks",
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
        fields = [
            "id",
            "organization",
            "year",
            "staff_count",
            "party_member_count",
            "probationary_member_count",
            "mobile_party_member_count",
            "surveyed_on",
        ]


class PartyOrganizationSerializer(ScopedModelSerializer):
    organizations = serializers.PrimaryKeyRelatedField(many=True, queryset=Organization.objects.all(), required=False)
    covered_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartyOrganization
        fields = [
            "id",
            "name",
            "kind",
            "tier",
            "parent",
            "region",
            "industry",
            "organizations",
            "secretary",
            "member_count",
            "founded_date",
            "remarks",
            "covered_count",
        ]


class LiaisonSerializer(ScopedModelSerializer):
    active_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Liaison
        fields = [
            "id",
            "name",
            "gender",
            "mobile",
            "work_unit",
            "post",
            "is_party_member",
            "region",
            "remarks",
            "active_count",
        ]


class AssignmentSerializer(ScopedModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "liaison", "organization", "role", "start_date", "end_date", "remarks", "is_active"]


class PairingSerializer(ScopedModelSerializer):
    class Meta:
        model = Pairing
        fields = ["id", "party_organization", "partner_name", "partner_kind", "since", "content", "is_active"]


class VenueSerializer(ScopedModelSerializer):
    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "region",
            "operating_organization",
            "address",
            "floor_area",
            "opened_date",
            "has_site",
            "has_sign",
            "has_rules",
            "has_team",
            "has_activities",
            "has_records",
            "remarks",
        ]

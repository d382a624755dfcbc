"""API representations of the representative pool: the same masking of ID numbers and mobiles as the pages."""

from rest_framework import serializers

from registry.api import ScopedModelSerializer

from ..choices import PoolLevel, PoolStatus
from ..forms import EvaluationForm, MembershipForm, NominationForm, RepresentativeForm, ServiceGroupForm, TrainingForm
from ..models import (
    Attendance,
    Evaluation,
    Membership,
    Nomination,
    Representative,
    ServiceGroup,
    Specialty,
    StatusChange,
    Training,
)


class SpecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ["id", "name", "sort_order", "is_active"]


class CurrentRoleSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role_display", read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "role", "kind", "level", "year", "body", "post", "term_end"]


class RepresentativeSerializer(ScopedModelSerializer):
    region_name = serializers.CharField(source="region.label", read_only=True)
    organization_display = serializers.CharField(read_only=True, help_text="所在社会组织名称或名录外单位名称")
    age = serializers.IntegerField(read_only=True, allow_null=True)
    specialties = serializers.PrimaryKeyRelatedField(many=True, queryset=Specialty.objects.all(), required=False)
    status_display = serializers.CharField(read_only=True)
    # read-only codes as plain strings: the one enum of pool states is the status action's input
    status = serializers.CharField(read_only=True, help_text="入库状态代码（变更请用 …/status/）")
    level = serializers.CharField(read_only=True, help_text="入库级别代码：city 市级，district 区级")

    class Meta:
        model = Representative
        fields = [
            "id",
            *RepresentativeForm.Meta.fields,
            "age",
            "organization_display",
            "region_name",
            "status",
            "level",
            "status_date",
            "status_display",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "level", "status_date", "merged_into", "created_at", "updated_at"]


class RepresentativeDetailSerializer(RepresentativeSerializer):
    current_roles = serializers.SerializerMethodField(help_text="现任公职：当选或任职且任期未满的推荐")

    class Meta(RepresentativeSerializer.Meta):
        fields = [*RepresentativeSerializer.Meta.fields, "current_roles"]

    def get_current_roles(self, obj) -> list[dict]:
        return CurrentRoleSerializer(Nomination.objects.current().filter(representative=obj), many=True).data


class StatusChangeInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=PoolStatus.choices, label="新状态")
    level = serializers.ChoiceField(choices=PoolLevel.choices, required=False, allow_blank=True, label="入库级别")
    changed_on = serializers.DateField(required=False, label="变更日期（默认今天）")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, label="说明")


class StatusChangeSerializer(ScopedModelSerializer):
    changed_by = serializers.CharField(source="changed_by_display", read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True)

    class Meta:
        model = StatusChange
        fields = ["id", "representative", "from_status", "to_status", "level", "changed_on", "changed_by", "note"]


class EvaluationSerializer(ScopedModelSerializer):
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", *EvaluationForm.Meta.fields, "total"]


class NominationSerializer(ScopedModelSerializer):
    is_current = serializers.BooleanField(read_only=True)
    role_display = serializers.CharField(read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", *NominationForm.Meta.fields, "is_current", "role_display"]


class TrainingSerializer(ScopedModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Representative.objects.all(),
        required=False,
        help_text="参训人员（只列出并只改动您管辖区域内的人员）",
    )
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = ["id", *TrainingForm.Meta.fields, "attendees", "attendee_count"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "attendees" in getattr(instance, "_prefetched_objects_cache", {}):
            return data  # prefetched by the viewset with registry.scoping.scoped_prefetch: already scoped
        # only the attendees the requester may see: others' names are their street's business
        visible = set(
            Attendance.objects.visible_to(self._user)
            .filter(training=instance)
            .values_list("representative_id", flat=True)
        )
        data["attendees"] = [pk for pk in data.get("attendees", []) if pk in visible]
        return data


class ServiceGroupSerializer(ScopedModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ServiceGroup
        fields = ["id", *ServiceGroupForm.Meta.fields, "member_count"]


class MembershipSerializer(ScopedModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", *MembershipForm.Meta.fields]

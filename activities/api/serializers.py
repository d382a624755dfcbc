"""Serializers of the activities API: the form's field list, written once."""

from rest_framework import serializers

from registry.api import ScopedModelSerializer

from ..forms import ActivityForm, ActivityThemeForm, ParticipationForm
from ..models import Activity, ActivityTheme, Participation


class ActivityThemeSerializer(ScopedModelSerializer):
    class Meta:
        model = ActivityTheme
        fields = ["id", *ActivityThemeForm.Meta.fields]


class ActivitySerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(read_only=True, help_text="活动类型（主题党日含其类型）")
    region_name = serializers.CharField(source="region.label", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", *ActivityForm.Meta.fields, "kind_display", "region_name", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class ParticipationSerializer(ScopedModelSerializer):
    display_name = serializers.CharField(read_only=True, help_text="姓名（库内人员取代表人士姓名）")

    class Meta:
        model = Participation
        fields = ["id", *ParticipationForm.Meta.fields, "display_name"]

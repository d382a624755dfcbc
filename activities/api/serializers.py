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


class ActivityFiguresSerializer(serializers.Serializer):
    """月度统计: the figures of the held activities the list shows for the same filters."""

    period = serializers.CharField(help_text="统计时段，如“2022年3月”")
    place = serializers.CharField(help_text="统计区域，如“观澜街道”“全区”")
    kind_label = serializers.CharField(help_text="活动类型，如“志愿服务”；全部类型为“各类活动”")
    activities = serializers.IntegerField(help_text="已开展的活动场次")
    organizations = serializers.IntegerField(help_text="组织这些活动的社会组织家数（去重，只计统计区域内的）")
    headcount = serializers.IntegerField(help_text="参与人次合计")
    service_hours = serializers.DecimalField(max_digits=16, decimal_places=1, help_text="服务时长合计（小时）")
    beneficiaries = serializers.IntegerField(help_text="受益人次合计")
    donation_amount = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="捐赠金额合计（元）")
    goods_value = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="物资折价合计（元）")
    sentence = serializers.CharField(help_text="简报口径的一句话")
    list_url = serializers.CharField(help_text="这些活动的清单页面（同样的筛选条件加状态“已开展”）")

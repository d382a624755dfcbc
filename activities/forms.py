"""Forms of the activities app; their Meta.fields are the field lists the API and admin reuse."""

from django import forms
from django.utils import timezone

from registry.choices import RegionLevel
from registry.forms import ScopedModelForm
from talents.models import Representative

from .models import Activity, ActivityTheme, Participation


class ActivityThemeForm(ScopedModelForm):
    class Meta:
        model = ActivityTheme
        fields = ["name", "sort_order", "is_active"]


class ActivityForm(ScopedModelForm):
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)
    picker_fields = ("organizations", "covered_regions", "venue", "themes")

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "party_day_kind",
            "themes",
            "status",
            "start_at",
            "end_at",
            "place",
            "region",
            "covered_regions",
            "organizations",
            "venue",
            "team",
            "headcount",
            "service_hours",
            "beneficiaries",
            "donation_amount",
            "goods_value",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = ActivityTheme.objects.filter(is_active=True).order_by("sort_order", "name")
        covered = self.fields["covered_regions"]
        covered.queryset = covered.queryset.filter(level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY)).order_by(
            "path"
        )
        covered.label_from_instance = lambda region: region.label
        if not self.instance.pk and not self.is_bound:
            # a record made in the field is usually of something that just happened, in the user's own region
            today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            self.initial.setdefault("start_at", today.replace(hour=9))
            self.initial.setdefault("end_at", today.replace(hour=11))
            own = getattr(self.user, "region", None)
            if own is not None and self.fields["region"].queryset.filter(pk=own.pk).exists():
                self.initial.setdefault("region", own.pk)


class ParticipationForm(ScopedModelForm):
    picker_fields = ("activity", "representative")

    class Meta:
        model = Participation
        fields = ["activity", "representative", "name", "role", "hours", "remarks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the activities this user keeps (the region that held them), newest first
        self.fields["activity"].queryset = Activity.objects.restrict(self.user, "change").order_by("-start_at", "-pk")
        self.fields["representative"].queryset = (
            Representative.objects.visible_to(self.user)
            .active()
            .select_related("organization", "region")
            .order_by("name_initials", "pk")
        )

    def describe_choice(self, name: str, obj) -> str:
        if name == "representative":
            return " · ".join(
                part for part in (obj.organization_display, obj.region.name if obj.region_id else "") if part
            )
        return ""

"""Forms of the activities app; their Meta.fields are the field lists the API and admin reuse."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.choices import RegionLevel
from registry.forms import PickerSelectMultiple, ScopedModelForm, refuse_control_characters
from talents.models import Representative

from .choices import ActivityKind, ParticipantRole
from .models import Activity, ActivityTheme, Participation

NAME_MAX_LENGTH = Participation._meta.get_field("name").max_length


class ActivityThemeForm(ScopedModelForm):
    class Meta:
        model = ActivityTheme
        fields = ["name", "sort_order", "is_active"]


class ActivityForm(ScopedModelForm):
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)
    picker_fields = ("organizations", "covered_regions", "venue", "themes")
    # grouped under their own heading on the page (templates/includes/form_fields.html)
    counted_fields = ("headcount", "service_hours", "beneficiaries", "donation_amount", "goods_value")

    class Media:
        js = ["js/show_when.js"]

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
        # shown only for a 主题党日 (static/js/show_when.js); the model's rule still refuses it elsewhere
        self.fields["party_day_kind"].widget.attrs.update(
            {"data-show-when-field": "kind", "data-show-when-value": ActivityKind.PARTY_DAY}
        )

    @property
    def field_groups(self) -> list[dict]:
        visible = self.visible_fields()
        return [
            {"legend": None, "fields": [f for f in visible if f.name not in self.counted_fields]},
            {"legend": "统计数字", "fields": [f for f in visible if f.name in self.counted_fields]},
        ]


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
        return self.describe_representative(obj) if name == "representative" else ""

    @staticmethod
    def describe_representative(person) -> str:
        """The picker's hint under a person's name: their unit and region."""
        return " · ".join(
            part for part in (person.organization_display, person.region.name if person.region_id else "") if part
        )


class ParticipantsAddForm(forms.Form):
    """登记参与人员: several people from the pool and outside names at once, one role and hours for all."""

    representatives = forms.ModelMultipleChoiceField(
        label="库内人员（代表人士）",
        queryset=Representative.objects.none(),
        required=False,
        help_text="可多选；输入姓名或拼音首字母搜索。",
    )
    outside_names = forms.CharField(
        label="库外人员姓名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一个姓名"}),
        help_text="不在代表人士库中的人员，每行填写一个姓名。",
    )
    role = forms.ChoiceField(label="角色", choices=ParticipantRole.choices, initial=ParticipantRole.VOLUNTEER)
    hours = forms.DecimalField(
        label="每人服务时长（小时）",
        min_value=0,
        max_digits=5,
        decimal_places=1,
        error_messages={"min_value": "时长不能为负数。"},
    )

    def __init__(self, *args, user, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        field = self.fields["representatives"]
        # the pool the user may see, less those already named on the activity
        field.queryset = (
            Representative.objects.visible_to(user)
            .active()
            .exclude(participations__activity=activity)
            .select_related("organization", "region")
            .order_by("name_initials", "pk")
        )
        field.widget = PickerSelectMultiple(describe=ParticipationForm.describe_representative)
        field.widget.choices = field.choices
        refuse_control_characters(self.fields["outside_names"], self.fields["outside_names"].label)
        duration = activity.duration_hours
        if duration is not None:
            self.fields["hours"].initial = duration
            self.fields["hours"].help_text = f"每人默认相同；活动时长{duration.normalize():f}小时，不能超过。"

    def clean_outside_names(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["outside_names"].splitlines() if line.strip()]
        too_long = [name for name in names if len(name) > NAME_MAX_LENGTH]
        if too_long:
            raise ValidationError(f"姓名不能超过{NAME_MAX_LENGTH}个字：{'、'.join(too_long)}。")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValidationError(f"姓名重复填写：{'、'.join(repeated)}。")
        return names

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("representatives") and not cleaned.get("outside_names") and not self.errors:
            raise ValidationError("请至少选择一名库内人员或填写一名库外人员。")
        return cleaned

    def rows(self) -> list[dict]:
        """The participations to create, in the order shown: the pool's people, then the outside names."""
        common = {"activity": self.activity, "role": self.cleaned_data["role"], "hours": self.cleaned_data["hours"]}
        pool = [{**common, "representative": person} for person in self.cleaned_data["representatives"]]
        outside = [{**common, "name": name} for name in self.cleaned_data["outside_names"]]
        return pool + outside

"""Create/edit forms of the pool: choices narrowed to the user's scope, numbers masked unless permitted."""

from django import forms
from django.utils import timezone

from registry.choices import RegionLevel
from registry.forms import BLANK_LABEL, DateInput, ScopedModelForm, chosen_pk, free_year

from .choices import PoolLevel, PoolStatus
from .models import Attendance, Evaluation, Membership, Nomination, Representative, ServiceGroup, Training

PERSON_ORDER = ("name_initials", "name", "pk")


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "talents/widgets/inline_checkboxes.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)


def _people(field):
    queryset = field.queryset.active().select_related("region").order_by(*PERSON_ORDER)
    field.queryset = queryset
    field.label_from_instance = lambda r: f"{r.name}（{r.region.name}，{r.get_status_display()}）"


class RepresentativeForm(ScopedModelForm):
    picker_fields = ("organization",)
    # only when a record is created: afterwards the status changes through 变更状态 (with its dated history)
    status = forms.ChoiceField(
        label="入库状态", choices=PoolStatus.choices, initial=PoolStatus.CANDIDATE, required=False
    )
    level = forms.ChoiceField(label="入库级别", choices=[("", BLANK_LABEL), *PoolLevel.choices], required=False)

    class Meta:
        model = Representative
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "mobile",
            "political_affiliation",
            "education",
            "title",
            "organization",
            "organization_name",
            "position",
            "stratum",
            "specialties",
            "region",
            "discovery_channel",
            "remarks",
        ]
        widgets = {
            "remarks": forms.Textarea(attrs={"rows": 3}),
            "specialties": InlineCheckboxes,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([*self._meta.fields[:-1], "status", "level", "remarks"])  # the status beside the region
        self.fields["organization"].queryset = self.fields["organization"].queryset.order_by("name")
        self.fields["specialties"].queryset = self.fields["specialties"].queryset.filter(is_active=True)
        self.fields["id_number"].widget.attrs.update({"maxlength": 18, "autocomplete": "off"})
        self.fields["mobile"].widget.attrs.update({"maxlength": 11, "autocomplete": "off", "inputmode": "numeric"})
        if self.instance.pk:
            del self.fields["status"]
            del self.fields["level"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == PoolStatus.ADMITTED and not cleaned.get("level"):
            self.add_error("level", "入库时请选择入库级别（市级或区级）。")
        return cleaned

    def service_data(self) -> dict:
        data = super().service_data()
        if "status" in self.fields:
            data["status"] = self.cleaned_data.get("status") or PoolStatus.CANDIDATE
            data["level"] = self.cleaned_data.get("level") or ""
        return data


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label="新状态", choices=PoolStatus.choices)
    level = forms.ChoiceField(
        label="入库级别",
        choices=[("", BLANK_LABEL), *PoolLevel.choices],
        required=False,
        help_text="入库时必选；转为重点联系对象时留空则沿用原级别。",
    )
    changed_on = forms.DateField(label="变更日期", widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        label="说明",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：经2025年综合评价确定入库；本人申请退出。退出时其所在服务小组将同日结束。",
    )

    def __init__(self, *args, representative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].initial = representative.level


class EvaluationForm(ScopedModelForm):
    picker_fields = ("representative",)
    class Meta:
        model = Evaluation
        fields = [
            "representative",
            "year",
            "political_stance",
            "deliberation",
            "social_influence",
            "duty_performance",
            "grade",
            "evaluator",
            "evaluated_on",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "political_stance": "0—25分",
            "deliberation": "0—25分",
            "social_influence": "0—25分",
            "duty_performance": "0—25分",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _people(self.fields["representative"])
        if not self.instance.pk:
            # last year's evaluation is the one usually due; a person who has it is offered the next missing year
            year = timezone.localdate().year
            chosen, taken = chosen_pk(self, "representative"), ()
            if chosen:
                people = self.fields["representative"].queryset.filter(pk=chosen)
                taken = Evaluation.objects.filter(representative__in=people).values_list("year", flat=True)
            self.fields["year"].initial = free_year(taken, preferred=(year - 1, year))

    def clean_year(self):
        year = self.cleaned_data.get("year")
        person = self.cleaned_data.get("representative")
        if year and person:
            others = Evaluation.objects.filter(representative=person, year=year).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    f"该代表人士{year}年度已有综合评价，请改选其他年度或打开那条评价修改。", code="unique_year"
                )
        return year


class NominationForm(ScopedModelForm):
    picker_fields = ("representative",)
    class Meta:
        model = Nomination
        fields = [
            "representative",
            "kind",
            "level",
            "year",
            "body",
            "post",
            "recommended_by",
            "outcome",
            "term_end",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _people(self.fields["representative"])
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year


class TrainingForm(ScopedModelForm):
    picker_fields = ("attendees",)
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)

    attendees = forms.ModelMultipleChoiceField(
        label="参训人员",
        queryset=Representative.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="输入姓名或拼音首字母查找，可选多人；只列出您管辖区域内的人员，其他街道的参训记录保持不变。",
    )

    class Meta:
        model = Training
        fields = ["title", "held_on", "organizer", "hours", "location", "region", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Representative.objects.visible_to(self.user)
        _people(self.fields["attendees"])
        if self.instance.pk:
            self.fields["attendees"].initial = list(
                Attendance.objects.visible_to(self.user)
                .filter(training=self.instance)
                .values_list("representative_id", flat=True)
            )

    def service_data(self) -> dict:
        return {**super().service_data(), "attendees": list(self.cleaned_data.get("attendees") or [])}


class AttendanceForm(ScopedModelForm):
    picker_fields = ("representative",)
    class Meta:
        model = Attendance
        fields = ["training", "representative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = self.fields["training"].queryset.order_by("-held_on", "-pk")
        _people(self.fields["representative"])


class ServiceGroupForm(ScopedModelForm):
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)

    class Meta:
        model = ServiceGroup
        fields = ["name", "kind", "region", "founded_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MembershipForm(ScopedModelForm):
    picker_fields = ("representative",)
    class Meta:
        model = Membership
        fields = ["group", "representative", "role", "joined_on", "left_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = self.fields["group"].queryset.order_by("kind", "name")
        _people(self.fields["representative"])
        if not self.instance.pk:
            self.fields["joined_on"].initial = timezone.localdate()


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label="保留哪条记录", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = forms.CharField(label="说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, first, second, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(first.pk), f"保留编号{first.pk}（{first.name}，{first.region.name}）"),
            (str(second.pk), f"保留编号{second.pk}（{second.name}，{second.region.name}）"),
        ]
        self.fields["keep"].initial = str(first.pk)

"""Forms of tracked items; their Meta.fields are the field lists the API and admin reuse."""

import datetime

from django import forms
from django.utils import timezone

from registry.choices import RegionLevel
from registry.forms import BLANK_LABEL, DateInput, PickerSelect, PickerSelectMultiple, ScopedModelForm
from talents.models import Representative

from .models import Consultation, Decision, Department, Meeting, Opinion, OpinionCategory, Proposal

ITEM_REGION_LEVELS = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)
# the deadline a 交办 (or a 重新办理) proposes: a month, the usual term for a unit's written answer; calendar days,
# because a working-day count would need the State Council's holiday calendar, which the system does not keep
DEFAULT_DAYS_TO_ANSWER = 30


class DepartmentForm(ScopedModelForm):
    picker_fields = ("contacts",)

    class Meta:
        model = Department
        fields = [
            "name",
            "kind",
            "is_conference_member",
            "contact_name",
            "contact_phone",
            "contacts",
            "sort_order",
            "is_active",
        ]


class OpinionCategoryForm(ScopedModelForm):
    class Meta:
        model = OpinionCategory
        fields = ["name", "sort_order", "is_active"]


class ConsultationForm(ScopedModelForm):
    region_levels = ITEM_REGION_LEVELS
    picker_fields = ("participants",)

    class Meta:
        model = Consultation
        fields = ["topic", "held_on", "place", "host", "region", "participants", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class MeetingForm(ScopedModelForm):
    region_levels = ITEM_REGION_LEVELS
    picker_fields = ("attendees",)

    class Meta:
        model = Meeting
        fields = ["held_on", "kind", "title", "topics", "region", "attendees", "notes"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 4})}


class _ItemForm(ScopedModelForm):
    region_levels = ITEM_REGION_LEVELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("proposers", "reporter"):
            if name in self.fields:
                self.fields[name].queryset = (
                    Representative.objects.visible_to(self.user).active().order_by("name_initials", "pk")
                )


class ProposalForm(_ItemForm):
    picker_fields = ("proposers",)

    class Meta:
        model = Proposal
        fields = ["title", "content", "consultation", "proposers", "region", "submitted_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}


class OpinionForm(_ItemForm):
    picker_fields = ("reporter", "reporter_liaison")

    class Meta:
        model = Opinion
        fields = [
            "title",
            "content",
            "category",
            "reporter",
            "reporter_liaison",
            "region",
            "submitted_on",
            "adoption_level",
            "instruction_level",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("reporter") and not cleaned.get("reporter_liaison"):
            self.add_error("reporter", "请选择反映人：代表人士或联络员。")
        if not cleaned.get("category"):
            self.add_error("category", "请选择社情民意类别。")
        return cleaned


class DecisionForm(_ItemForm):
    class Meta:
        model = Decision
        fields = ["title", "content", "meeting", "region", "submitted_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}


class TransitionForm(forms.Form):
    """The facts one transition asks for (lifecycle.Transition.requires); the rest are not shown."""

    department = forms.ModelChoiceField(
        label="主办单位", queryset=Department.objects.none(), required=False, empty_label=BLANK_LABEL
    )
    co_departments = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Department.objects.none(), required=False, help_text="可不选；可选多个。"
    )
    due_date = forms.DateField(label="办理期限", required=False, widget=DateInput)
    answer = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    remark = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(is_active=True).order_by("sort_order", "name")
        for name, widget_class in (("department", PickerSelect), ("co_departments", PickerSelectMultiple)):
            field = self.fields[name]
            field.widget = widget_class(describe=_describe_department)
            field.queryset = units  # sets the widget's choices too
        wanted = set(step.requires)
        if "department" in wanted:
            wanted.add("co_departments")
        if not step.requires:
            wanted.add("remark")  # a plain step may still carry a note
        for name in list(self.fields):
            if name not in wanted and not (name == "remark" and "answer" not in wanted):
                del self.fields[name]
        for name in step.requires:
            field = self.fields[name]
            field.required = True
            verb = "选择" if name == "department" else "填写"
            field.error_messages["required"] = f"请{verb}{field.label}。"
        if "due_date" in self.fields:
            self.fields["due_date"].initial = timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS_TO_ANSWER)
            self.fields["due_date"].help_text = f"默认为{DEFAULT_DAYS_TO_ANSWER}天后，可修改；不能早于今天。"
        if "remark" in self.fields and not self.fields["remark"].required:
            self.fields["remark"].help_text = "可不填。"


def _describe_department(department) -> str:
    kind = department.get_kind_display()
    return f"{kind} · 联席会议成员单位" if department.is_conference_member else kind

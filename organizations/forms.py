"""Create/edit forms of the organizations app (choices narrowed to the user's scope by ScopedModelForm)."""

from django import forms
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q
from django.utils import timezone

from registry.choices import RegionLevel
from registry.forms import ScopedModelForm, chosen_pk, free_year

from .choices import LiaisonRole
from .coverage import INSTRUCTOR_MAX, INSTRUCTOR_MIN, assignment_warnings
from .models import AnnualSurvey, Assignment, Liaison, Organization, Pairing, PartyOrganization, Venue


class OrganizationForm(ScopedModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "credit_code",
            "kind",
            "status",
            "region",
            "industry",
            "registration_authority",
            "registration_date",
            "supervising_unit",
            "legal_representative",
            "contact_phone",
            "address",
            "rating",
            "rating_year",
            "honour_level",
            "honour_year",
            "venture_list",
            "is_hub",
            "is_flagship",
            "on_abnormal_list",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = self.fields["industry"].queryset.filter(is_active=True)
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "maxlength": 18})


class SurveyForm(ScopedModelForm):
    picker_fields = ("organization",)

    class Meta:
        model = AnnualSurvey
        fields = [
            "organization",
            "year",
            "staff_count",
            "party_member_count",
            "probationary_member_count",
            "mobile_party_member_count",
            "surveyed_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.order_by("name")
        if not self.instance.pk:
            # this year's survey, or for an organization that has it the latest year not yet surveyed
            chosen, taken = chosen_pk(self, "organization"), ()
            if chosen:
                organizations = self.fields["organization"].queryset.filter(pk=chosen)
                taken = AnnualSurvey.objects.filter(organization__in=organizations).values_list("year", flat=True)
            self.fields["year"].initial = free_year(taken, preferred=(timezone.localdate().year,))

    def clean_year(self):
        year = self.cleaned_data.get("year")
        organization = self.cleaned_data.get("organization")
        if year and organization:
            others = AnnualSurvey.objects.filter(organization=organization, year=year).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    f"该社会组织{year}年度已有摸底调查记录，请改选其他年度或打开那条记录修改。", code="unique_year"
                )
        return year


class PartyOrganizationForm(ScopedModelForm):
    picker_fields = ("organizations",)
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)

    class Meta:
        model = PartyOrganization
        fields = [
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
        ]
        widgets = {
            "organizations": forms.SelectMultiple(attrs={"size": 8}),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"organizations": "输入名称或拼音首字母查找并逐个选择；只有联合党支部可以覆盖多家社会组织。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = self.fields["organizations"].queryset.order_by("name")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)


class LiaisonForm(ScopedModelForm):
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)

    class Meta:
        model = Liaison
        fields = ["name", "gender", "mobile", "work_unit", "post", "is_party_member", "region", "remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}


class AssignmentForm(ScopedModelForm):
    # shown only when the save would breach a coverage rule: the user learns it here, not on the breach list
    confirm_breach = forms.BooleanField(label="已知晓上述规则提示，仍然保存", required=False, widget=forms.HiddenInput)
    picker_fields = ("liaison", "organization")

    class Meta:
        model = Assignment
        fields = ["liaison", "organization", "role", "start_date", "end_date", "remarks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.order_by("name")
        # what a picker shows under each person: the roles held now and, for an instructor, the load (5–10 rule)
        today = timezone.localdate()
        active = Q(assignments__start_date__lte=today) & (
            Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=today)
        )
        self.fields["liaison"].queryset = (
            self.fields["liaison"]
            .queryset.annotate(
                guided=Count(
                    "assignments__organization",
                    distinct=True,
                    filter=active & Q(assignments__role=LiaisonRole.PARTY_INSTRUCTOR),
                ),
                current_roles=ArrayAgg("assignments__role", distinct=True, filter=active, default=[]),
            )
            .order_by("name")
        )
        self.rule_warnings = []

    def describe_choice(self, name, obj) -> str:
        if name != "liaison":
            return ""
        roles = "、".join(LiaisonRole(role).label for role in sorted(getattr(obj, "current_roles", None) or []))
        parts = [part for part in (obj.post, obj.work_unit, roles) if part]
        guided = getattr(obj, "guided", 0)
        if guided:
            parts.append(f"已指导{guided}家（每人{INSTRUCTOR_MIN}—{INSTRUCTOR_MAX}家）")
        return " · ".join(parts)

    def clean(self):
        cleaned = super().clean()
        if self.errors:  # a form with mistakes is fixed first; the rules are checked on what can be saved
            return cleaned
        self.rule_warnings = assignment_warnings(
            liaison=cleaned.get("liaison"),
            organization=cleaned.get("organization"),
            role=cleaned.get("role"),
            start_date=cleaned.get("start_date"),
            end_date=cleaned.get("end_date"),
            exclude_pk=self.instance.pk,
        )
        if self.rule_warnings and not cleaned.get("confirm_breach"):
            self.fields["confirm_breach"].widget = forms.CheckboxInput()
            self.add_error("confirm_breach", "保存后将违反上面列出的规则；确需保存，请勾选此项后再次保存。")
        return cleaned


class PairingForm(ScopedModelForm):
    class Meta:
        model = Pairing
        fields = ["party_organization", "partner_name", "partner_kind", "since", "content", "is_active"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}


class VenueForm(ScopedModelForm):
    region_levels = (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)

    class Meta:
        model = Venue
        fields = [
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
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

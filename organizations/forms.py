"""Create/edit forms of the organizations app (choices narrowed to the user's scope by ScopedModelForm)."""

from django import forms

from registry.choices import RegionLevel
from registry.forms import ScopedModelForm

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


class PartyOrganizationForm(ScopedModelForm):
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
        help_texts = {"organizations": "按住 Ctrl 可多选；只有联合党支部可以覆盖多家社会组织。"}

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
    class Meta:
        model = Assignment
        fields = ["liaison", "organization", "role", "start_date", "end_date", "remarks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.order_by("name")
        self.fields["liaison"].queryset = self.fields["liaison"].queryset.order_by("name")


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

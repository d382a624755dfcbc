"""The 统计报表 form: a period and a scope inside the user's own, with Chinese messages for what cannot be read."""

import datetime

from django import forms
from django.utils import timezone

from registry.choices import RegionLevel
from registry.forms import DateInput
from registry.models import Region

from .periods import Period

PERIOD_CHOICES = [("year", "年度"), ("quarter", "季度"), ("month", "月份"), ("range", "日期段")]
EARLIEST_YEAR = 2000


class StatisticsForm(forms.Form):
    period = forms.ChoiceField(label="统计期间", choices=PERIOD_CHOICES, initial="year")
    year = forms.IntegerField(
        label="年度", required=False, error_messages={"invalid": "年度请填写四位数字，例如 2022。"}
    )
    quarter = forms.TypedChoiceField(
        label="季度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((str(q), f"第{q}季度") for q in range(1, 5))],
    )
    month = forms.CharField(label="月份", required=False, widget=forms.TextInput(attrs={"type": "month"}))
    date_from = forms.DateField(label="开始日期", required=False, widget=DateInput)
    date_to = forms.DateField(label="结束日期", required=False, widget=DateInput)
    region = forms.ModelChoiceField(
        label="统计范围", queryset=Region.objects.none(), required=False, empty_label="本辖区（全部）"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        levels = (RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)
        if user is not None:  # None: the period alone (an exporter rebuilding its options)
            self.fields["region"].queryset = Region.objects.visible_to(user).filter(level__in=levels).order_by("path")
        self.fields["region"].label_from_instance = lambda region: (
            ("　" * max(0, region.path.count("/") - 2)) + region.name
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("period")
        today = timezone.localdate()
        year = cleaned.get("year")
        if kind in ("year", "quarter"):
            if year is None:
                self.add_error("year", "请填写年度。")
            elif not EARLIEST_YEAR <= year <= today.year:
                self.add_error("year", f"年度须在{EARLIEST_YEAR}年至{today.year}年之间。")
        if kind == "quarter" and not cleaned.get("quarter"):
            self.add_error("quarter", "请选择季度。")
        if kind == "month":
            cleaned["month_value"] = self._month(cleaned.get("month") or "", today)
        if kind == "range":
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if start is None:
                self.add_error("date_from", "请填写开始日期。")
            if end is None:
                self.add_error("date_to", "请填写结束日期。")
            if start and end and start > end:
                self.add_error("date_to", "结束日期不能早于开始日期。")
        return cleaned

    def _month(self, value: str, today: datetime.date):
        try:
            year, month = (int(part) for part in value.split("-"))
            datetime.date(year, month, 1)
        except ValueError:
            self.add_error("month", "月份请按“2022-03”的格式填写。")
            return None
        if not EARLIEST_YEAR <= year <= today.year:
            self.add_error("month", f"月份须在{EARLIEST_YEAR}年至{today.year}年之间。")
            return None
        return year, month

    def period_value(self) -> Period:
        cleaned = self.cleaned_data
        kind = cleaned["period"]
        if kind == "year":
            return Period.year(cleaned["year"])
        if kind == "quarter":
            return Period.quarter(cleaned["year"], cleaned["quarter"])
        if kind == "month":
            return Period.month(*cleaned["month_value"])
        return Period("range", cleaned["date_from"], cleaned["date_to"])

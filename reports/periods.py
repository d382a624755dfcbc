"""The period a report is about: a year, a quarter, a month or any dates, in Shanghai local dates."""

import calendar
import datetime
from dataclasses import dataclass

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def _day(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    kind: str  # "year", "quarter", "month", "range"
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls("quarter", datetime.date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(
            "month", datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
        )

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年{QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{_day(self.start)}至{_day(self.end)}"

    def year_earlier(self) -> "Period":
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        if self.kind == "quarter":
            return Period.quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        return Period("range", _year_before(self.start), _year_before(self.end))

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        result, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def month_slices(self) -> list["Period"]:
        """The period cut at month ends: whole months, and the days of a month a date range starts or ends inside."""
        slices = []
        for year, month in self.months():
            whole = Period.month(year, month)
            if whole.start >= self.start and whole.end <= self.end:
                slices.append(whole)
            else:
                slices.append(Period("range", max(whole.start, self.start), min(whole.end, self.end)))
        return slices

    def activity_filters(self) -> dict[str, str]:
        """The activity list's own filters for this period (its figures link to that list)."""
        if self.kind == "year":
            return {"year": str(self.start.year)}
        if self.kind == "month":
            return {"month": f"{self.start:%Y-%m}"}
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}

    def query(self) -> dict[str, str]:
        """The page's own query string for this period (the form reads it back)."""
        if self.kind == "year":
            return {"period": "year", "year": str(self.start.year)}
        if self.kind == "quarter":
            return {"period": "quarter", "year": str(self.start.year), "quarter": str((self.start.month - 1) // 3 + 1)}
        if self.kind == "month":
            return {"period": "month", "month": f"{self.start:%Y-%m}"}
        return {"period": "range", "date_from": self.start.isoformat(), "date_to": self.end.isoformat()}

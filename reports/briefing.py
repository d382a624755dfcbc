"""The 工作简报 paragraph of a period and a scope, with the comparison to the same period a year earlier.

The sentence is the 月度统计 page's own (activities.figures.briefing_sentence over activities.selectors'
figures), so the workbook's cover, the 统计报表 page and the 月度统计 page say the same numbers.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from activities import figures as activity_figures
from activities.choices import ActivityKind
from activities.selectors import ActivityFigures, figure_organization_region
from activities.selectors import activity_figures as figures_of

from .periods import Period
from .statistics import activity_data

BRIEFING_KIND = ActivityKind.VOLUNTEER  # the figure the department's 简报 report (志愿服务)
COMPARED = (
    ("activities", "活动场次"),
    ("headcount", "参与人次"),
    ("service_hours", "服务时长"),
    ("donation_amount", "捐赠金额"),
)


@dataclass
class Briefing:
    sentence: str
    comparison: str
    figures: ActivityFigures
    previous: ActivityFigures
    list_url: str

    @property
    def paragraph(self) -> str:
        return f"{self.sentence}{self.comparison}"


def change(current, previous) -> str:
    """“同比增长12.3%”, “同比下降4.0%”, “与上年同期持平”; a percentage of nothing is not said."""
    current, previous = Decimal(current), Decimal(previous)
    if current == previous:
        return "与上年同期持平"
    percent = ((current - previous) * 100 / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"同比增长{percent}%" if percent > 0 else f"同比下降{-percent}%"


def comparison_sentence(current: ActivityFigures, previous: ActivityFigures, earlier: Period, kind_label: str) -> str:
    if not previous.activities:
        return f"上年同期（{earlier.label}）无已开展的{kind_label}记录，不作同比。"
    parts = []
    for key, label in COMPARED:
        before = getattr(previous, key)
        if before:
            parts.append(f"{label}{change(getattr(current, key), before)}")
    return f"与上年同期（{earlier.label}）相比，{'，'.join(parts)}。"


def briefing(*, user, period: Period, region) -> Briefing | None:
    """None when the user may not see activities."""
    if not user.has_perm("activities.view_activity"):
        return None
    data = {**activity_data(region), "kind": BRIEFING_KIND.value}
    filterset, figures = figures_of(user=user, filterset_data={**data, **period.activity_filters()})
    earlier = period.year_earlier()
    _, previous = figures_of(user=user, filterset_data={**data, **earlier.activity_filters()})
    place = activity_figures.place_label(figure_organization_region(user=user, filterset=filterset))
    kind_label = BRIEFING_KIND.label
    sentence = activity_figures.briefing_sentence(
        figures=figures, period=period.label, place=place, kind_label=kind_label
    )
    lists = {key: [value] for key, value in {**data, **period.activity_filters()}.items()}
    return Briefing(
        sentence=sentence,
        comparison=comparison_sentence(figures, previous, earlier, kind_label),
        figures=figures,
        previous=previous,
        list_url=activity_figures.list_url(lists),
    )

"""Reads of the activities app, each starting from what the user may view."""

from django.db.models import Prefetch

from organizations.models import Organization
from registry.scoping import restrict

from .models import Activity, ActivityTheme, Participation


def activity_theme_list(*, user):
    """Every theme: a district-wide list, the same for every street."""
    return restrict(ActivityTheme.objects.all(), user, "view")


def activity_list(*, user):
    """The activities the user may see, with what the list and the export show (no query per row)."""
    return (
        restrict(Activity.objects.all(), user, "view")
        # region__parent: a community's label names its street (Region.label), a query per row otherwise
        .select_related("region__parent", "venue", "team")
        .prefetch_related(
            "themes",
            "covered_regions",
            # names of organizers outside the user's scope still show: they are part of the activity's record
            Prefetch("organizations", queryset=Organization.objects.only("pk", "name").order_by("name")),
        )
    )


def participation_list(*, user):
    return restrict(Participation.objects.all(), user, "view").select_related("activity", "representative")

"""Reads of the activities app, each starting from what the user may view."""

from registry.scoping import restrict

from .models import ActivityTheme


def activity_theme_list(*, user):
    """Every theme: a district-wide list, the same for every street."""
    return restrict(ActivityTheme.objects.all(), user, "view")

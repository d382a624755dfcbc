"""Forms of the activities app; their Meta.fields are the field lists the API and admin reuse."""

from registry.forms import ScopedModelForm

from .models import ActivityTheme


class ActivityThemeForm(ScopedModelForm):
    class Meta:
        model = ActivityTheme
        fields = ["name", "sort_order", "is_active"]

"""Serializers of the activities API: the form's field list, written once."""

from registry.api import ScopedModelSerializer

from ..forms import ActivityThemeForm
from ..models import ActivityTheme


class ActivityThemeSerializer(ScopedModelSerializer):
    class Meta:
        model = ActivityTheme
        fields = ["id", *ActivityThemeForm.Meta.fields]

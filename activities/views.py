"""Pages of the activities app that do more than the generic ones: the activity with its participants."""

from django.urls import reverse

from registry.views.generic import ObjectDetailView, section

from . import selectors
from .models import Activity
from .tables import ACTIVITY_PARTICIPANT_TABLE


class ActivityDetailView(ObjectDetailView):
    def related_sections(self, obj):
        user = self.request.user
        participants = selectors.participation_list(user=user).filter(activity=obj).order_by("pk")
        may_add = (
            user.has_perm("activities.add_participation")
            and Activity.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        named, hours = obj.named_figures()
        return [
            section(
                f"参与人员（具名{named}人，{hours.normalize():f}小时；登记人次{obj.headcount}）",
                ACTIVITY_PARTICIPANT_TABLE,
                participants,
                user,
                add_url=f"{reverse('activities:participation_create')}?activity={obj.pk}" if may_add else None,
                empty="尚未具名登记参与人员（大型活动可只填写人次等统计数）。",
            )
        ]

"""Activities, consultations, proposals, opinions and service projects."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "活动与建言"

    def ready(self):
        from registry.roles import register_domain_app

        register_domain_app(self.label)

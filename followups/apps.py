from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"

    def ready(self):
        from contacts import bulk_actions

        from .dashboard.bulk_actions import ADD_TO_WEEK_PLAN

        bulk_actions.register(ADD_TO_WEEK_PLAN)

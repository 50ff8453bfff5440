from django.urls import path, re_path

from . import dashboard_views, views

app_name = "followups"

urlpatterns = [
    path("outreach/<int:contact_pk>/skip/", dashboard_views.skip, name="outreach_skip"),
    path("outreach/<int:contact_pk>/snooze/", dashboard_views.snooze, name="outreach_snooze"),
    path("outreach/<int:contact_pk>/week/", dashboard_views.add_to_week, name="week_add"),
    path("week/", dashboard_views.plan_week, name="plan_week"),
    path("week/<int:pk>/remove/", dashboard_views.remove_from_week, name="week_remove"),
    path("followups/", views.board, name="board"),
    path("followups/reminders/<int:pk>/snooze/", views.snooze_reminder, name="snooze"),
    path("followups/reminders/<int:pk>/dismiss/", views.dismiss_reminder, name="dismiss"),
    path("followups/contacts/<int:contact_pk>/log/", views.log_interaction, name="log_interaction"),
    path("followups/contacts/<int:contact_pk>/promises/", views.add_commitment, name="add_commitment"),
    path("followups/promises/<int:pk>/keep/", views.keep_commitment, name="keep_commitment"),
    path("followups/promises/<int:pk>/drop/", views.drop_commitment, name="drop_commitment"),
    path("followups/reminders/<int:pk>/snooze-week/", views.snooze_week, name="snooze_week"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/calendar-feed/regenerate/", views.regenerate_calendar_feed, name="regenerate_calendar_feed"),
    path("settings/calendar-feed/turn-off/", views.turn_off_calendar_feed, name="turn_off_calendar_feed"),
    # A token is secrets.token_urlsafe(32); anything else is not a feed (404 from the resolver).
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{32,64})\.ics$", views.calendar_feed, name="calendar_feed"),
    path("digest/preview/", views.digest_preview, name="digest_preview"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
]

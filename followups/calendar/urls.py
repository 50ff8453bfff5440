from django.urls import path, re_path

from . import views

urlpatterns = [
    path("settings/calendar-feed/regenerate/", views.regenerate_calendar_feed, name="regenerate_calendar_feed"),
    path("settings/calendar-feed/turn-off/", views.turn_off_calendar_feed, name="turn_off_calendar_feed"),
    # A token is secrets.token_urlsafe(32); anything else is not a feed (404 from the resolver).
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{32,64})\.ics$", views.calendar_feed, name="calendar_feed"),
]

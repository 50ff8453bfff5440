import zoneinfo

from django.utils import timezone

SESSION_KEY = "netcrm_time_zone"


class UserTimeZoneMiddleware:
    """Show times in the user's own zone. The zone is cached in the session so a page
    costs no extra query; saving the preference refreshes the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = None
        if request.user.is_authenticated:
            zone_name = request.session.get(SESSION_KEY)
            if zone_name is None:
                from .services import preferences_for

                zone_name = preferences_for(request.user).time_zone
                request.session[SESSION_KEY] = zone_name
        if zone_name:
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        return self.get_response(request)

from django.contrib import admin
from django.urls import include, path

from followups.dashboard import views as dashboard_views
from health.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("plan/", include("strategy.urls")),
    path("api/", include("api.urls")),
    path("settings/api-tokens/", include("api.token_urls")),
    path("", include("transfer.urls")),
    path("", include("followups.urls")),
    path("", dashboard_views.home, name="home"),
]

from django.contrib import admin
from django.urls import include, path

from followups import views as followup_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("plan/", include("strategy.urls")),
    path("", include("followups.urls")),
    path("", followup_views.home, name="home"),
]

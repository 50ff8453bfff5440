"""The whole site under /elsewhere/ (tests of URL building under another configuration)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("netcrm.urls"))]

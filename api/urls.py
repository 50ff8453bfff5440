"""/api/v1/ (the REST API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .views.contacts import (
    ClassificationViewSet,
    ContactInteractionViewSet,
    ContactViewSet,
    InteractionViewSet,
    TagViewSet,
)
from .views.docs import ApiDocsView
from .views.followups import DueView, OutreachTodayView, PromiseViewSet, ReminderViewSet
from .views.not_found import NoSuchEndpoint

app_name = "api"

router = SimpleRouter(use_regex_path=False)  # <int:pk>: a non-number is a 404 from the resolver
router.register("contacts", ContactViewSet, basename="contact")
router.register("classifications", ClassificationViewSet, basename="classification")
router.register("tags", TagViewSet, basename="tag")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("promises", PromiseViewSet, basename="promise")

v1 = [
    *router.urls,
    path(
        "contacts/<int:contact_pk>/interactions/",
        ContactInteractionViewSet.as_view({"get": "list", "post": "create"}),
        name="contact-interactions",
    ),
    path("due/", DueView.as_view(), name="due"),
    path("outreach/today/", OutreachTodayView.as_view(), name="outreach-today"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    re_path(r"", NoSuchEndpoint.as_view(), name="no-such-endpoint"),  # last: whatever else is asked
]

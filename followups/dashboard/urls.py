from django.urls import path

from . import views

urlpatterns = [
    path("outreach/<int:contact_pk>/skip/", views.skip, name="outreach_skip"),
    path("outreach/<int:contact_pk>/snooze/", views.snooze, name="outreach_snooze"),
    path("outreach/<int:contact_pk>/week/", views.add_to_week, name="week_add"),
    path("week/", views.plan_week, name="plan_week"),
    path("week/<int:pk>/remove/", views.remove_from_week, name="week_remove"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("followups/", views.board, name="board"),
    path("followups/reminders/<int:pk>/snooze/", views.snooze_reminder, name="snooze"),
    path("followups/reminders/<int:pk>/dismiss/", views.dismiss_reminder, name="dismiss"),
    path("followups/reminders/<int:pk>/snooze-week/", views.snooze_week, name="snooze_week"),
    path("followups/contacts/<int:contact_pk>/log/", views.log_interaction, name="log_interaction"),
    path("followups/contacts/<int:contact_pk>/promises/", views.add_commitment, name="add_commitment"),
    path("followups/promises/<int:pk>/keep/", views.keep_commitment, name="keep_commitment"),
    path("followups/promises/<int:pk>/drop/", views.drop_commitment, name="drop_commitment"),
]

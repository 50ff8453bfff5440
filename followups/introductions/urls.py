from django.urls import path

from . import views

urlpatterns = [
    path("followups/contacts/<int:contact_pk>/introduce/", views.introduce, name="introduce"),
]

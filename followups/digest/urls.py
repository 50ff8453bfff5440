from django.urls import path

from . import views

urlpatterns = [
    path("digest/preview/", views.digest_preview, name="digest_preview"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
]

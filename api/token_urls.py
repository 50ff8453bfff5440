from django.urls import path

from . import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.create_token, name="create"),
    path("<int:pk>/revoke/", token_views.revoke_token, name="revoke"),
]

from django.urls import include, path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("email/verify/<str:token>/", views.verify_email, name="verify_email"),
    path("email/resend/", views.resend_verification, name="resend_verification"),
    path("email/change/", views.change_email, name="change_email"),
    path("", include("django.contrib.auth.urls")),
]

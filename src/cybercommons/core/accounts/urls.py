"""Account pages: sign-up, log-in, log-out, password reset, two-factor, profile, tokens."""

from django.contrib.auth import views as auth_views
from django.urls import path

from cybercommons.core.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]

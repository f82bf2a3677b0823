"""Account pages: sign-up, log-in, log-out, password reset, two-factor, profile, tokens."""

from django.urls import path

from cybercommons.core.accounts.access import verified
from cybercommons.core.accounts.views import (
    invitations,
    login,
    password,
    profile,
    sessions,
    signup,
    tokens,
    two_factor,
)

app_name = "accounts"

urlpatterns = [
    path("login/", login.login, name="login"),
    path("login/code/", login.verify, name="verify"),
    path("logout/", login.logout, name="logout"),
    path("signup/", signup.signup, name="signup"),
    path("password/reset/", password.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", password.PasswordResetDoneView.as_view(),
         name="password-reset-done"),
    path("password/reset/<uidb64>/<token>/", password.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("password/reset/done/", password.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
    path("password/change/", verified(password.password_change),
         name="password-change"),
    path("profile/", profile.profile, name="profile"),
    path("sessions/end-others/", sessions.end_others, name="sessions-end-others"),
    path("two-factor/start/", two_factor.start, name="two-factor-start"),
    path("two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("two-factor/backup-codes/", two_factor.renew_backup_codes,
         name="two-factor-backup-codes"),
    path("two-factor/disable/", two_factor.disable, name="two-factor-disable"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/new/", tokens.token_create, name="token-create"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
]

"""Two-factor authentication: enrolment, the second log-in step, backup codes, removal."""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cybercommons.core.accounts.views import login as login_views
from cybercommons.core.models import AuditEntry
from tests.core.accounts.conftest import (
    Enrolled,
    current_code,
    is_logged_in,
    log_in,
    wrong_code,
)
from tests.factories import UserFactory


def enter_code(client: Client, code: str, next_url: str = "") -> Any:
    url = reverse("accounts:verify")
    return client.post(url + (f"?next={next_url}" if next_url else ""), {"code": code})


# --- Enrolment ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_the_secret_and_waits_for_a_code(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    response = client.post(reverse("accounts:two-factor-start"))
    assert response["Location"] == reverse("accounts:two-factor-setup")
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    response = client.get(reverse("accounts:two-factor-setup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert re.search(r"<svg role=\"img\"[^>]*><title>QR code", html), "the QR code has a name"
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    assert "no-store" in response["Cache-Control"]
    # Until a code is entered, logging in needs no second step.
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.django_db
def test_a_wrong_code_does_not_confirm_the_authenticator(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    client.post(reverse("accounts:two-factor-start"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": wrong_code(device)})
    assert response.status_code == 400
    assert 'id="id_code_error"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEntry.objects.filter(action="core.2fa.enabled").exists()


@pytest.mark.django_db
def test_a_right_code_turns_it_on_issues_backup_codes_and_is_audited(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    client.post(reverse("accounts:two-factor-start"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": current_code(device)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    shown = set(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode()))
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(shown) == 10
    assert shown == stored
    entry = AuditEntry.objects.get(action="core.2fa.enabled")
    assert entry.actor == user
    assert entry.data == {"device": "authenticator app"}
    # This session proved the code, so the sensitive pages open at once.
    assert client.get(reverse("accounts:two-factor-disable")).status_code == 200


@pytest.mark.django_db
def test_starting_again_replaces_an_unfinished_enrolment(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    client.post(reverse("accounts:two-factor-start"))
    first = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:two-factor-start"))
    second = TOTPDevice.objects.get(user=user)
    assert first.pk != second.pk
    assert first.key != second.key


@pytest.mark.django_db
def test_enrolment_needs_a_signed_in_person(client: Client) -> None:
    response = client.post(reverse("accounts:two-factor-start"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not TOTPDevice.objects.exists()


# --- Log-in second step ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_password_alone_does_not_log_in_when_two_factor_is_on(
    client: Client, enrolled: Enrolled
) -> None:
    response = log_in(client, "zahra", next_url=reverse("accounts:tokens"))
    assert response["Location"] == reverse("accounts:verify")
    assert not is_logged_in(client)
    assert client.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:login"))
    page = client.get(reverse("accounts:verify"))
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()


@pytest.mark.django_db
def test_the_right_code_completes_the_log_in(client: Client, enrolled: Enrolled) -> None:
    log_in(client, "zahra", next_url=reverse("accounts:tokens"))
    response = enter_code(client, current_code(enrolled.totp))
    assert response["Location"] == reverse("accounts:tokens")
    assert is_logged_in(client)
    assert client.session["otp_device_id"] == enrolled.totp.persistent_id
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_a_code_is_accepted_only_once(client: Client, enrolled: Enrolled) -> None:
    log_in(client, "zahra")
    code = current_code(enrolled.totp)
    enter_code(client, code)
    other = Client()
    log_in(other, "zahra")
    response = enter_code(other, code)
    assert response.status_code == 400
    assert not is_logged_in(other)


@pytest.mark.django_db
def test_a_wrong_code_keeps_the_person_out(client: Client, enrolled: Enrolled) -> None:
    log_in(client, "zahra")
    response = enter_code(client, wrong_code(enrolled.totp))
    assert response.status_code == 400
    assert "That code is not right." in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_right_code_after_a_wrong_one_is_held_back_for_a_moment(
    client: Client, enrolled: Enrolled
) -> None:
    log_in(client, "zahra")
    enter_code(client, wrong_code(enrolled.totp))
    response = enter_code(client, current_code(enrolled.totp))
    assert response.status_code == 400
    assert "Too many wrong codes in a row." in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_throttle")
def test_wrong_codes_count_towards_the_lock_out(client: Client, enrolled: Enrolled) -> None:
    log_in(client, "zahra")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert enter_code(client, wrong_code(enrolled.totp)).status_code == 400
    response = enter_code(client, wrong_code(enrolled.totp))
    assert response.status_code == 429
    # The half-finished log-in is gone: the password is needed again, and it is locked.
    assert log_in(client, "zahra").status_code == 429
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_backup_code_logs_in_once(client: Client, enrolled: Enrolled) -> None:
    code = enrolled.backup_codes[0]
    log_in(client, "zahra")
    response = enter_code(client, code.upper()[:4] + "-" + code.upper()[4:])
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not StaticToken.objects.filter(token=code).exists()
    assert "You used a backup code; 2 are left." in client.get(
        response["Location"]).content.decode()
    other = Client()
    log_in(other, "zahra")
    assert enter_code(other, code).status_code == 400
    assert not is_logged_in(other)


@pytest.mark.django_db
def test_the_code_step_expires(client: Client, enrolled: Enrolled,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    log_in(client, "zahra")
    monkeypatch.setattr(login_views, "PENDING_SECONDS", -1)
    response = enter_code(client, current_code(enrolled.totp))
    assert response["Location"] == reverse("accounts:login")
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_code_step_without_a_password_step_sends_to_log_in(client: Client) -> None:
    response = client.get(reverse("accounts:verify"))
    assert response["Location"] == reverse("accounts:login")


@pytest.mark.django_db
def test_a_person_without_two_factor_logs_in_with_the_password_alone(client: Client) -> None:
    UserFactory(username="amina")
    assert log_in(client, "amina")["Location"] == reverse("core:home")
    assert is_logged_in(client)


# --- Sensitive pages and removal -------------------------------------------------------------

@pytest.mark.django_db
def test_a_session_not_verified_by_a_code_cannot_reach_sensitive_pages(
    client: Client, enrolled: Enrolled
) -> None:
    # A session opened without the second step (say, before the authenticator was added).
    client.force_login(enrolled.user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    for url in (reverse("accounts:two-factor-disable"), reverse("accounts:password-change")):
        response = client.get(url)
        assert response["Location"] == reverse("accounts:verify") + "?next=" + url.replace(
            "/", "%2F")
    response = client.post(reverse("accounts:token-create"), {"name": "x", "scopes": ["read"]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert not enrolled.user.api_tokens.exists()
    # A code opens them.
    response = enter_code(client, current_code(enrolled.totp),
                          next_url=reverse("accounts:two-factor-disable"))
    assert response["Location"] == reverse("accounts:two-factor-disable")
    assert client.get(reverse("accounts:two-factor-disable")).status_code == 200


@pytest.mark.django_db
def test_turning_two_factor_off_needs_a_current_code(client: Client, enrolled: Enrolled) -> None:
    log_in(client, "zahra")
    enter_code(client, current_code(enrolled.totp))
    url = reverse("accounts:two-factor-disable")
    response = client.post(url, {"code": "abcdefgh"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=enrolled.user).exists()
    assert not AuditEntry.objects.filter(action="core.2fa.disabled").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("no_throttle")
def test_turning_two_factor_off_removes_every_device_and_is_audited(
    client: Client, enrolled: Enrolled
) -> None:
    log_in(client, "zahra")
    enter_code(client, current_code(enrolled.totp))
    response = client.post(reverse("accounts:two-factor-disable"),
                           {"code": current_code(enrolled.totp)})
    assert response["Location"] == reverse("accounts:profile")
    assert not TOTPDevice.objects.filter(user=enrolled.user).exists()
    assert not StaticToken.objects.filter(device__user=enrolled.user).exists()
    entry = AuditEntry.objects.get(action="core.2fa.disabled")
    assert entry.actor == enrolled.user
    client.post(reverse("accounts:logout"))
    assert log_in(client, "zahra")["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_renewing_backup_codes_replaces_the_old_ones(client: Client, enrolled: Enrolled) -> None:
    log_in(client, "zahra")
    enter_code(client, current_code(enrolled.totp))
    response = client.post(reverse("accounts:two-factor-backup-codes"))
    assert response.status_code == 200
    shown = set(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode()))
    assert len(shown) == 10
    assert shown.isdisjoint(enrolled.backup_codes)
    stored = set(StaticToken.objects.filter(device__user=enrolled.user)
                 .values_list("token", flat=True))
    assert stored == shown


@pytest.mark.django_db
def test_the_profile_says_whether_two_factor_is_on(client: Client, enrolled: Enrolled) -> None:
    client.force_login(enrolled.user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "You have 3 unused backup codes." in html
    assert reverse("accounts:two-factor-disable") in html
    client.force_login(UserFactory(username="amina"))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:two-factor-start") in html

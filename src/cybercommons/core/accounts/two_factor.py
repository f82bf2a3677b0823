"""Two-factor authentication: TOTP authenticator apps with backup codes (django-otp).

An authenticator is enrolled in two steps: an unconfirmed device is made, its secret is
shown as a QR code, and only a correct code from the app confirms it, so a mistyped
secret can never lock anyone out. Confirming also issues backup codes (a static device).
Every enrolment and removal is written to the audit log.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cybercommons.core import services
from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import User

AUTHENTICATOR_NAME = "authenticator app"
BACKUP_NAME = "backup codes"
BACKUP_CODE_COUNT = 10


class WrongCode(ServiceError):
    """The code matched no device of the user (or the device is throttled)."""


def authenticator(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def is_enabled(user: User) -> bool:
    """True when a log-in needs a second factor from this user."""
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_authenticator(user: User) -> TOTPDevice | None:
    """The authenticator being set up and not yet confirmed by a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).first()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def start_enrolment(user: User) -> TOTPDevice:
    """Make a fresh unconfirmed authenticator (dropping any earlier unfinished attempt)."""
    if is_enabled(user):
        raise Conflict(_("Two-factor authentication is already on. Turn it off first to "
                         "change your authenticator app."))
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def confirm_enrolment(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it; returns it and backup codes."""
    with transaction.atomic():
        device = (TOTPDevice.objects.devices_for_user(user, confirmed=False)
                  .select_for_update().first())
        if device is None:
            raise ServiceError(_("Start the set-up again: no authenticator is waiting for "
                                 "confirmation."))
        # A failed check must still commit the throttling counter, so the outcome is
        # raised only after the transaction.
        confirmed = device.verify_token(code)
        if confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_backup_codes(user)
            services.record_two_factor_change(user, enabled=True, device_name=device.name)
    if not confirmed:
        raise WrongCode(_("That code is not right. Check the time on your phone and enter "
                          "the code the app shows now."), field="code")
    return device, codes


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        # A code of digits only would be read as an authenticator code: draw again.
        if code not in codes and not code.isdigit():
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def renew_backup_codes(user: User) -> list[str]:
    """Replace every backup code with ten new ones (the caller has verified the user)."""
    if not is_enabled(user):
        raise Conflict(_("Turn on two-factor authentication first."))
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        services.record_two_factor_change(user, enabled=True, device_name=BACKUP_NAME)
    return codes


def verify(user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (consuming it), or None.

    Six digits are checked against the authenticator only and anything else against the
    backup codes only, so a typo never counts as a failure on both and a backup code is
    never spent by accident.
    """
    if code.isdigit():
        candidates: list[Device] = list(
            TOTPDevice.objects.devices_for_user(user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for device in candidates:
        matched = otp_verify_token(user, device.persistent_id, code)
        if matched is not None:
            return matched
    return None


def is_throttled(user: User) -> bool:
    """True while a device refuses codes after repeated wrong ones (it backs off doubling)."""
    devices = [*TOTPDevice.objects.devices_for_user(user, confirmed=True),
               *StaticDevice.objects.devices_for_user(user, confirmed=True)]
    return any(not device.verify_is_allowed()[0] for device in devices)


def disable(user: User, code: str) -> None:
    """Remove the authenticator and backup codes; a current code proves the owner asks."""
    if not is_enabled(user):
        raise Conflict(_("Two-factor authentication is already off."))
    if verify(user, code) is None:
        raise WrongCode(_("That code is not right."), field="code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        services.record_two_factor_change(user, enabled=False, device_name=AUTHENTICATOR_NAME)


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The enrolment address as an inline SVG QR code (dark on white so every app reads it)."""
    qr = segno.make(device.config_url, error="m")
    svg: str = qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title,
                             svgclass="qr-code")
    # Announced as one image named by its <title>, not as thousands of path fragments.
    return svg.replace("<svg ", '<svg role="img" ', 1)

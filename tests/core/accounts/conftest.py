"""Helpers of the account page tests: people with and without a second factor, and codes
computed from a device's key the way an authenticator app computes them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cybercommons.core.models import User
from tests.factories import PASSWORD, UserFactory


def current_code(device: TOTPDevice) -> str:
    """The code an app shows now, never one the device has already accepted.

    A device refuses a code of a time step it has already used, so a test that logs in
    twice within thirty seconds takes the code of the next step (inside the tolerance).
    """
    device.refresh_from_db()
    now_step = int(time.time() - device.t0) // device.step
    wanted = max(now_step + device.drift, device.last_t + 1)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=wanted - now_step)
    return str(code).zfill(device.digits)


def wrong_code(device: TOTPDevice) -> str:
    """A six-digit code that none of the nearby time steps would produce."""
    device.refresh_from_db()
    nearby = {
        str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift + offset)).zfill(device.digits)
        for offset in range(-device.tolerance - 2, device.tolerance + 3)
    }
    return next(code for code in (str(n).zfill(6) for n in range(100)) if code not in nearby)


@dataclass
class Enrolled:
    user: User
    totp: TOTPDevice
    backup_codes: list[str]


@pytest.fixture
def enrolled(db: None) -> Enrolled:
    """A person with a confirmed authenticator and three backup codes."""
    user = UserFactory(username="zahra", email="zahra@example.org")
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = ["abcd2345", "efgh6723", "ijkl4567"]
    for code in codes:
        StaticToken.objects.create(device=backup, token=code)
    return Enrolled(user, device, codes)


@pytest.fixture
def no_throttle(settings: object) -> None:
    """Let a right code follow a wrong one at once (devices otherwise back off a second)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # type: ignore[attr-defined]
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # type: ignore[attr-defined]


def log_in(client: Client, username: str, password: str = PASSWORD, next_url: str = "") -> Any:
    """Submit the log-in form as a browser does."""
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    """Password checks dominate these tests; a fast hasher keeps the suite quick (the
    hasher's strength is Django's concern, not what these tests check)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]

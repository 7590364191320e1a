"""Helpers for tests that sign in with a second factor (used by accounts' tests and the browser fixtures)."""

import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(key: bytes, *, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for `key` at time `at` (now by default)."""
    totp = TOTP(key)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def code_from_setup_key(setup_key: str, *, at: float | None = None) -> str:
    """The code for a key as the set-up page shows it (base32 in groups of four)."""
    return totp_code(b32decode(setup_key.replace(" ", "")), at=at)


def give_authenticator(user) -> TOTPDevice:
    """A confirmed authenticator app for `user` (as if they had set one up)."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def next_code(device: TOTPDevice) -> str:
    """A code the device will accept now: the current one, or the next step's when the current one has been used
    (django-otp refuses a code twice, and accepts one step ahead)."""
    device.refresh_from_db()
    now = time.time()
    step = int(now // device.step)
    if device.last_t >= step:
        now += device.step * (device.last_t - step + 1)
    return totp_code(device.bin_key, at=now)

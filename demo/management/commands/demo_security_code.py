"""`manage.py demo_security_code`: the current two-factor code of the demo manager and admin sign-ins."""

import time
from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from demo.seed import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = (
        "Print the security code the demo manager and admin sign-ins need now (they share the published demo "
        "authenticator key). Codes change every 30 seconds."
    )

    def handle(self, *args, **options):
        totp = TOTP(b32decode(DEMO_TOTP_KEY))
        totp.time = time.time()
        left = 30 - int(totp.time) % 30
        self.stdout.write(f"{totp.token():06d}  (changes in {left} seconds; key {DEMO_TOTP_KEY})")

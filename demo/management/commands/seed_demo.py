"""`manage.py seed_demo`: the demo data `make run` shows, entered through the portal's services (demo.seed)."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from demo import seed


class Command(BaseCommand):
    help = (
        "Create realistic demo data: schools, ICBs, 2 providers, 8 mediators, a sign-in for each role and cases at "
        "every stage, each step entered through the portal's own services on the day it happened (dated back from "
        "today). Safe to run again: it adds no cases while the demo's cases are there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=seed.DEFAULT_SEED,
            dest="rng_seed",
            help=f"Random seed for the families' names and details (default {seed.DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--password",
            default=seed.DEMO_PASSWORD,
            help="Password for every demo sign-in (default: the published demo password).",
        )
        parser.add_argument(
            "--reset-cases",
            action="store_true",
            help="Delete the cases this command made before seeding (cases entered through the portal stay).",
        )
        parser.add_argument(
            "--without-cases",
            action="store_true",
            help="Only the reference data and the demo sign-ins.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even though DEBUG is off. The demo sign-ins have published passwords: never use this "
            "on a live service.",
        )

    def handle(self, *args, rng_seed, password, reset_cases, without_cases, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "DEBUG is off, so this may be a live service: demo sign-ins with published passwords would be a "
                "way in. Use the development settings, or pass --allow-without-debug on a scratch database."
            )
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        # The services tell mediators of their referrals and sessions by email; the demo's mediators have made-up
        # addresses, and the development mailer would print every message, so the demo's messages are dropped.
        with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
            report = seed.run(
                rng_seed=rng_seed, password=password, reset_cases=reset_cases, with_cases=not without_cases
            )

        out = self.stdout
        if report.cases_removed:
            out.write(f"Removed {report.cases_removed:,} seeded cases.")
        out.write(f"Added {report.cases_added:,} cases.")
        width = max(len(label) for label in report.counts)
        for label, count in report.counts.items():
            out.write(f"  {label:<{width}}  {count:>9,}")
        out.write(f"Finished in {report.seconds:.1f} seconds.")
        if report.timings:
            out.write("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.timings.items()))
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo sign-ins"))
        user_width = max(len(username) for username, _, _ in report.sign_ins)
        pass_width = max(len(pw) for _, pw, _ in report.sign_ins)
        out.write(f"  {'Username':<{user_width}}  {'Password':<{pass_width}}  Role")
        for username, pw, role in report.sign_ins:
            out.write(f"  {username:<{user_width}}  {pw:<{pass_width}}  {role}")
        out.write("")
        out.write(
            f"manager and admin also need a security code: add the key {seed.DEMO_TOTP_KEY} to an authenticator "
            "app, or run `manage.py demo_security_code` for the current code."
        )

"""Set up the test provider: its database, signing key, the portal as a client, and users with groups.

    idp_setup --redirect-uri URI ... --post-logout-uri URI ... --user username:password:First:Last:email:group,group
Run again with just --user to change users (their groups, say) while the provider is running.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType, RSAKey

CLIENT_ID = "sendportal-test"
CLIENT_SECRET = "sendportal-test-secret-0123456789"


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--redirect-uri", action="append", default=[])
        parser.add_argument("--post-logout-uri", action="append", default=[])
        parser.add_argument("--user", action="append", default=[])

    def handle(self, *args, redirect_uri, post_logout_uri, user, **options):
        if redirect_uri:
            call_command("migrate", verbosity=0, interactive=False)
            if not RSAKey.objects.exists():
                call_command("creatersakey", verbosity=0)
            client, _ = Client.objects.update_or_create(
                client_id=CLIENT_ID,
                defaults={
                    "name": "sendportal",
                    "client_type": "confidential",
                    "client_secret": CLIENT_SECRET,
                    "jwt_alg": "RS256",
                    "require_consent": False,
                    "reuse_consent": True,
                },
            )
            client.redirect_uris = redirect_uri
            client.post_logout_redirect_uris = post_logout_uri
            client.scope = ["openid", "email", "profile"]
            client.save()
            client.response_types.set([ResponseType.objects.get(value="code")])
        for spec in user:
            username, password, first, last, email, groups = spec.split(":", 5)
            account, _ = get_user_model().objects.update_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "email": email}
            )
            account.set_password(password)
            account.save()
            account.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups.split(",") if name])

from django.apps import AppConfig


class IdpConfig(AppConfig):
    name = "accounts.tests.idp"
    label = "idp"
    verbose_name = "Test identity provider"

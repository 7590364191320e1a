from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SuperuserAdminConfig(admin_apps.AdminConfig):
    """The Django admin, open to superusers only (reference data is kept there)."""

    default = False
    default_site = "sendportal.admin.SuperuserAdminSite"


class SendportalConfig(AppConfig):
    default = True
    name = "sendportal"
    verbose_name = "SEND portal"

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SuperuserAdminConfig(admin_apps.AdminConfig):
    """The Django admin, open to superusers only (reference data is kept there)."""

    default = False
    default_site = "sendportal.admin.SuperuserAdminSite"


class SendportalConfig(AppConfig):
    default = True
    name = "sendportal"
    # The user's tables are auth's, made with integer keys (the link tables' too): new databases match them.
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "SEND portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import note_session_refreshed

        user_logged_in.connect(note_session_refreshed, dispatch_uid="sendportal.note_session_refreshed")

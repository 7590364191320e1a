from django.contrib.admin import AdminSite


class SuperuserAdminSite(AdminSite):
    site_header = "sendportal administration"
    site_title = "sendportal admin"
    index_title = "Reference data"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

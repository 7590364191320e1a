from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from cases.views_deadlines import deadline_list
from cases.views_profile import profile

from . import views

# A database that cannot answer gives the 503 page with Retry-After; anything else the plain 500 page.
handler400 = "sendportal.views.bad_request"
handler500 = "sendportal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", account_views.sign_in, name="login"),
    path("sign-out/", account_views.sign_out, name="logout"),
    path("", include("accounts.urls")),
    path("profile/", profile, name="profile"),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("", include("letters.urls")),
    path("", include("documents.urls")),
    path("deadlines/", deadline_list, name="deadlines"),
    path("", include("dashboards.urls")),
    path("", include("privacy.urls")),
    path("help/", include("guide.urls")),
    path("admin/", admin.site.urls),
]

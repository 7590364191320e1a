from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from cases.views_deadlines import deadline_list
from cases.views_profile import profile

from . import views

# A database that cannot answer gives the 503 page with Retry-After; anything else the plain 500 page.
handler500 = "sendportal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "sign-in/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", profile, name="profile"),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("deadlines/", deadline_list, name="deadlines"),
    path("", include("dashboards.urls")),
    path("admin/", admin.site.urls),
]

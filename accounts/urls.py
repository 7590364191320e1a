from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/security-code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/set-up-two-factor/", views.sign_in_set_up, name="sign_in_set_up"),
    path("sign-in/council/", views.sso_start, name="sso_start"),
    path("sign-in/council/callback/", views.sso_callback, name="sso_callback"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/two-factor/set-up/", views.two_factor_set_up, name="two_factor_set_up"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/two-factor/turn-off/", views.two_factor_remove, name="two_factor_remove"),
    path("account/sessions/", views.session_list, name="sessions"),
    path("account/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("account/sessions/end-others/", views.session_end_others, name="session_end_others"),
]

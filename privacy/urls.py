from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    # Public pages, linked from every page's footer.
    path("privacy-notice/", views.privacy_notice, name="privacy_notice"),
    path("accessibility-statement/", views.accessibility_statement, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    # Data protection (managers and the data protection role).
    path("data-protection/", views.home, name="home"),
    path("data-protection/cases/<int:pk>/", views.case_page, name="case"),
    path("data-protection/cases/<int:pk>/legal-hold/", views.hold_place, name="hold_place"),
    path("data-protection/cases/<int:pk>/legal-hold/lift/", views.hold_lift, name="hold_lift"),
    path("data-protection/subject-access/", views.subject_access_start, name="subject_access"),
    path("data-protection/subject-access/export/", views.subject_access_export, name="subject_access_export"),
    path("data-protection/access-log/cases/", views.access_log_cases, name="access_log_cases"),
    path("data-protection/access-log/cases/<int:pk>/", views.access_log_case, name="access_log_case"),
    path("data-protection/access-log/cases/<int:pk>/log.csv", views.access_log_case_csv, name="access_log_case_csv"),
    path("data-protection/access-log/people/", views.access_log_people, name="access_log_people"),
    path("data-protection/access-log/people/<int:pk>/", views.access_log_person, name="access_log_person"),
    path(
        "data-protection/access-log/people/<int:pk>/log.csv",
        views.access_log_person_csv,
        name="access_log_person_csv",
    ),
    path("data-protection/retention/", views.retention, name="retention"),
]

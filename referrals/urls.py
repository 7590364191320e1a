from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/respond/", views.referral_respond, name="respond"),
    path("<int:pk>/notify-icb/", views.referral_notify_icb, name="notify_icb"),
    path("<int:pk>/assign/", views.referral_assign, name="assign"),
    path("<int:pk>/sessions/", views.session_schedule, name="session_schedule"),
    path("<int:pk>/sessions/<int:session_pk>/record/", views.session_record, name="session_record"),
    path("<int:pk>/not-held/", views.referral_not_held, name="not_held"),
    path("<int:pk>/conclude/", views.referral_conclude, name="conclude"),
    path("<int:pk>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("<int:pk>/la-conceded/", views.referral_la_conceded, name="la_conceded"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/certificate/", views.certificate_issue, name="certificate"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.shared_document_download, name="document"),
    path("<int:pk>/correct-dates/", views.referral_correct_dates, name="correct_dates"),
    path("<int:pk>/sessions/<int:session_pk>/correct/", views.session_correct, name="session_correct"),
    path("<int:pk>/correct-outcome/", views.outcome_correct, name="outcome_correct"),
    path("certificates/<int:pk>/download/", views.certificate_download, name="certificate_download"),
    path("certificates/<int:pk>/confirm/", views.certificate_review_confirm, name="certificate_confirm"),
    path("case/<int:case_pk>/adviser-contact/correct/", views.adviser_contact_correct, name="adviser_contact_correct"),
    path("case/<int:case_pk>/appeals/<int:appeal_pk>/correct/", views.appeal_correct, name="appeal_correct"),
    path("case/<int:case_pk>/adviser-contact/", views.adviser_contact, name="adviser_contact"),
    path("case/<int:case_pk>/refer/", views.referral_create, name="create"),
    path("case/<int:case_pk>/drs/", views.drs_refer, name="drs_refer"),
    path("case/<int:case_pk>/drs/<int:drs_pk>/", views.drs_record, name="drs_record"),
    path("case/<int:case_pk>/appeals/", views.appeal_add, name="appeal_add"),
    path("case/<int:case_pk>/appeals/<int:appeal_pk>/outcome/", views.appeal_outcome, name="appeal_outcome"),
    path("case/<int:case_pk>/certificate/", views.case_certificate_issue, name="case_certificate"),
    path("case/<int:case_pk>/compliance/", views.compliance_done, name="compliance_done"),
]

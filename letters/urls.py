from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("cases/<int:pk>/letters/", views.letter_draft, name="draft"),
    path("cases/<int:pk>/letters/record/", views.letter_record, name="record"),
    path("cases/<int:pk>/letters/<slug:kind>.pdf", views.letter_file, {"fmt": "pdf"}, name="pdf"),
    path("cases/<int:pk>/letters/<slug:kind>.docx", views.letter_file, {"fmt": "docx"}, name="docx"),
    path("cases/<int:pk>/letters/sent/<int:letter_pk>.pdf", views.letter_sent_file, {"fmt": "pdf"}, name="sent_pdf"),
    path("cases/<int:pk>/letters/sent/<int:letter_pk>.docx", views.letter_sent_file, {"fmt": "docx"}, name="sent_docx"),
]

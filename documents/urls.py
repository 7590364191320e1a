from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:pk>/documents/", views.document_upload, name="upload"),
    path("cases/<int:pk>/documents/<int:document_pk>/", views.document_download, name="download"),
    path("cases/<int:pk>/documents/<int:document_pk>/share/", views.document_share, name="share"),
    path("cases/<int:pk>/documents/<int:document_pk>/remove/", views.document_remove, name="remove"),
]

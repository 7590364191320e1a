from django.urls import path

from . import views, views_deadlines

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/status/", views.case_change_status, name="status"),
    path("<int:pk>/notes/", views.case_note_add, name="note_add"),
    path("<int:pk>/clocks/<int:deadline_pk>/waive/", views_deadlines.deadline_waive, name="deadline_waive"),
]

from django.urls import path

from . import views, views_deadlines, views_team

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("reassign/", views_team.reassign, name="reassign"),
    path("cover/", views_team.cover, name="cover"),
    path("cover/<int:pk>/end/", views_team.cover_end, name="cover_end"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/status/", views.case_change_status, name="status"),
    path("<int:pk>/notes/", views.case_note_add, name="note_add"),
    path("<int:pk>/clocks/<int:deadline_pk>/waive/", views_deadlines.deadline_waive, name="deadline_waive"),
]

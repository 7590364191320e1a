from django.urls import path

from . import views, views_exports

app_name = "dashboards"

urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("dashboard/", views.management, name="management"),
    path("mediator/", views.mediator, name="mediator"),
    path("exports/cases.csv", views.export_cases, name="export_cases"),
    path("exports/sen2.csv", views.export_sen2, name="export_sen2"),
    path("exports/", views_exports.export_history, name="export_history"),
]

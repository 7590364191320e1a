from django.urls import path

from . import views

app_name = "guide"

urlpatterns = [
    path("", views.index, name="index"),
    path("clocks/", views.clocks, name="clocks"),
    path("statuses/", views.statuses, name="statuses"),
    path("<slug:role>/", views.role, name="role"),
]

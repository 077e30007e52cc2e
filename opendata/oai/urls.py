from django.urls import path

from opendata.oai import views

app_name = "oai"
urlpatterns = [
    path("", views.endpoint, name="endpoint"),
]

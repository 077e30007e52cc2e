from django.urls import path

from health import views

urlpatterns = [
    path("", views.liveness, name="health_liveness"),
    path("ready/", views.ReadinessView.as_view(), name="health_readiness"),
]

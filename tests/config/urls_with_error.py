"""A view that fails, for the log tests."""

from django.urls import path


def boom(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", boom)]

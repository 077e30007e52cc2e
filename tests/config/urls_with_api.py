"""The site's URLs plus one stand-in endpoint under /api/v1/, for the rate-limit tests while the
open API itself has no endpoint to call."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def items(request):
    return JsonResponse({"items": []})


urlpatterns = [path("api/v1/items/", items), *site_urlpatterns]

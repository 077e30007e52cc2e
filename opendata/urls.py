"""Open data endpoints, mounted without a language prefix: an aggregator, a IIIF viewer or an
API client asks for one URL whatever the visitor's language; language maps carry the rest."""

from django.urls import include, path

urlpatterns = [
    path("oai/", include("opendata.oai.urls")),
    path("iiif/", include("opendata.iiif.urls")),
    path("api/v1/", include("opendata.api.urls")),
]

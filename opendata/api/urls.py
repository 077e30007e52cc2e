"""The read-only open API, version 1: the NinjaAPI's URLs (opendata.api.views), under the
"api" namespace (`api:items`, `api:item`, `api:trades`, `api:trades_jsonld`,
`api:institutions`, `api:map`, `api:openapi-json`, `api:openapi-view`)."""

from opendata.api.views import api

app_name = "api"
urlpatterns = api.urls[0]

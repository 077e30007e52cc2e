"""The read-only open API, version 1, at /api/v1/ (django-ninja: see the README for why).

Endpoints are thin: parameters in, a selector or the search contract, a record builder, a
JSON answer with validators (opendata.api.http). Every error is a problem details object
(opendata.api.problems); the OpenAPI schema is at /api/v1/openapi.json and its docs at
/api/v1/docs (Swagger UI served from our static files: no CDN, no inline script).
"""

from __future__ import annotations

import math
from typing import Literal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

from archive.selectors import item_for_visitor
from opendata.api import maps, schemas, selectors
from opendata.api.http import json_response
from opendata.api.problems import PROBLEM_CONTENT_TYPE, problem_response
from opendata.api.queries import ItemsParameters, items_query
from opendata.api.records import item_record, summary
from opendata.api.skos import exact_matches, vocabulary_jsonld
from search.contract import MAX_RESULT_WINDOW
from search.engines import EngineUnavailable, get_engine
from search.forms import parse_bbox

Language = Literal[tuple(code for code, _name in settings.LANGUAGES)]  # type: ignore[valid-type]
Layer = Literal["members", "sites", "items"]
Kind = Literal["photo", "oral_history", "savoir_faire"]
SortOrder = Literal["relevance", "newest", "oldest"]
DEFAULT_PAGE_SIZE = 20  # the search page's: page N here is page N there
MAX_PAGE_SIZE = 100
ERRORS = {400: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem}
NOT_MODIFIED = {"responses": {"304": {"description": "Not Modified (conditional GET)."}}}
JSON_LD = "application/ld+json"
GEOJSON = "application/geo+json"
# The API answers every client as an anonymous visitor, logged in on the site or not: what it
# shows (and caches) is what the public site shows.
ANONYMOUS = AnonymousUser()


class OpenAPI(NinjaAPI):
    """NinjaAPI whose schema says which media type each answer really has."""

    media_types: dict[str, str] = {}

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                own = self.media_types.get(operation.get("operationId", ""))
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if "application/json" not in content:
                        continue
                    if int(status) >= 400:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
                    elif own:
                        response["content"] = {own: content["application/json"]}
        return schema


api = OpenAPI(
    title="Fabrique open API",
    version="1",
    description=(
        "Read-only access to the public archive of the network: items (the search page's "
        "parameters and results), trades (also as SKOS JSON-LD), institutions, and the "
        "heritage map's GeoJSON. Errors are RFC 9457 problem details."
    ),
    urls_namespace="api",
)


def _absolute(request):
    """path -> full URL; the scheme and host are read once per request, not once per link
    (a map answer holds hundreds)."""
    base = request.build_absolute_uri("/").rstrip("/")
    return lambda path: f"{base}{path}"


def _problems(status: int, title, messages: list[tuple[str, str]]):
    return problem_response(
        status,
        str(title),
        " ".join(message for _parameter, message in messages),
        errors=[{"parameter": parameter, "detail": message} for parameter, message in messages],
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    # `loc` is (source, parameter[, index of a repeated value])
    messages = [
        (str((list(error.get("loc", ())) + ["", ""])[1]), str(error.get("msg", "")))
        for error in exc.errors
    ]
    return _problems(422, _("Invalid parameters"), messages)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(404, gettext("Not found"), str(exc) if str(exc) else "")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem_response(exc.status_code, detail=str(exc))


# --- Items -----------------------------------------------------------------------------------


def _page_url(request, page: int) -> str:
    pairs = [(key, value) for key, value in request.GET.lists() if key != "page"]
    flat = [(key, value) for key, values in pairs for value in values]
    if page > 1:
        flat.append(("page", str(page)))
    return request.build_absolute_uri(f"{request.path}?{urlencode(flat)}" if flat else request.path)


@api.get(
    "/items/",
    response={200: schemas.ItemPage, **ERRORS, 503: schemas.Problem},
    url_name="items",
    openapi_extra=NOT_MODIFIED,
    summary="Search the public archive",
)
def items(
    request,
    text: str = Query("", max_length=200, description="Words, as in the search box."),
    trade: list[str] = Query(None, description="Trade slug (or id or label); narrower included."),
    place: str = Query("", max_length=200, description="A commune, a region or a country."),
    bbox: str = Query("", max_length=200, description="south,west,north,east in degrees."),
    kind: list[Kind] = Query(None),
    institution: list[str] = Query(None, description="Institution code."),
    period: str = Query("", max_length=9, description="1950-1960, 1950, 1950- or -1960."),
    tag: list[str] = Query(None, description="Tag slug; every tag given is required."),
    sort: SortOrder = Query("relevance"),
    page: int = Query(1, ge=1, le=MAX_RESULT_WINDOW),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    lang: Language = Query("fr", description="Language of labels, links and messages."),
):
    """The search page's results for the same parameters, in the same order (the search
    contract and the search form's reading of the parameters; nothing else)."""
    parameters = ItemsParameters(
        text=text,
        trade=tuple(trade or ()),
        place=place,
        bbox=bbox,
        kind=tuple(kind or ()),
        institution=tuple(institution or ()),
        period=period,
        tag=tuple(tag or ()),
        sort=sort,
        page=page,
        page_size=page_size,
        lang=lang,
    )
    with translation.override(lang):
        asked, errors = items_query(parameters)
        if asked is None:
            return _problems(400, gettext("Invalid parameters"), errors)
        try:
            results = get_engine().search(asked.query)
        except EngineUnavailable:
            return problem_response(503, detail=gettext("Search is unavailable for a moment."))
        last_page = max(
            1, min(math.ceil(results.total / page_size), MAX_RESULT_WINDOW // page_size)
        )
        if page > last_page:
            return problem_response(
                404,
                gettext("Not found"),
                gettext("There is no page %(number)s: the last one is %(last)s.")
                % {"number": page, "last": last_page},
            )
        found = selectors.items_summarised(
            ids=[hit.item_id for hit in results.hits], locale_id=asked.locale_id
        )
        absolute = _absolute(request)
        data = {
            "count": results.total,
            "page": page,
            "page_size": page_size,
            "next": _page_url(request, page + 1) if page < last_page else None,
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "results": [summary(row, absolute) for row in found],
        }
        return json_response(request, data)


@api.get(
    "/items/{identifier}/",
    response={200: schemas.ItemRecord, **ERRORS},
    url_name="item",
    openapi_extra=NOT_MODIFIED,
    summary="One public item",
)
def item(request, identifier: str, lang: Language = Query("fr")):
    """The full public record: metadata, trades, place, images with rendition URLs, media,
    and links to the item page, its IIIF manifest and its OAI-PMH record."""
    with translation.override(lang):
        locale = selectors.locale_for(language=lang)
        found = item_for_visitor(
            user=ANONYMOUS, identifier=identifier, locale_id=locale.pk if locale else None
        )
        if found is None:
            return problem_response(
                404,
                gettext("Not found"),
                gettext("No public item has this identifier."),
            )
        modified = max(filter(None, (found.updated_at, found.published_at)))
        return json_response(
            request, item_record(found, _absolute(request)), last_modified=modified
        )


# --- Trades ----------------------------------------------------------------------------------


def _scheme_uri(request) -> str:
    return request.build_absolute_uri(reverse("api:trades_jsonld"))


@api.get(
    "/trades/",
    response={200: schemas.Trades, **ERRORS},
    url_name="trades",
    openapi_extra=NOT_MODIFIED,
    summary="The trade vocabulary",
)
def trades(request):
    """Every trade with its labels in the five languages, broader and narrower trades (by
    slug), Getty AAT and Wikidata ids. The same as SKOS: `trades.jsonld`, or this URL with
    `Accept: application/ld+json`."""
    if JSON_LD in request.headers.get("Accept", "").split(",")[0]:
        return trades_jsonld(request)
    concepts = selectors.trades_vocabulary()
    scheme = _scheme_uri(request)
    data = {
        "count": len(concepts),
        "results": [
            {
                "slug": concept.slug,
                "uri": f"{scheme}#{concept.slug}",
                "labels": concept.labels,
                "broader": concept.broader,
                "narrower": list(concept.narrower),
                "aat_id": concept.aat_id,
                "wikidata_id": concept.wikidata_id,
                "exact_match": exact_matches(concept),
            }
            for concept in concepts
        ],
    }
    response = json_response(request, data)
    response["Link"] = f'<{scheme}>; rel="alternate"; type="{JSON_LD}"'
    return response


@api.get(
    "/trades.jsonld",
    response={200: dict, **ERRORS},
    url_name="trades_jsonld",
    openapi_extra=NOT_MODIFIED,
    summary="The trade vocabulary as SKOS (JSON-LD)",
)
def trades_jsonld(request):
    """A skos:ConceptScheme; each trade a skos:Concept with prefLabel per language,
    broader, narrower and exactMatch (AAT, Wikidata)."""
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = gettext("Trades of industrial heritage")
    data = vocabulary_jsonld(
        selectors.trades_vocabulary(), scheme=_scheme_uri(request), titles=titles
    )
    return json_response(request, data, content_type=JSON_LD)


# --- Institutions ----------------------------------------------------------------------------


@api.get(
    "/institutions/",
    response={200: schemas.Institutions, **ERRORS},
    url_name="institutions",
    openapi_extra=NOT_MODIFIED,
    summary="Member institutions contributing to the archive",
)
def institutions(request):
    absolute = _absolute(request)
    results = []
    for institution in selectors.institutions_with_counts():
        member = institution.member
        results.append(
            {
                "code": institution.code,
                "name": member.name,
                "kind": member.kind,
                "website": member.website,
                "commune": member.commune,
                "region": member.region,
                "country": member.country,
                "latitude": float(member.latitude) if member.latitude is not None else None,
                "longitude": float(member.longitude) if member.longitude is not None else None,
                "trades": sorted({trade.slug for trade in member.trades.all()}),
                "public_items": institution.public_items,
                "links": {
                    "items": absolute(
                        f"{reverse('api:items')}?{urlencode({'institution': institution.code})}"
                    ),
                    "iiif:collection": absolute(
                        reverse("iiif:institution_collection", args=[institution.code])
                    ),
                },
            }
        )
    return json_response(request, {"count": len(results), "results": results})


# --- The heritage map ------------------------------------------------------------------------


@api.get(
    "/map/",
    response={200: schemas.FeatureCollection, **ERRORS},
    url_name="map",
    openapi_extra=NOT_MODIFIED,
    summary="The heritage map (GeoJSON)",
)
def heritage_map(
    request,
    layer: list[Layer] = Query(None, description="Repeatable; all three by default."),
    bbox: str = Query("", max_length=200, description="south,west,north,east in degrees."),
    zoom: int = Query(None, ge=0, le=20, description="The map's zoom."),
    trade: str = Query("", max_length=120, description="Trade slug: items and members."),
    lang: Language = Query("fr", description="Language of titles and links."),
):
    """Members, event sites (of events not yet over) and public archive items as Point
    features with {layer, title, url, trades}. Items are clustered on a grid at low zoom or
    when the viewport holds too many: {layer: "items", cluster: true, count, bbox}."""
    with translation.override(lang):
        errors = []
        box = None
        if bbox:
            box = parse_bbox(bbox)
            if box is None:
                errors.append(
                    (
                        "bbox",
                        gettext("Give the area as four numbers: south,west,north,east."),
                    )
                )
        trade_rows = selectors.trade_rows_under(slug=trade) if trade else None
        if trade and trade_rows is None:
            errors.append(("trade", gettext("No trade has this slug.")))
        if errors:
            return _problems(400, gettext("Invalid parameters"), errors)
        data = maps.map_features(
            layers=tuple(layer or maps.LAYERS),
            box=box,
            zoom=zoom,
            trade_rows=trade_rows,
            language=lang,
            absolute=_absolute(request),
        )
        return json_response(request, data, content_type=GEOJSON)


api.media_types = {
    "opendata_api_views_heritage_map": GEOJSON,
    "opendata_api_views_trades_jsonld": JSON_LD,
}

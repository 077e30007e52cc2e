"""Public search: /<lang>/search/ (the archive, with facets and a map, and the site's pages)
and /<lang>/search/suggest/ (autocomplete for trades and places).

Thin on purpose: SearchForm turns the query string into an ArchiveQuery, the configured engine
answers it, search.display lays the answer out. The engine only ever holds what anonymous
visitors may see, and the hits are read back through archive.selectors, which drops anything
the visitor may not see should the index lag behind the database.
"""

from __future__ import annotations

import math
from dataclasses import replace

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wagtail.models import Locale

from archive.selectors import items_for_search_hits
from search import display
from search.contract import ArchiveQuery, ArchiveResults, Sort
from search.engines import EngineUnavailable, get_engine
from search.forms import MAX_PAGE, SearchForm, single_line
from search.pages import pages_search

SUGGEST_FIELDS = ("trade", "place")
SUGGEST_MAX_LENGTH = 60
SUGGEST_LIMIT = 10
SORT_CHOICES = [
    (Sort.RELEVANCE, _("Relevance")),
    (Sort.NEWEST, _("Newest first")),
    (Sort.OLDEST, _("Oldest first")),
]


def _item_url(identifier: str) -> str:
    return reverse("archive:detail", args=[identifier])


@require_GET
def search(request):
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        locale = None
    form = SearchForm(request.GET, language=get_language(), locale_id=locale.pk if locale else None)
    form.is_valid()  # always true: what cannot be used is dropped with a notice
    query = form.query
    params = form.params
    pages = pages_search(
        text=query.text, locale=locale, number=_pages_number(request.GET.get("pages"))
    )
    context = {
        "form": form,
        "hidden_params": [(k, v) for k, v in params if k not in ("q", "sort", "from", "to")],
        "text": query.text,
        "sort": query.sort,
        "year_from": query.year_from,
        "year_to": query.year_to,
        "pages": pages,
        "pages_previous_url": _pages_url(params, pages, -1),
        "pages_next_url": _pages_url(params, pages, +1),
    }
    try:
        query, results = _search(form, query)
    except EngineUnavailable:
        return TemplateResponse(request, "search/unavailable.html", context, status=503)

    last_page = max(1, min(MAX_PAGE, math.ceil(results.total / query.per_page)))
    items = items_for_search_hits(
        ids=[hit.item_id for hit in results.hits], user=request.user, locale_id=form.locale_id
    )
    active_filters = [
        (f.label, display.url(display.without(params, *f.params))) for f in form.active_filters
    ]
    context.update(
        results=results,
        rows=display.result_rows(results.hits, items, item_url=_item_url),
        facets=display.build_facets(results, params),
        pagination=display.pagination(params, number=query.page, count=last_page),
        active_filters=active_filters,
        clear_filters_url=display.url([(k, v) for k, v in params if k in ("q", "sort")]),
        sort_choices=SORT_CHOICES,
        map_clusters=display.map_clusters(results, item_url=_item_url),
        map_strings=display.map_strings(),
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        bbox=form.cleaned_data.get("bbox"),
        notices=form.notices,
    )
    return TemplateResponse(request, "search/search.html", context)


def _search(form: SearchForm, query: ArchiveQuery) -> tuple[ArchiveQuery, ArchiveResults]:
    """Ask the engine; a page past the last one shows the last one, saying so."""
    engine = get_engine()
    results = engine.search(query)
    last_page = max(1, math.ceil(results.total / query.per_page))
    if query.page > last_page:
        form.notice(
            gettext("There is no page %(number)s: showing the last page.") % {"number": query.page}
        )
        query = replace(query, page=last_page)
        if results.total:
            results = engine.search(query)
    return query, results


def _pages_url(params, pages, step: int) -> str:
    if pages is None:
        return ""
    number = pages.number + step
    if not 1 <= number <= pages.paginator.num_pages:
        return ""
    return display.url([*params, ("pages", str(number))])


def _pages_number(value: str | None) -> int:
    """The page of the pages section: a small positive number, else 1."""
    value = single_line(value or "")
    return max(1, int(value)) if value.isascii() and value.isdigit() and len(value) < 6 else 1


@require_GET
def suggest(request):
    """Autocomplete: `?field=trade|place&q=tis` -> {"suggestions": ["Tisserand", ...]}, labels
    of what visible items hold, in the visitor's language."""
    field = request.GET.get("field", "")
    if field not in SUGGEST_FIELDS:
        return JsonResponse(
            {"error": gettext("Ask for suggestions of a trade or a place."), "suggestions": []},
            status=400,
        )
    prefix = single_line(request.GET.get("q", ""))[:SUGGEST_MAX_LENGTH]
    suggestions: list[str] = []
    if prefix:
        try:
            suggestions = get_engine().suggest(
                field=field, prefix=prefix, language=get_language(), limit=SUGGEST_LIMIT
            )
        except EngineUnavailable:
            return JsonResponse(
                {"error": gettext("Search is unavailable for a moment."), "suggestions": []},
                status=503,
            )
    response = JsonResponse({"field": field, "query": prefix, "suggestions": suggestions})
    response["Cache-Control"] = "public, max-age=60"
    return response

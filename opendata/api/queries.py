"""The API's `items/` parameters read into the search contract's ArchiveQuery, by the search
page's own form (search.forms.SearchForm): the same parameters give the same query, hence the
same results. Where the page drops a value it cannot use and says so, the API refuses the
request with the form's message."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext

from opendata.api import selectors
from search.contract import MAX_RESULT_WINDOW, ArchiveQuery
from search.forms import SearchForm

PERIOD = re.compile(r"^(?P<start>\d{1,4})?(?:(?P<dash>-)(?P<end>\d{1,4})?)?$", re.ASCII)


@dataclass(frozen=True)
class ItemsParameters:
    """What a client asked `items/` for, as the API's schema validated it."""

    text: str = ""
    trade: tuple[str, ...] = ()
    place: str = ""
    bbox: str = ""
    kind: tuple[str, ...] = ()
    institution: tuple[str, ...] = ()
    period: str = ""
    tag: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    lang: str = "fr"


def period_years(value: str) -> tuple[str, str] | None:
    """ "1950-1960", "1950" (that year), "1950-" or "-1960" -> (from, to) as the search form
    reads them ("" for an open end); None when it is none of these."""
    match = PERIOD.match(value)
    if not match or not (match["start"] or match["end"]):
        return None
    start, end = match["start"] or "", match["end"] or ""
    if not match["dash"]:
        end = start
    return start, end


def _form_data(parameters: ItemsParameters, years: tuple[str, str] | None) -> MultiValueDict:
    """The parameters under the search page's names."""
    data = MultiValueDict()
    for name, value in (
        ("q", parameters.text),
        ("place", parameters.place),
        ("bbox", parameters.bbox),
        ("sort", parameters.sort),
    ):
        if value:
            data[name] = value
    for name, values in (
        ("trade", parameters.trade),
        ("kind", parameters.kind),
        ("institution", parameters.institution),
        ("tag", parameters.tag),
    ):
        if values:
            data.setlist(name, list(values))
    if years:
        data["from"], data["to"] = years
    return data


@dataclass(frozen=True)
class ItemsQuery:
    """The contract's query, and the locale of the asked language (labels of trades)."""

    query: ArchiveQuery
    locale_id: int | None


def items_query(parameters: ItemsParameters) -> tuple[ItemsQuery | None, list[tuple[str, str]]]:
    """(query, []) or (None, [(parameter, message), ...]); messages in the active language.
    The parameter is "" when the search form's message does not say which one it is about."""
    years = None
    if parameters.period:
        years = period_years(parameters.period)
        if years is None:
            message = gettext("Give a period as 1950-1960, 1950, 1950- or -1960.")
            return None, [("period", message)]
    if parameters.page * parameters.page_size > MAX_RESULT_WINDOW:
        message = gettext("Only the first %(count)d results can be paged through.") % {
            "count": MAX_RESULT_WINDOW
        }
        return None, [("page", message)]
    locale = selectors.locale_for(language=parameters.lang)
    form = SearchForm(
        _form_data(parameters, years),
        language=parameters.lang,
        locale_id=locale.pk if locale else None,
    )
    form.is_valid()  # always true: what the page cannot use becomes a notice
    if form.notices:
        return None, [("", notice) for notice in form.notices]
    # Map clusters are the search page's business, not the list's.
    query = replace(form.query, page=parameters.page, per_page=parameters.page_size, map_zoom=None)
    return ItemsQuery(query=query, locale_id=locale.pk if locale else None), []

"""The site's pages (news, programmes, events and the rest) found by the same search box,
through Wagtail's own search (the database backend by default, Elasticsearch when settings
say so)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils.text import capfirst

from wagtail.models import Locale, Page

from search.engines.analysis import plain_words

PAGES_PER_PAGE = 5


@runtime_checkable
class SearchResultPage(Protocol):
    """A page type whose results show when it happens: it defines `search_result_date`.

    `search` may not import the apps whose pages it finds, so page types opt in by shape.
    """

    def search_result_date(self) -> date | datetime | int | None:
        """The day or moment the page is about, only its year (an int), or None."""


@dataclass
class PageResult:
    page: Page
    type_label: str
    date: date | datetime | None
    year: int | None


def pages_search(*, text: str, locale: Locale | None, number: int) -> PaginatorPage | None:
    """Live, public pages of the visitor's language matching `text`, best first, one page of
    PAGES_PER_PAGE at a time (`number` past the end gives the last page); None without a
    word to search for. Wagtail parses what it is given: it only ever gets plain words."""
    words = plain_words(text)
    if not words:
        return None
    pages = Page.objects.live().public().filter(depth__gt=1)
    if locale is not None:
        pages = pages.filter(locale=locale)
    results = Paginator(pages.search(words), PAGES_PER_PAGE).get_page(number)
    # One query per page type for the specific fields (dates) the list shows.
    specific = {p.pk: p for p in Page.objects.filter(pk__in=[p.pk for p in results]).specific()}
    results.object_list = [
        _result(specific.get(p.pk, p)) for p in results.object_list if p.pk in specific
    ]
    return results


def _result(page: Page) -> PageResult:
    when = page.search_result_date() if isinstance(page, SearchResultPage) else None
    return PageResult(
        page=page,
        type_label=capfirst(page._meta.verbose_name),
        date=when if isinstance(when, date) else None,
        year=when if isinstance(when, int) else None,
    )

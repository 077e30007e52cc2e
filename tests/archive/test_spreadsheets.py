"""Spreadsheet cells that a program would run as a formula are written as text."""

import datetime
from decimal import Decimal

from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.forms.utils import get_form_types
from wagtail.snippets.models import get_snippet_models

import pytest

from archive.spreadsheets import SafeSpreadsheetExportMixin, spreadsheet_safe

OUR_APPS = {"archive", "home", "newsletter", "search"}


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.invalid","clic")',
        "+33 1 23 45 67 89",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_starting_like_a_formula_is_prefixed_with_a_quote(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "Jeanne Martin",
        "jeanne@example.org",
        "École Jules Ferry",
        "1 + 1 = 2",
        " =1+1",
        "'déjà cité'",
        "",
        None,
        3,
        0,
        Decimal("12.5"),
        datetime.date(2026, 12, 7),
    ],
)
def test_ordinary_values_are_unchanged(value):
    assert spreadsheet_safe(value) == value


def exports(viewset) -> bool:
    """Whether a viewset's listing offers a spreadsheet export."""
    own = viewset.list_export
    if own is ViewSet.UNDEFINED:
        own = viewset.index_view_class.list_export
    return bool(own)


@pytest.mark.django_db
def test_every_csv_export_of_our_admin_neutralises_formulas(client):
    client.get("/admin/login/")  # builds the admin's URLs, which registers the viewsets
    registered = [*viewsets.viewsets, *(model.snippet_viewset for model in get_snippet_models())]
    views = [
        viewset.index_view_class
        for viewset in registered
        if isinstance(viewset, ModelViewSet)
        and viewset.model._meta.app_label in OUR_APPS
        and exports(viewset)
    ]
    views += [
        content_type.model_class()().get_submissions_list_view_class()
        for content_type in get_form_types()
        if content_type.app_label in OUR_APPS
    ]

    assert len(views) >= 3  # registrations, subscribers, contact form submissions
    assert [view for view in views if not issubclass(view, SafeSpreadsheetExportMixin)] == []

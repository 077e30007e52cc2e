"""Spreadsheet exports that never hand a formula to the person who opens them.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets ("CSV injection"): a visitor who registers as
`=HYPERLINK("http://…","…")` would otherwise put a live link into an organiser's spreadsheet.
OWASP's remedy is a leading `'`, which spreadsheets show as text. Wagtail's XLSX export already
writes such cells as text; its CSV export does not, hence `SafeSpreadsheetExportMixin` on every
admin view that exports CSV, and `spreadsheet_safe` for the CSV files we write ourselves.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value`, with a leading `'` if it is text a spreadsheet would read as a formula.
    Numbers, dates and other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's CSV/XLSX export with every CSV cell passed through `spreadsheet_safe`."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return spreadsheet_safe(value)
        return value

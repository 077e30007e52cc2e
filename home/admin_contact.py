"""The contact page's submissions in the admin: Wagtail's listing, with a CSV export that
hands no formula to the editor who opens it (see archive/spreadsheets.py)."""

from django.utils import timezone

from wagtail.contrib.forms.views import SubmissionsListView

from archive.spreadsheets import SafeSpreadsheetExportMixin


class ContactSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    def get_filename(self):
        # Wagtail dates the file by the server's clock, which is UTC: use the site's day.
        return f"{self.form_page.slug}-export-{timezone.localdate().isoformat()}"

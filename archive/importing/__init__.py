"""Bulk import of archive items: a CSV file of metadata, with their media in a folder or a ZIP.

One file is imported all or nothing, and importing it again creates no duplicates: each row is
read and checked (`plan`), given its item (`matching`), and only then written (`writer`). What
it accepts and how it matches is documented in README.md, "Bulk import"."""

from archive.importing.columns import COLUMNS
from archive.importing.importer import import_items
from archive.importing.media import DirectoryMedia, NoMedia, ZipMedia, media_source
from archive.importing.report import Accepted, ImportRefused, ImportReport, Outcome
from archive.importing.table import csv_with_identifiers, max_csv_bytes

__all__ = [
    "COLUMNS",
    "Accepted",
    "DirectoryMedia",
    "ImportRefused",
    "ImportReport",
    "NoMedia",
    "Outcome",
    "ZipMedia",
    "csv_with_identifiers",
    "import_items",
    "max_csv_bytes",
    "media_source",
]

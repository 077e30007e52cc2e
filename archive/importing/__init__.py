"""Bulk import of archive items: a CSV file of metadata, with their media in a folder or a ZIP."""

from archive.importing.plan import (
    COLUMNS,
    Accepted,
    DirectoryMedia,
    ImportRefused,
    ImportReport,
    NoMedia,
    Outcome,
    ZipMedia,
    csv_with_identifiers,
    import_items,
    max_csv_bytes,
    media_source,
)

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

"""Reading an import file into a table, refusing whole files that are not one, and writing it
back with each row's identifier."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from archive.importing.columns import COLUMN_NAMES, COLUMNS_BY_NAME
from archive.importing.report import ImportRefused, ImportReport, RowError
from archive.spreadsheets import FORMULA_STARTS, spreadsheet_safe
from archive.validation import sniff

DEFAULT_MAX_CSV_BYTES = 20 * 1024**2
DEFAULT_MAX_ROWS = 50_000


def max_csv_bytes() -> int:
    return getattr(settings, "ARCHIVE_IMPORT_MAX_CSV_BYTES", DEFAULT_MAX_CSV_BYTES)


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as spreadsheets count, values)
    errors: list[RowError]
    delimiter: str = ","


def _cell(value: str) -> str:
    """A cell's value, without the `'` that `spreadsheet_safe` put before a leading = + - @
    (our own exports, such as `csv_with_identifiers`, read back as they were)."""
    value = value.strip()
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def read_csv(data: bytes) -> Table:
    """The header and rows of a CSV file (UTF-8, with or without BOM; comma, semicolon or tab
    separated, found from the header line). Raises ImportRefused for a file that is not such
    a table; rows with more values than the header are row errors."""
    limit = max_csv_bytes()
    if len(data) > limit:
        raise ImportRefused(
            _("The CSV file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportRefused(_("The CSV file is empty."))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportRefused(
            _(
                "The CSV file is in UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and "
                "import it again."
            )
        )
    detected = sniff(data[:4096])
    if b"\x00" in data[:4096] or (detected is not None and detected.format != "text"):
        what = detected.description if detected is not None else _("binary data")
        raise ImportRefused(
            _(
                "This is not a CSV file: its content is %(content)s. Export the sheet as "
                "“CSV UTF-8” and import that file."
            )
            % {"content": what}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            _(
                "The CSV file is not in UTF-8 (line %(line)d holds a character in another "
                "encoding). Save it as “CSV UTF-8” and import it again."
            )
            % {"line": line}
        ) from None
    if "\x00" in text:
        raise ImportRefused(_("This is not a CSV file: it holds binary data."))

    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    record_number = 0
    start_line = 1
    try:
        for record in reader:
            record_number += 1
            records.append((record_number, record))
            start_line = reader.line_num + 1
    except csv.Error as error:
        if "end of data" in str(error):
            message = _(
                "Unterminated quotes: the value opened on line %(line)d is never closed."
            ) % {"line": start_line}
        else:
            message = _("The CSV file cannot be read at line %(line)d: %(error)s.") % {
                "line": reader.line_num,
                "error": error,
            }
        raise ImportRefused(message) from None

    if not records:
        raise ImportRefused(_("The CSV file is empty."))
    header = [_normalise_header(name) for name in records[0][1]]
    # Spreadsheets add empty columns after the last one: ignored when they are empty.
    while header and not header[-1]:
        header.pop()
    unknown = [name or "(empty)" for name in header if name not in COLUMNS_BY_NAME]
    if unknown:
        raise ImportRefused(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(COLUMN_NAMES)}
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ImportRefused(
            _("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    if not ({"title", "kind"} <= set(header) or {"identifier", "inventory_number"} & set(header)):
        missing = [name for name in ("kind", "title") if name not in header]
        raise ImportRefused(
            _(
                "Missing columns: %(columns)s. New items need a kind and a title; a file that "
                "only updates items needs the identifier or inventory_number column."
            )
            % {"columns": ", ".join(missing)}
        )

    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for number, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines between rows
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            errors.append(
                RowError(
                    number,
                    "",
                    _(
                        "This row has %(count)d values but the header has %(columns)d columns "
                        "(is there a separator inside a value without quotes?)."
                    )
                    % {"count": len(record), "columns": len(header)},
                )
            )
            continue
        values = {
            name: _cell(record[i] if i < len(record) else "") for i, name in enumerate(header)
        }
        # Numbered as spreadsheets number rows: the header is row 1.
        rows.append((number, values))
    if not rows and not errors:
        raise ImportRefused(_("The CSV file has a header but no rows to import."))
    max_rows = getattr(settings, "ARCHIVE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    if len(rows) > max_rows:
        raise ImportRefused(
            _("The CSV file has %(count)d rows; at most %(limit)d are imported at once.")
            % {"count": len(rows), "limit": max_rows}
        )
    return Table(columns=header, rows=rows, errors=errors, delimiter=delimiter)


def csv_with_identifiers(*, csv_data: bytes, report: ImportReport) -> bytes:
    """The imported file again, with an `identifier` column filled with each row's item, so
    that the next import of it updates exactly those items. Same separator, columns and rows;
    values that a spreadsheet would run as formulas are neutralised (`spreadsheet_safe`), and
    the import reads them back as they were. UTF-8 with a BOM, as spreadsheets expect."""
    table = read_csv(csv_data)
    identifiers = {result.row: result.identifier for result in report.results}
    columns = table.columns if "identifier" in table.columns else ["identifier", *table.columns]
    output = io.StringIO()
    writer = csv.writer(output, delimiter=table.delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row, values in table.rows:
        values = {**values, "identifier": identifiers.get(row) or values.get("identifier", "")}
        writer.writerow([spreadsheet_safe(values.get(name, "")) for name in columns])
    return output.getvalue().encode("utf-8-sig")

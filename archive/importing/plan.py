"""Reading each row into a plan, with no query per row: its values, its files checked by
content, and the item its identifier or inventory number names. Problems are collected by
row and column, so that one report lists them all."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tqdm import tqdm

from archive import selectors, services
from archive.importing.cells import (
    IDENTIFIER,
    LIST_SEPARATOR,
    CellError,
    TradeIndex,
    choice_lookup,
    field_parsers,
    fold,
    parse_duration,
    parse_exact_date,
    parse_period,
    split,
)
from archive.importing.columns import COLUMN_OF_FIELD, COLUMNS_BY_NAME, CONSENT_COLUMNS
from archive.importing.media import CheckedMedia, MediaSource, check_media
from archive.importing.report import Match, Outcome, RowError
from archive.importing.table import Table
from archive.models import ArchiveItem, Consent
from archive.transcripts import Segment, TranscriptError, parse_transcript
from archive.validation import UploadRejected

Kind = ArchiveItem.Kind
INVENTORY_NUMBER_MAX_LENGTH = ArchiveItem._meta.get_field("inventory_number").max_length


def progress_bar(rows, label: str, *, shown: bool):
    return tqdm(rows, desc=label, unit=_("rows"), disable=None if shown else True, leave=False)


@dataclass
class Plan:
    """One row on its way to an item: what it says, and what it will change."""

    row: int
    values: dict[str, str]
    fields: dict[str, object]  # model field -> value from the row
    identifier: str = ""
    inventory_number: str = ""
    kind: str | None = None
    existing_id: int | None = None
    match: str = ""  # Match: how existing_id was found
    item: ArchiveItem | None = None
    suggested: ArchiveItem | None = None  # resembled, not updated: the row creates an item
    trade_ids: list[int] | None = None
    tags: list[str] | None = None
    photos: list[CheckedMedia] | None = None
    captions: list[str] | None = None
    recording: CheckedMedia | None = None
    duration: int | None = None
    transcript: list[Segment] | None = None
    steps: list[tuple[str, CheckedMedia | None]] | None = None
    consent: dict | None = None
    outcome: str = Outcome.CREATED
    changed: set[str] = field(default_factory=set)  # of the matched or suggested item
    resubmits: bool = False  # the update sends a published item back to review
    resubmission: dict | None = None  # the log data of that move, once written
    status_before: str = ""  # the matched or suggested item's status, before the import

    def files(self) -> list[CheckedMedia]:
        """The files the row names: photos, recording and the steps' files."""
        steps = [media for _text, media in self.steps or () if media is not None]
        return [*(self.photos or ()), *([self.recording] if self.recording else ()), *steps]


class Errors:
    """The problems of every row, as (row, column, message)."""

    def __init__(self):
        self.items: list[RowError] = []

    def add(self, row: int, column: str, message) -> None:
        self.items.append(RowError(row, column, str(message)))

    def from_validation(self, row: int, error: ValidationError, default_column: str = "") -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                column = COLUMN_OF_FIELD.get(name, name if name in COLUMNS_BY_NAME else "")
                for message in ValidationError(errors).messages:
                    self.add(row, column or default_column, message)
        else:
            for message in error.messages:
                self.add(row, default_column, message)


class RowReader:
    """Reads the rows of one file into plans, with the few queries they need made once for
    all: the items their identifiers and inventory numbers name, and the trade vocabulary."""

    def __init__(self, *, institution, source: MediaSource, errors: Errors, progress: bool):
        self.institution = institution
        self.source = source
        self.errors = errors
        self.progress = progress
        self.kinds = choice_lookup(Kind)
        self._kinds_seen: dict[str, str | None] = {}
        self.scopes = choice_lookup(Consent.Scope)
        self.parsers = field_parsers()
        self.this_year = timezone.localdate().year
        self.media_cache: dict[tuple[str, tuple[str, ...]], CheckedMedia | Exception] = {}

    def read(self, table: Table) -> list[Plan]:
        """A plan for every row that has no problem of its own."""
        for error in table.errors:
            self.errors.items.append(error)
        columns = set(table.columns)
        self.trades = TradeIndex() if "trades" in columns else None
        given = {values["identifier"] for _row, values in table.rows if values.get("identifier")}
        self.known = {}
        self.existing_kinds: dict[int, str] = {}
        for identifier, pk, institution_id, kind in ArchiveItem.objects.filter(
            identifier__in=given
        ).values_list("identifier", "pk", "institution_id", "kind"):
            self.known[identifier] = (pk, institution_id)
            self.existing_kinds[pk] = kind
        self.inventory: dict[str, tuple[int, str]] = {}
        if "inventory_number" in columns:
            for number, pk, identifier, kind in selectors.items_with_inventory_numbers(
                institution_id=self.institution.pk,
                numbers=(values["inventory_number"] for _row, values in table.rows),
            ).values_list("inventory_number", "pk", "identifier", "kind"):
                self.inventory[number] = (pk, identifier)
                self.existing_kinds[pk] = kind
        self.seen_identifiers: dict[str, int] = {}
        self.seen_numbers: dict[str, int] = {}
        plans = []
        rows = progress_bar(table.rows, _("Checking rows"), shown=self.progress)
        for row, values in rows:
            plan = self._plan_row(row, values, self.source)
            if plan is not None:
                plans.append(plan)
        return plans

    def _media(self, source, row, column, name, kinds) -> CheckedMedia | None:
        try:
            path = source.find(name)
        except ValueError as error:
            self.errors.add(row, column, error)
            return None
        key = (path, kinds)
        if key not in self.media_cache:
            try:
                self.media_cache[key] = check_media(source, path, kinds=kinds)
            except (UploadRejected, ValidationError) as error:
                self.media_cache[key] = error
            except (OSError, zipfile.BadZipFile, EOFError) as error:
                self.media_cache[key] = ValidationError(
                    _("The file could not be read (%(error)s).") % {"error": error}
                )
        result = self.media_cache[key]
        if isinstance(result, ValidationError):
            for message in result.messages:
                self.errors.add(row, column, f"{name}: {message}")
            return None
        return result

    def _plan_row(self, row, values, source) -> Plan | None:
        errors_before = len(self.errors.items)
        add = self.errors.add
        present = set(values)

        # Identifier, inventory number and kind first: they decide what the rest means.
        identifier = values.get("identifier", "")
        existing_id = match = None
        if identifier:
            if not IDENTIFIER.fullmatch(identifier):
                add(
                    row,
                    "identifier",
                    _("“%(value)s” is not an identifier: letters, digits, - _ . (at most 40).")
                    % {"value": identifier},
                )
            elif identifier in self.seen_identifiers:
                add(
                    row,
                    "identifier",
                    _("This identifier is already on row %(row)d.")
                    % {"row": self.seen_identifiers[identifier]},
                )
            else:
                self.seen_identifiers[identifier] = row
                known = self.known.get(identifier)
                if known and known[1] != self.institution.pk:
                    add(row, "identifier", _("This identifier is taken by another item."))
                elif known:
                    existing_id, match = known[0], Match.IDENTIFIER
        number = values.get("inventory_number", "")
        if number:
            holder = self.inventory.get(number)
            if len(number) > INVENTORY_NUMBER_MAX_LENGTH:
                add(
                    row,
                    "inventory_number",
                    _("An inventory number has at most %(count)d characters.")
                    % {"count": INVENTORY_NUMBER_MAX_LENGTH},
                )
            elif number in self.seen_numbers:
                add(
                    row,
                    "inventory_number",
                    _("This inventory number is already on row %(row)d.")
                    % {"row": self.seen_numbers[number]},
                )
            elif holder is not None and not identifier:
                existing_id, match = holder[0], Match.INVENTORY_NUMBER
            elif holder is not None and holder[0] != existing_id:
                add(
                    row,
                    "inventory_number",
                    _("This inventory number is already that of %(identifier)s.")
                    % {"identifier": holder[1]},
                )
            self.seen_numbers.setdefault(number, row)
        kind = None
        if values.get("kind"):
            kind = self._kind(values["kind"])
            if kind is None:
                add(
                    row,
                    "kind",
                    _("“%(value)s” is not a kind: write photo, oral_history or savoir_faire.")
                    % {"value": values["kind"]},
                )
        elif existing_id is None:
            add(row, "kind", _("A new item needs its kind."))
        if existing_id is None and not values.get("title"):
            add(row, "title", _("A new item needs a title."))

        fields: dict[str, object] = {}
        plan = Plan(
            row=row, values=values, fields=fields, identifier=identifier, inventory_number=number
        )
        for name in (
            "inventory_number",
            "title",
            "summary",
            "description",
            "place_name",
            "commune",
            "region",
            "credit_line",
            "recording_place",
        ):
            if name in present:
                fields[name] = values[name]
        self._read_values(plan, present, add)

        effective_kind = kind
        if effective_kind is None and existing_id is not None:
            effective_kind = self.existing_kinds[existing_id]
        if effective_kind is not None:
            for name in present:
                column = COLUMNS_BY_NAME[name]
                if column.kinds and values[name] and effective_kind not in column.kinds:
                    add(
                        row,
                        name,
                        _("This column is not used for %(kind)s items.")
                        % {"kind": Kind(effective_kind).label},
                    )
            self._read_files(plan, effective_kind, source, add)

        if len(self.errors.items) > errors_before:
            return None
        plan.kind = effective_kind
        plan.existing_id = existing_id
        plan.match = match or ""
        return plan

    def _kind(self, value: str) -> str | None:
        if value not in self._kinds_seen:
            self._kinds_seen[value] = self.kinds.get(fold(value))
        return self._kinds_seen[value]

    def _read_values(self, plan: Plan, present: set[str], add) -> None:
        values, fields, row = plan.values, plan.fields, plan.row
        for name, (parse, empty) in self.parsers.items():
            if name not in present:
                continue
            if not values[name]:
                fields[name] = empty
                continue
            try:
                fields[name] = parse(values[name])
            except CellError as error:
                add(row, name, error)

        if "date" in present:
            if values["date"]:
                try:
                    date, first, last, approximate = parse_period(
                        values["date"], this_year=self.this_year
                    )
                except CellError as error:
                    add(row, "date", error)
                else:
                    fields.update(
                        date=date, year_from=first, year_to=last, date_approximate=approximate
                    )
            else:
                fields.update(date=None, year_from=None, year_to=None, date_approximate=False)

        if "trades" in present:
            plan.trade_ids = []
            for label in split(values["trades"]):
                try:
                    trade_id = self.trades.find(label)
                except CellError as error:
                    add(row, "trades", error)
                else:
                    if trade_id not in plan.trade_ids:
                        plan.trade_ids.append(trade_id)
        if "tags" in present:
            try:
                plan.tags = services.tags_clean(tags=split(values["tags"], (LIST_SEPARATOR, ",")))
            except ValidationError as error:
                self.errors.from_validation(row, error, "tags")
        if any(name in present for name in CONSENT_COLUMNS) and any(
            values.get(name) for name in CONSENT_COLUMNS
        ):
            plan.consent = self._read_consent(plan, add)
        if values.get("duration"):
            try:
                plan.duration = parse_duration(values["duration"])
            except CellError as error:
                add(row, "duration", error)

    def _read_consent(self, plan: Plan, add) -> dict | None:
        values, row = plan.values, plan.row
        consent = {"notes": values.get("consent_notes", ""), "embargo_until": None}
        for name in ("consent_date", "consent_scope"):
            if not values.get(name):
                add(row, name, _("Needed to record the consent."))
        if values.get("consent_date"):
            try:
                consent["consent_date"] = parse_exact_date(values["consent_date"])
            except CellError as error:
                add(row, "consent_date", error)
        if values.get("consent_scope"):
            scope = self.scopes.get(fold(values["consent_scope"]))
            if scope is None:
                add(
                    row,
                    "consent_scope",
                    _("“%(value)s” is not a consent scope: write public_web or research.")
                    % {"value": values["consent_scope"]},
                )
            consent["scope"] = scope
        if values.get("embargo_until"):
            try:
                consent["embargo_until"] = parse_exact_date(values["embargo_until"])
            except CellError as error:
                add(row, "embargo_until", error)
        return consent

    def _read_files(self, plan: Plan, kind: str, source: MediaSource, add) -> None:
        values, row = plan.values, plan.row
        names = split(values.get("media", ""))
        if names and kind == Kind.SAVOIR_FAIRE:
            add(row, "media", _("Savoir-faire records take their files in step_media."))
        elif names and kind == Kind.PHOTO:
            photos = [self._media(source, row, "media", name, ("photo",)) for name in names]
            plan.photos = [photo for photo in photos if photo is not None]
        elif names and kind == Kind.ORAL_HISTORY:
            if len(names) > 1:
                add(row, "media", _("An oral history has one recording."))
            else:
                plan.recording = self._media(source, row, "media", names[0], ("audio", "video"))
        captions = [caption.strip() for caption in values.get("captions", "").split("|")]
        if values.get("captions"):
            if not names:
                add(row, "captions", _("Captions go with the photos named in media."))
            elif len(captions) > len(names):
                add(row, "captions", _("There are more captions than photos."))
            plan.captions = captions + [""] * (len(names) - len(captions))
        if values.get("transcript") and kind == Kind.ORAL_HISTORY:
            plan.transcript = self._transcript(source, row, values["transcript"])
        step_texts = split(values.get("steps", ""))
        step_files = [name.strip() for name in values.get("step_media", "").split("|")]
        if values.get("step_media") and len([n for n in step_files if n]) and not step_texts:
            add(row, "step_media", _("Step files go with the steps' texts in steps."))
        elif step_texts:
            if len(step_files) > len(step_texts):
                add(row, "step_media", _("There are more step files than steps."))
            step_files += [""] * (len(step_texts) - len(step_files))
            plan.steps = [
                (
                    text,
                    self._media(source, row, "step_media", name, ("photo", "video"))
                    if name
                    else None,
                )
                for text, name in zip(step_texts, step_files, strict=False)
            ]

    def _transcript(self, source, row, name) -> list[Segment] | None:
        try:
            path = source.find(name)
        except ValueError as error:
            self.errors.add(row, "transcript", error)
            return None
        limit = services.TRANSCRIPT_MAX_BYTES
        try:
            with source.open(path) as fileobj:
                segments = parse_transcript(fileobj.read(limit + 1), max_bytes=limit)
        except TranscriptError as error:
            self.errors.add(row, "transcript", f"{name}: {error.message}")
            return None
        except (OSError, zipfile.BadZipFile, EOFError) as error:
            self.errors.add(row, "transcript", f"{name}: {error}")
            return None
        if not segments:
            self.errors.add(
                row, "transcript", _("%(name)s holds no transcript text.") % {"name": name}
            )
            return None
        return segments

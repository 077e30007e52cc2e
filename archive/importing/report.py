"""What an import did, or would do: the values the command line and the admin's report show."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import ArchiveItem, Institution

Status = ArchiveItem.Status


class ImportRefused(Exception):
    """The whole file is refused; `message` (translated) says why. Nothing was changed.
    `about` is "csv" or "media": which of the two files is at fault."""

    def __init__(self, message: str, *, about: str = "csv"):
        super().__init__(message)
        self.message = str(message)
        self.about = about

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or one row, when `column` is empty). Rows are numbered as
    spreadsheets show them: the header is row 1."""

    row: int
    column: str
    message: str


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    LABELS = {
        CREATED: gettext_lazy("new"),
        UPDATED: gettext_lazy("updated"),
        UNCHANGED: gettext_lazy("unchanged"),
    }


class Match:
    """How a row found its item. Identifier and inventory number are exact; the others are
    suggestions, applied to a change only when accepted."""

    IDENTIFIER = "identifier"
    INVENTORY_NUMBER = "inventory_number"
    CHECKSUM = "checksum"
    VALUES = "values"
    TITLE = "title"

    EXACT = frozenset({IDENTIFIER, INVENTORY_NUMBER})
    LABELS = {
        IDENTIFIER: gettext_lazy("same identifier"),
        INVENTORY_NUMBER: gettext_lazy("same inventory number"),
        CHECKSUM: gettext_lazy("same first file"),
        VALUES: gettext_lazy("same values"),
        TITLE: gettext_lazy("same kind and title"),
    }


@dataclass(frozen=True)
class RowResult:
    row: int
    outcome: str
    identifier: str  # "" for an item still to be numbered (dry run)
    title: str
    match: str = ""  # Match: how the row found its item, or the item it resembles
    suggested: str = ""  # identifier of that item when the match is a suggestion
    changes: tuple[str, ...] = ()  # columns that change it (or would, if accepted)
    status: str = ""  # that item's status before the import
    resubmits: bool = False  # the change sends (or would send) a published item to review

    @property
    def outcome_label(self) -> str:
        return str(Outcome.LABELS[self.outcome])

    @property
    def pending(self) -> bool:
        """A suggested update that was not accepted: the row creates a new item instead."""
        return self.outcome == Outcome.CREATED and bool(self.suggested)

    @property
    def match_label(self) -> str:
        return str(Match.LABELS.get(self.match, ""))

    @property
    def review_label(self) -> str:
        """ "published → back to review" when the change takes the item off the public site."""
        if not self.resubmits:
            return ""
        return _("%(before)s → back to review") % {"before": Status(self.status).label.lower()}

    @property
    def suggestion_label(self) -> str:
        """ "would update FAB-… (published → back to review)", for a suggestion not accepted."""
        if not self.pending:
            return ""
        text = _("would update %(identifier)s") % {"identifier": self.suggested}
        return f"{text} ({self.review_label})" if self.resubmits else text


@dataclass(frozen=True)
class Accepted:
    """The suggested updates the person confirmed: every one, or rows each with the
    identifier the report showed ("" for whichever item the row suggests)."""

    rows: dict[int, str] = field(default_factory=dict)
    every: bool = False

    def covers(self, row: int) -> bool:
        return self.every or row in self.rows

    def expected(self, row: int) -> str:
        return "" if self.every else self.rows.get(row, "")


@dataclass
class ImportReport:
    """What an import did, or (dry run, or errors) would do."""

    source_name: str
    institution: Institution
    dry_run: bool
    rows: int = 0
    results: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    photos_stored: int = 0
    recordings_stored: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, outcome: str) -> int:
        return sum(result.outcome == outcome for result in self.results)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(Outcome.UNCHANGED)

    @property
    def suggestions(self) -> list[RowResult]:
        """Rows that resemble an item they do not update, for want of confirmation."""
        return [result for result in self.results if result.pending]

    @property
    def resubmitted(self) -> int:
        """Published items the import sends (or would send) back to review."""
        return sum(r.outcome == Outcome.UPDATED and r.resubmits for r in self.results)

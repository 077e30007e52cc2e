"""The one entry point of an import: read the file, plan and check every row, and write them
all or none."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils.translation import gettext as _

from archive import services
from archive.importing.columns import columns_of
from archive.importing.matching import Matcher
from archive.importing.media import MediaSource, NoMedia
from archive.importing.plan import Errors, Plan, RowReader
from archive.importing.report import (
    Accepted,
    ImportRefused,
    ImportReport,
    Match,
    Outcome,
    RowResult,
)
from archive.importing.table import read_csv
from archive.importing.writer import Writer
from archive.models import ArchiveItem, Institution

Status = ArchiveItem.Status


def import_items(
    *,
    csv_data: bytes,
    media: MediaSource | None = None,
    institution: Institution,
    user=None,
    dry_run: bool = False,
    status: str = Status.DRAFT,
    source_name: str = "",
    progress: bool = False,
    accepted: Accepted | None = None,
) -> ImportReport:
    """Import the rows of `csv_data` into `institution`, with the files of `media`.

    `user` is the account that imports (created_by of new items; None for the command line
    without --user, which acts as the system). It must be allowed to create items for the
    institution, and to publish them when `status` asks for it (PermissionDenied otherwise).
    `accepted` lists the suggested updates the person confirmed. Raises ImportRefused for a
    file that cannot be imported at all. Returns the report; its `errors` say row by row why
    nothing was saved, `saved` whether the rows were written."""
    actor = services.Actor.of(user) if user is not None else None
    if actor is not None:
        _require(actor, institution, "create")
    if status not in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
        raise ValueError(f"Imported items cannot start as {status!r}")
    if actor is not None and status == Status.PUBLISHED:
        _require(actor, institution, "publish")
    table = read_csv(csv_data)
    media = media or NoMedia()
    errors = Errors()
    report = ImportReport(source_name=source_name, institution=institution, dry_run=dry_run)
    report.rows = len(table.rows) + len({e.row for e in table.errors})
    plans = RowReader(institution=institution, source=media, errors=errors, progress=progress).read(
        table
    )
    # The rows that passed are matched and checked as items even when others failed: the
    # report then lists every problem at once.
    Matcher(
        institution=institution,
        actor=actor,
        accepted=accepted or Accepted(),
        status=status,
        columns=table.columns,
        errors=errors,
    ).match(plans, {row for row, _values in table.rows})
    report.errors = sorted(errors.items, key=lambda error: (error.row, error.column))
    if report.errors:
        return report
    if not dry_run:
        try:
            Writer(
                institution=institution,
                user=user,
                actor=actor,
                status=status,
                source=media,
                source_name=source_name,
                progress=progress,
            ).write(plans, report)
        except IntegrityError:
            raise ImportRefused(
                _(
                    "Another change to the archive conflicted with the import; nothing was "
                    "saved. Run the import again."
                )
            ) from None
    report.results = [_result(plan) for plan in plans]
    return report


def _require(actor: services.Actor, institution: Institution, action: str) -> None:
    """The archive's rule for `action` on an item that the import creates in `institution`."""
    item = ArchiveItem(institution=institution, status=Status.SUBMITTED)
    refusal = services.item_action_refusal(actor=actor, item=item, action=action)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _result(plan: Plan) -> RowResult:
    matched = plan.suggested or (plan.item if plan.outcome != Outcome.CREATED else None)
    return RowResult(
        row=plan.row,
        outcome=plan.outcome,
        identifier=plan.item.identifier or "",
        title=plan.item.title,
        match=plan.match if matched is not None else "",
        suggested=matched.identifier if matched and plan.match not in Match.EXACT else "",
        changes=columns_of(plan.changed) if matched is not None else (),
        status=plan.status_before if matched is not None else "",
        resubmits=plan.resubmits,
    )

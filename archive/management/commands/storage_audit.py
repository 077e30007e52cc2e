from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.template.defaultfilters import filesizeformat

from tqdm import tqdm

from archive.storage import remote_storage_errors
from archive.storage_audit import AuditReport, grace_period, storage_audit


def _size(count: int) -> str:
    return filesizeformat(count).replace("\xa0", " ")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _hours(report: AuditReport) -> str:
    return f"{report.grace.total_seconds() / 3600:g} h"


class Command(BaseCommand):
    help = (
        "Compare the files in the default storage (local or S3) with the rows that name them: "
        "list objects that no row names (orphans), files of Wagtail's multiple upload whose "
        "form was never filled in (abandoned uploads) and rows whose object is missing. "
        "--delete-orphans removes orphans and abandoned uploads older than the grace period. "
        "Exit status 1 when problems remain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help=(
                "Delete the objects no row names, and abandoned multiple uploads with their "
                "rows, that are older than the grace period."
            ),
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=None,
            help=(
                "Objects younger than this are never deleted, as an upload may be in flight "
                "(default: ARCHIVE_STORAGE_AUDIT_GRACE_HOURS, 24)."
            ),
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=50,
            help="How many names to list in each section (0: all of them).",
        )

    @no_translations  # an operator's tool: English, like the other commands
    def handle(self, *args, delete_orphans, grace_hours, limit, verbosity, **options):
        if grace_hours is not None and grace_hours < 0:
            raise CommandError("--grace-hours cannot be negative.")
        grace = grace_period() if grace_hours is None else timedelta(hours=grace_hours)

        def progress(iterable, label):
            # disable=None: a bar on a terminal, nothing in cron logs and pipes.
            return tqdm(iterable, desc=label, unit=" objects", disable=None if verbosity else True)

        try:
            report = storage_audit(delete_orphans=delete_orphans, grace=grace, progress=progress)
        except remote_storage_errors() as error:
            raise CommandError(
                f"The file storage could not be reached ({error}): nothing was checked or "
                "deleted. Run the audit again once it is back."
            ) from None
        self._table(report)
        self._sections(report, limit)
        if report.clean:
            self.stdout.write(self.style.SUCCESS("Storage and rows agree."))
            return
        problems = []
        if report.remaining_orphans:
            problems.append(_count(len(report.remaining_orphans), "orphan object"))
        if report.remaining_abandoned:
            problems.append(_count(len(report.remaining_abandoned), "abandoned upload"))
        if report.missing:
            problems.append(_count(len(report.missing), "row") + " without its object")
        hint = "" if delete_orphans else " Run with --delete-orphans to remove them."
        raise CommandError(f"Problems found: {', '.join(problems)}.{hint}", returncode=1)

    def _table(self, report: AuditReport) -> None:
        header = ("Area", "Prefix", "Objects", "Size", "Rows", "Orphans", "Recent", "Missing")
        if report.deleted or report.failed:
            header += ("Deleted",)
        rows = []
        for area in report.areas:
            row = (
                str(area.source.label),
                area.source.prefix,
                str(area.objects),
                _size(area.bytes),
                str(area.rows),
                str(area.orphans),
                str(area.recent),
                str(area.missing),
            )
            rows.append(row + ((str(area.deleted),) if len(header) > 8 else ()))
        total = (
            "Total",
            "",
            str(sum(a.objects for a in report.areas)),
            _size(sum(a.bytes for a in report.areas)),
            str(sum(a.rows for a in report.areas)),
            str(sum(a.orphans for a in report.areas)),
            str(len(report.recent)),
            str(len(report.missing)),
        )
        rows.append(total + ((str(len(report.deleted)),) if len(header) > 8 else ()))
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

        def line(cells):
            return "  ".join(
                cell.ljust(width) if i < 2 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            )

        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows[:-1]:
            self.stdout.write(line(row))
        self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(line(rows[-1]))

    def _list(self, title: str, lines: list[str], limit: int) -> None:
        if not lines:
            return
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"{title}: {len(lines)}"))
        shown = lines if limit <= 0 else lines[:limit]
        for text in shown:
            self.stdout.write(f"  {text}")
        if len(shown) < len(lines):
            self.stdout.write(f"  … and {len(lines) - len(shown)} more (--limit 0 lists all)")

    def _sections(self, report: AuditReport, limit: int) -> None:
        def described(obj):
            return f"{obj.name}  ({_size(obj.size)}, {obj.modified:%Y-%m-%d %H:%M} UTC)"

        deleted = {obj.name for obj in report.deleted}
        self._list(
            f"Orphans, no row names them (older than {_hours(report)})",
            [
                described(obj) + ("  deleted" if obj.name in deleted else "")
                for obj in report.orphans
            ],
            limit,
        )
        self._list(
            f"Abandoned uploads, a multiple upload's form never filled in (older than "
            f"{_hours(report)})",
            [
                f"{described(upload.object)}  {upload.source.model._meta.label} #{upload.pk}"
                + ("  deleted" if upload.object.name in deleted else "")
                for upload in report.abandoned
            ],
            limit,
        )
        self._list(
            "Could not delete",
            [f"{obj.name}: {reason}" for obj, reason in report.failed],
            limit,
        )
        self._list(
            f"Recent objects no row names, kept (younger than {_hours(report)}, or an upload "
            "whose token is still valid: it may be in flight)",
            [described(obj) for obj in report.recent],
            limit,
        )
        self._list(
            "Rows whose object is missing",
            [
                f"{missing.source.model._meta.label} #{missing.pk}: {missing.name}"
                for missing in report.missing
            ],
            limit,
        )

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from archive.importing import (
    Accepted,
    ImportRefused,
    ImportReport,
    Outcome,
    csv_with_identifiers,
    import_items,
    media_source,
)
from archive.models import ArchiveItem, Institution
from archive.storage import remote_storage_errors

Status = ArchiveItem.Status


class Command(BaseCommand):
    help = (
        "Import archive items from a CSV file (columns: see README.md, 'Bulk import'), with "
        "their media from a folder or a ZIP archive. All rows or none: nothing is saved when a "
        "row fails, or with --dry-run. Rows are matched to items by identifier or "
        "inventory_number; an item a row only resembles (same file, values or title) is "
        "updated only with --accept. Exit status 1 when the file is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", help="The CSV file (UTF-8, comma or semicolon separated).")
        parser.add_argument(
            "--media",
            metavar="DIR|ZIP",
            help="Folder or ZIP archive holding the files named in the media, transcript and "
            "step_media columns.",
        )
        parser.add_argument(
            "--institution",
            required=True,
            metavar="CODE",
            help="Code of the institution the items belong to, e.g. CMSH.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would change; save nothing.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Account recorded as creator of the items; its permissions apply. Without "
            "it the import acts as the system and records no creator.",
        )
        parser.add_argument(
            "--status",
            choices=[Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED],
            default=Status.DRAFT,
            help="Status of new items (default: draft). submitted and published need "
            "complete rows (a photo's images, an interview's recording or transcript and "
            "consent); published needs a moderator or no --user.",
        )
        parser.add_argument(
            "--accept",
            metavar="ROW,ROW",
            action="append",
            default=[],
            help="Rows (numbered as in the report) whose suggested update you confirm: the "
            "row updates the item it resembles instead of creating a new one.",
        )
        parser.add_argument(
            "--accept-suggested",
            action="store_true",
            help="Confirm every suggested update that the dry run lists.",
        )
        parser.add_argument(
            "--write-identifiers",
            metavar="PATH",
            help="After the import, write the same CSV file to PATH with the identifier column "
            "filled in, so that importing it again updates exactly these items.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even on a terminal."
        )

    def handle(self, *args, **options):
        path = Path(options["csv"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s.") % {"path": path, "error": error.strerror}
            ) from None
        if options["write_identifiers"] and options["dry_run"]:
            raise CommandError(_("--write-identifiers needs an import, not a dry run."))
        accepted = Accepted(rows=self._rows(options["accept"]), every=options["accept_suggested"])
        code = options["institution"].strip().upper()
        institution = Institution.objects.filter(code=code).select_related("member").first()
        if institution is None:
            raise CommandError(_("No institution has the code %(code)s.") % {"code": code})
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No account is called %(name)s.") % {"name": options["user"]})

        try:
            with media_source(options["media"]) as media:
                report = import_items(
                    csv_data=data,
                    media=media,
                    institution=institution,
                    user=user,
                    dry_run=options["dry_run"],
                    status=options["status"],
                    source_name=path.name,
                    progress=not options["no_progress"] and options["verbosity"] > 0,
                    accepted=accepted,
                )
        except (ImportRefused, PermissionDenied) as error:
            raise CommandError(
                _("%(file)s is refused; nothing was changed. %(reason)s")
                % {"file": path.name, "reason": error}
            ) from None
        except remote_storage_errors() as error:
            raise CommandError(
                _(
                    "The file storage could not be reached (%(error)s): nothing was imported. "
                    "Run the same import again once it is back."
                )
                % {"error": error}
            ) from None

        if report.errors:
            self._errors(report)
        else:
            self._matches(report)
        self._summary(report)
        if report.saved and options["write_identifiers"]:
            target = Path(options["write_identifiers"])
            try:
                target.write_bytes(csv_with_identifiers(csv_data=data, report=report))
            except OSError as error:
                raise CommandError(
                    _("The import is saved, but %(path)s cannot be written: %(error)s.")
                    % {"path": target, "error": error.strerror}
                ) from None
            self.stdout.write(
                _("%(path)s: the file with every row's identifier.") % {"path": target}
            )
        if report.errors:
            raise CommandError(
                _(
                    "%(count)d problem(s) in %(file)s: nothing was saved. Correct the rows "
                    "above and run the import again."
                )
                % {"count": len(report.errors), "file": path.name}
            )

    @staticmethod
    def _rows(values: list[str]) -> dict[int, str]:
        rows = {}
        for value in values:
            for part in value.split(","):
                if not part.strip().isdigit():
                    raise CommandError(
                        _("--accept takes row numbers separated by commas, not “%(value)s”.")
                        % {"value": part.strip()}
                    )
                rows[int(part)] = ""
        return rows

    def _matches(self, report: ImportReport) -> None:
        """The rows a person must see before (or after) the import: items they resemble but
        do not update, and published items that an update sends back to review."""
        for result in report.results:
            if result.pending:
                line = _(
                    "row %(row)d: %(suggestion)s (%(match)s; changes: %(changes)s); not "
                    "confirmed, so a new item is created instead (--accept %(row)d to update it)"
                ) % {
                    "row": result.row,
                    "suggestion": result.suggestion_label,
                    "match": result.match_label,
                    "changes": ", ".join(result.changes),
                }
                self.stdout.write(line, self.style.WARNING)
            elif result.outcome == Outcome.UPDATED and result.resubmits:
                line = _("row %(row)d: updates %(identifier)s (%(review)s; changes: %(changes)s)")
                self.stdout.write(
                    line
                    % {
                        "row": result.row,
                        "identifier": result.identifier,
                        "review": result.review_label,
                        "changes": ", ".join(result.changes),
                    },
                    self.style.WARNING,
                )

    def _errors(self, report: ImportReport) -> None:
        width = max(len(_("column")), *(len(error.column) for error in report.errors))
        self.stderr.write(f"{_('row'):>6}  {_('column'):<{width}}  {_('message')}")
        for error in report.errors:
            self.stderr.write(f"{error.row:>6}  {error.column or '-':<{width}}  {error.message}")

    def _summary(self, report: ImportReport) -> None:
        if report.errors:
            state = _("refused, nothing saved")
        elif report.dry_run:
            state = _("dry run, nothing saved")
        else:
            state = _("saved")
        heading = f"{report.source_name} -> {report.institution.code} ({state})"
        self.stdout.write(heading, self.style.MIGRATE_HEADING)
        lines = [(_("rows"), report.rows)]
        if not report.errors:
            lines += [
                (_("new items"), report.created),
                (_("updated items"), report.updated),
                (_("unchanged items"), report.unchanged),
                (_("suggested updates not confirmed"), len(report.suggestions)),
                (_("published items back to review"), report.resubmitted),
            ]
            if not report.dry_run:
                lines += [
                    (_("photos stored"), report.photos_stored),
                    (_("recordings and videos stored"), report.recordings_stored),
                ]
        lines.append((_("problems"), len(report.errors)))
        width = max(len(label) for label, _value in lines)
        for label, value in lines:
            self.stdout.write(f"  {label:<{width}}  {value:>7}")

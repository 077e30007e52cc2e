"""`manage.py load_demo`: a complete demonstration site in a few seconds, safe to run again."""

import os
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from home.demo.archive_items import DEFAULT_CONTRIBUTOR_PASSWORD
from home.demo.loader import DEFAULT_ADMIN_PASSWORD, DemoLoader, ensure_admin

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Load demonstration content: French pages with English translations, aliases for "
        "de/lb/nl, members, trades, training topics, generated images, archive items, an admin "
        "and a contributor account. "
        "Running it again updates the same objects instead of adding new ones."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
        contributor_password = (
            os.environ.get("DEMO_CONTRIBUTOR_PASSWORD") or DEFAULT_CONTRIBUTOR_PASSWORD
        )
        loader = DemoLoader(contributor_password=contributor_password)
        # One transaction: an error half-way leaves the database as it was, not half-built.
        with transaction.atomic():
            report = loader.run()
            admin_created = ensure_admin(username=ADMIN_USERNAME, password=password)

        totals = report.totals
        created = report.created
        languages = [key.removeprefix("pages ") for key in totals if key.startswith("pages ")]
        self.stdout.write(f"Locales: {totals['locales']}")
        self.stdout.write(
            "Pages (live/total): "
            + ", ".join(
                f"{code} {live}/{total}"
                + (f" ({totals[f'aliases {code}']} aliases)" if totals[f"aliases {code}"] else "")
                for code in languages
                for live, total in [totals[f"pages {code}"]]
            )
        )
        self.stdout.write(
            f"Snippets: {totals['members']} members, {totals['trades']} trades "
            f"(all languages), {totals['training topics']} training topics; "
            f"{totals['images']} images; {totals['menu items']} menu items; "
            f"{totals['archive items']} archive items"
        )
        self.stdout.write(
            "Created this run: "
            + (", ".join(f"{n} {what}" for what, n in created.items() if n) or "nothing new")
        )
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
        if admin_created:
            self.stdout.write(
                self.style.SUCCESS(
                    "Admin login: http://127.0.0.1:8000/admin/  "
                    f"user: {ADMIN_USERNAME}  password: {password}"
                )
            )
        else:
            self.stdout.write(
                f"Admin login: http://127.0.0.1:8000/admin/  user: {ADMIN_USERNAME} already "
                "exists; its password is unchanged."
            )
        contributor = loader.archive.contributor_username
        if loader.archive.contributor_created:
            self.stdout.write(
                self.style.SUCCESS(
                    "Contributor login: http://127.0.0.1:8000/admin/  "
                    f"user: {contributor}  password: {contributor_password}"
                )
            )
        else:
            self.stdout.write(
                f"Contributor login: http://127.0.0.1:8000/admin/  user: {contributor} already "
                "exists; its password is unchanged."
            )
        self.stdout.write("Archive: http://127.0.0.1:8000/fr/archive/")

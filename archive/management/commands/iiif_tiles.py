from django.core.management.base import BaseCommand

from archive.iiif_tiles import tiles_sync_all


class Command(BaseCommand):
    help = (
        "Bring the IIIF tiles in line with the public site: make those missing for images of "
        "public items (an embargo that ended by itself, items published before tiles existed) "
        "and remove those of images no public item shows. Safe to run any time (daily cron)."
    )

    def handle(self, *args, **options):
        result = tiles_sync_all()
        self.stdout.write(
            f"Tiles made for {result['made']} images; removed for {result['removed']}."
        )

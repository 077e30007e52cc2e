"""The archive part of the demo: three member institutions with their codes, a contributor
account, and items of every kind about weaving in Roubaix, run by `DemoLoader` after the pages.

Shows the rules as well as the content: besides published public items there is one
members-only item (anonymous visitors are asked to log in) and one draft (a 404 for them).

Like the rest of the loader it can run again: institutions are found by member, items by
identifier, images by title, the recording by checksum, and nothing is rewritten that has not
changed. Institutions and the contributor go through archive.services (so they get
their collection, group and permissions); items are written with the ORM, because the demo
keeps fixed identifiers and publication dates and sends no moderation emails.
"""

import io
import math
import wave
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from wagtail.images import get_image_model
from wagtail.models import Locale

from archive import services
from archive.models import (
    ArchiveItem,
    Consent,
    Institution,
    ItemImage,
    MediaFile,
    Member,
    SavoirFaireStep,
    Trade,
    TranscriptSegment,
)
from archive.storage import generated_name
from archive.transcripts import parse_transcript
from archive.validation import validate_upload
from archive.vocabulary import SOURCE_LANGUAGE
from home.demo import content, images

DEFAULT_CONTRIBUTOR_PASSWORD = "fabrique-contrib"  # noqa: S105  documented demo default, printed
CONTRIBUTOR_USERNAME = "contributeur"

INSTITUTIONS = [
    {"member": "filature-vandamme", "code": "FVAN"},
    {"member": "centre-minier-sainte-henriette", "code": "CMSH"},
    {"member": "verriers-de-thierache", "code": "VTHI"},
]

CONTRIBUTOR = {
    "institution": "FVAN",
    "first_name": "Camille",
    "last_name": "Delannoy",
    "email": "camille.delannoy@filature-vandamme.example",
}

ROUBAIX = {
    "commune": "Roubaix",
    "region": "Hauts-de-France",
    "country": "FR",
    "latitude": "50.694200",
    "longitude": "3.170200",
}

# The timed interview: the cues follow the generated recording (RECORDING_SECONDS long).
RECORDING_SECONDS = 30
TIMED_TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:03.000
<v Camille Delannoy>Jeannine, à quel âge êtes-vous entrée à la filature ?

00:00:03.000 --> 00:00:06.000
<v Jeannine D.>À quatorze ans, en 1952, le lendemain du certificat d’études.

00:00:06.000 --> 00:00:09.000
<v Jeannine D.>Ma mère y était déjà rattacheuse : c’est elle qui m’a fait embaucher.

00:00:09.000 --> 00:00:12.000
<v Camille Delannoy>Qu’est-ce qui vous a frappée, le premier jour ?

00:00:12.000 --> 00:00:15.000
<v Jeannine D.>Le bruit. Cent métiers qui battent ensemble, on ne s’entendait plus.

00:00:15.000 --> 00:00:18.000
<v Jeannine D.>On se parlait avec les mains, et le soir on avait encore les métiers dans la tête.

00:00:18.000 --> 00:00:21.000
<v Jeannine D.>J’ai appris sur deux métiers, puis on m’en a donné huit, et plus tard douze.

00:00:21.000 --> 00:00:24.000
<v Jeannine D.>Quand un fil cassait, le métier s’arrêtait :
il fallait renouer vite, on était payées aux pièces.

00:00:24.000 --> 00:00:27.000
<v Camille Delannoy>Et les horaires, comment étaient-ils organisés ?

00:00:27.000 --> 00:00:30.000
<v Jeannine D.>En trois-huit. La semaine du matin, on se levait à quatre heures ;
celle de nuit, on dormait mal.
"""

UNTIMED_TRANSCRIPT = """Speaker #1
Quand les premiers métiers sans navette sont arrivés, en 1968, on nous a envoyés en Suisse pour
apprendre à les régler.

Speaker #2
Moi, je suis resté à Roubaix. Les anciens n’y croyaient pas : un métier qui tisse sans navette,
ça leur paraissait impossible.

Speaker #1
Ils allaient trois fois plus vite. Et surtout, plus de navette qui s’échappe : avant, une navette
qui sautait du métier pouvait blesser quelqu’un.

Speaker #2
Mais il fallait moins de monde. Sur une rangée où travaillaient six tisserandes, il n’en restait
que deux.

Speaker #1
Nous, les contremaîtres, on le savait avant les autres. C’était dur de l’annoncer aux équipes.

Speaker #2
Beaucoup sont parties à ce moment-là, vers la vente par correspondance ou les magasins.
"""

# Items: `images` and step images are drawn by home.demo.images (titles must stay unique);
# `published` is the publication time, which orders the public list.
ITEMS = [
    {
        "identifier": "FAB-FVAN-0001",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 1, 12, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "La salle de tissage de la filature Vandamme, vers 1955",
        "summary": "Deux vues de la salle de tissage, où une centaine de métiers automatiques "
        "tournaient jour et nuit en trois équipes.",
        "description": "Ces photographies ont été prises pour le journal d’entreprise. On y "
        "voit l’usine et ses toits en sheds, dont les vitrages tournés vers le nord donnaient "
        "une lumière égale, sans soleil direct sur les fils.\n\nÀ l’intérieur, chaque "
        "tisserande surveillait huit à douze métiers ; les rattacheuses passaient d’une rangée "
        "à l’autre pour renouer les fils cassés.",
        "trades": ["tisserand"],
        "tags": ["tissage", "métier à tisser", "sheds", "Roubaix"],
        "place_name": "Filature Vandamme, salle de tissage",
        **ROUBAIX,
        "year_from": 1950,
        "year_to": 1960,
        "date_approximate": True,
        "rights": ArchiveItem.Rights.CC_BY,
        "credit_line": "Coll. Musée de la Filature Vandamme",
        "images": [
            {
                "title": "Archive – La filature Vandamme et sa cheminée",
                "alt": "Usine textile aux toits en dents de scie et sa haute cheminée, au "
                "coucher du soleil.",
                "caption": "L’usine vue de la rue du Peignage.",
                "motif": "mill",
                "palette": "brick",
            },
            {
                "title": "Archive – Rangée de métiers à tisser",
                "alt": "Métier à tisser vu de face : fils de chaîne tendus, navette et toile "
                "rayée en cours de tissage.",
                "caption": "Un métier de la salle de tissage, chaîne montée.",
                "motif": "loom",
                "palette": "slate",
            },
        ],
    },
    {
        "identifier": "FAB-FVAN-0002",
        "kind": ArchiveItem.Kind.SAVOIR_FAIRE,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 2, 3, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Tisser une toile sur un métier à bras",
        "summary": "Les gestes de base du tissage à bras : ourdir la chaîne, rentrer les fils, "
        "passer et frapper la trame, tels que les montre l’atelier du musée.",
        "description": "Fiche rédigée avec les tisserands bénévoles qui animent l’atelier "
        "pédagogique du musée. Le métier utilisé est un métier à bras à quatre lames, monté "
        "pour une armure toile en laine peignée.",
        "trades": ["tisserand"],
        "tags": ["tissage", "métier à bras", "armure toile"],
        "place_name": "Musée de la Filature Vandamme, atelier pédagogique",
        **ROUBAIX,
        "date": date(2024, 3, 16),
        "rights": ArchiveItem.Rights.CC_BY_SA,
        "credit_line": "Musée de la Filature Vandamme, atelier de tissage",
        "techniques": "Ourdissage\nRentrage dans les lisses et le peigne\nArmure toile\n"
        "Frappe au battant",
        "materials": "Fil de coton pour la chaîne\nFil de laine peignée pour la trame\n"
        "Colle d’amidon pour l’encollage",
        "tools": "Métier à bras à quatre lames\nOurdissoir\nPasse-fil\nNavette et canettes\nPeigne",
        "steps": [
            {
                "text": "Ourdir la chaîne. Sur l’ourdissoir, on enroule côte à côte autant de "
                "fils que la toile en comptera dans sa largeur, tous de la même longueur. La "
                "croisure, faite à une extrémité, garde les fils dans leur ordre.",
                "image": {
                    "title": "Archive – Ourdir la chaîne",
                    "alt": "Fils de chaîne tendus verticalement sur le cadre d’un métier.",
                    "motif": "loom",
                    "palette": "dawn",
                },
            },
            {
                "text": "Rentrer les fils. Chaque fil de chaîne passe dans l’œillet d’une "
                "lisse, puis entre deux dents du peigne, selon le plan de l’armure. Pour une "
                "toile, un fil sur deux va sur la première lame, l’autre sur la seconde.",
                "image": {
                    "title": "Archive – Rentrer les fils dans les lisses",
                    "alt": "Cadres de lisses traversés par les fils de chaîne, au-dessus de la "
                    "toile commencée.",
                    "motif": "loom",
                    "palette": "green",
                },
            },
            {
                "text": "Tisser. Une pédale lève une lame et ouvre la foule ; la navette y "
                "passe la trame ; le battant vient la serrer contre le tissu déjà fait. On "
                "change de pédale et l’on recommence, duite après duite.",
                "image": {
                    "title": "Archive – Passer la trame",
                    "alt": "Navette passant entre les fils de chaîne au-dessus d’une toile rayée.",
                    "motif": "loom",
                    "palette": "dusk",
                },
            },
        ],
    },
    {
        "identifier": "FAB-FVAN-0003",
        "kind": ArchiveItem.Kind.ORAL_HISTORY,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 2, 20, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "« On avait les métiers dans la tête » : Jeannine, tisserande à Roubaix",
        "summary": "Entrée au tissage à quatorze ans, Jeannine raconte l’embauche, le vacarme "
        "de la salle des métiers, le travail aux pièces et les trois-huit.",
        "description": "Extrait d’un entretien enregistré au musée. Jeannine D. a travaillé "
        "au tissage de la filature de 1952 à sa fermeture, d’abord comme tisserande, puis "
        "comme monitrice des apprenties.\n\nL’enregistrement publié ici est un court "
        "extrait de démonstration.",
        "trades": ["tisserand"],
        "tags": ["tissage", "témoignage", "travail des femmes", "Roubaix"],
        "place_name": "Filature Vandamme",
        **ROUBAIX,
        "year_from": 1952,
        "year_to": 1979,
        "rights": ArchiveItem.Rights.CC_BY,
        "credit_line": "Entretien : Camille Delannoy, Musée de la Filature Vandamme",
        "narrators": "Jeannine D. (née en 1938)",
        "interviewers": "Camille Delannoy",
        "recording_date": date(2023, 11, 14),
        "recording_place": "Musée de la Filature Vandamme, Roubaix",
        "language": "fr",
        "transcript": TIMED_TRANSCRIPT,
        "recording": True,
        "consent": {
            "consent_date": date(2023, 11, 14),
            "notes": "Formulaire signé, dossier 2023-07.",
        },
    },
    {
        "identifier": "FAB-FVAN-0004",
        "kind": ArchiveItem.Kind.ORAL_HISTORY,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 2, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "L’arrivée des métiers sans navette, racontée par deux contremaîtres",
        "summary": "Deux anciens contremaîtres du tissage se souviennent de la modernisation "
        "de 1968 : des métiers trois fois plus rapides, et des équipes réduites.",
        "description": "Transcription d’un entretien dont l’enregistrement n’est pas "
        "diffusé. « Speaker #1 » est Marcel V., « Speaker #2 » André L., tous deux "
        "contremaîtres au tissage entre 1960 et 1985.",
        "trades": ["tisserand"],
        "tags": ["tissage", "modernisation", "témoignage", "Roubaix"],
        "place_name": "Filature Vandamme",
        **ROUBAIX,
        "year_from": 1968,
        "year_to": 1975,
        "date_approximate": True,
        "rights": ArchiveItem.Rights.IN_COPYRIGHT,
        "credit_line": "Musée de la Filature Vandamme",
        "narrators": "Marcel V., André L.",
        "interviewers": "Équipe du musée",
        "recording_date": date(2022, 6, 9),
        "recording_place": "Roubaix",
        "language": "fr",
        "transcript": UNTIMED_TRANSCRIPT,
        "consent": {"consent_date": date(2022, 6, 9), "notes": "Deux formulaires signés."},
    },
    {
        "identifier": "FAB-FVAN-0005",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 10, 10),
        "access": ArchiveItem.Access.MEMBERS,
        "title": "Registre du personnel du tissage, 1962",
        "summary": "Pages du registre où sont inscrits les noms, dates d’entrée et postes des "
        "ouvrières et ouvriers du tissage. Réservé aux membres : il contient des données "
        "personnelles.",
        "description": "Le registre couvre les embauches de 1958 à 1966. Il sert aux "
        "recherches des familles et des historiens du réseau.",
        "trades": ["tisserand"],
        "tags": ["registre", "personnel", "tissage"],
        "place_name": "Filature Vandamme, bureaux",
        **ROUBAIX,
        "date": date(1962, 1, 1),
        "rights": ArchiveItem.Rights.IN_COPYRIGHT,
        "credit_line": "Archives de la Filature Vandamme",
        "images": [
            {
                "title": "Archive – Registre du personnel",
                "alt": "Usine textile et sa cheminée sous un ciel gris, illustration du registre.",
                "caption": "Couverture du registre.",
                "motif": "mill",
                "palette": "slate",
            }
        ],
    },
    {
        "identifier": "FAB-FVAN-0006",
        "kind": ArchiveItem.Kind.SAVOIR_FAIRE,
        "status": ArchiveItem.Status.DRAFT,
        "published": None,
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Le nœud de tisserand",
        "summary": "Brouillon : comment renouer un fil de chaîne cassé sans arrêter "
        "longtemps le métier.",
        "trades": ["tisserand"],
        "tags": ["tissage", "nœud"],
        **ROUBAIX,
        "rights": ArchiveItem.Rights.CC_BY,
        "techniques": "Nœud de tisserand",
        "steps": [
            {
                "text": "Former une boucle avec le bout du fil cassé, y passer le fil de "
                "réserve, serrer d’un coup sec."
            }
        ],
    },
]

_ITEM_FIELDS = (
    "kind",
    "title",
    "summary",
    "description",
    "place_name",
    "commune",
    "region",
    "country",
    "date",
    "year_from",
    "year_to",
    "date_approximate",
    "rights",
    "credit_line",
    "access",
    "status",
    "narrators",
    "interviewers",
    "recording_date",
    "recording_place",
    "language",
    "techniques",
    "materials",
    "tools",
)
_DEFAULTS = {
    "summary": "",
    "description": "",
    "place_name": "",
    "date": None,
    "year_from": None,
    "year_to": None,
    "date_approximate": False,
    "credit_line": "",
    "narrators": "",
    "interviewers": "",
    "recording_date": None,
    "recording_place": "",
    "language": "",
    "techniques": "",
    "materials": "",
    "tools": "",
}
PHOTO_SIZE = (1600, 1067)
# Archive images' titles start with this, which keeps them apart from the pages' images.
IMAGE_TITLE_PREFIX = "Archive – "
STEP_SIZE = (1200, 800)


@dataclass
class ArchiveDemoResult:
    contributor_created: bool
    contributor_username: str


def recording(seconds: int = RECORDING_SECONDS, rate: int = 8000) -> bytes:
    """A WAV file (8 kHz, 8-bit mono) of a quiet loom-like hum with a soft tick every half
    second: enough for a player to show, seek and play. Always the same bytes, so the demo
    finds it again by checksum."""
    frames = bytearray()
    for n in range(seconds * rate):
        t = n / rate
        hum = 0.12 * math.sin(2 * math.pi * 110 * t)
        phase = t % 0.5
        tick = 0.25 * math.sin(2 * math.pi * 880 * t) * math.exp(-phase * 60)
        frames.append(128 + round(127 * (hum + tick)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


class ArchiveDemo:
    """Builds the archive demo; `loader` is the running DemoLoader (for its report and image
    helper)."""

    def __init__(self, loader, *, contributor_password: str):
        self.loader = loader
        self.report = loader.report
        self.contributor_password = contributor_password
        self.institutions: dict[str, Institution] = {}

    def run(self) -> ArchiveDemoResult:
        for spec in INSTITUTIONS:
            self.institutions[spec["code"]] = self.ensure_institution(spec)
        contributor, created = self.ensure_contributor()
        source = Locale.objects.get(language_code=SOURCE_LANGUAGE)
        self.trades = {t.slug: t for t in Trade.objects.filter(locale=source)}
        for spec in ITEMS:
            self.ensure_item(spec, author=contributor)
        self.advance_numbers()
        self.report.totals["archive items"] = ArchiveItem.objects.count()
        self.report.totals["images"] = get_image_model().objects.count()
        return ArchiveDemoResult(
            contributor_created=created, contributor_username=CONTRIBUTOR_USERNAME
        )

    # --- institutions and the contributor -------------------------------------------------

    def ensure_institution(self, spec: dict) -> Institution:
        member = Member.objects.get(slug=spec["member"])
        if not Institution.objects.filter(member=member).exists():
            self.report.add("institutions")
        # Also gives the institution its collection and a contributor group with the
        # workspace's permissions; repairs them when run again.
        return services.institution_setup(member=member, code=spec["code"])

    def ensure_contributor(self):
        """The contributor account; an existing one keeps its password, as the admin's does."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=CONTRIBUTOR_USERNAME).first()
        created = user is None
        if created:
            user = user_model.objects.create_user(
                username=CONTRIBUTOR_USERNAME,
                password=self.contributor_password,
                email=CONTRIBUTOR["email"],
                first_name=CONTRIBUTOR["first_name"],
                last_name=CONTRIBUTOR["last_name"],
            )
            self.report.add("contributor accounts")
        services.contributor_add(
            user=user, institution=self.institutions[CONTRIBUTOR["institution"]]
        )
        return user, created

    # --- items ----------------------------------------------------------------------------

    def ensure_item(self, spec: dict, *, author) -> ArchiveItem:
        institution = self.institutions[spec["identifier"].split("-")[1]]
        item = ArchiveItem.objects.filter(identifier=spec["identifier"]).first()
        if item is None:
            item = ArchiveItem(identifier=spec["identifier"], created_by=author)
            self.report.add("archive items")
        item.institution = institution
        for name in _ITEM_FIELDS:
            setattr(item, name, spec.get(name, _DEFAULTS.get(name)))
        item.latitude = Decimal(spec["latitude"]) if spec.get("latitude") else None
        item.longitude = Decimal(spec["longitude"]) if spec.get("longitude") else None
        item.published_at = spec["published"]
        item.updated_by = author
        # Written with the item, as a form would (ParentalManyToManyField, ClusterTaggableManager,
        # ParentalKey children).
        item.trades.set([self.trades[slug] for slug in spec["trades"]])
        item.tags.set(spec.get("tags", []))
        item.images = self._item_images(item, spec.get("images", []), institution)
        item.steps = self._steps(item, spec.get("steps", []), institution)
        if spec.get("recording"):
            item.media = self._recording(institution, author)
        item.save()
        if "transcript" in spec:
            self._transcript(item, spec["transcript"])
        if "consent" in spec:
            Consent.objects.update_or_create(
                item=item,
                defaults={
                    "scope": Consent.Scope.PUBLIC_WEB,
                    "embargo_until": None,
                    "withdrawn_at": None,
                    **spec["consent"],
                },
            )
        return item

    def _image(self, spec: dict, size, institution):
        # Drawing is the slow part: skip it when the image is already there.
        exists = get_image_model().objects.filter(title=spec["title"]).exists()
        data = (
            b""
            if exists
            else images.illustration(
                motif=spec["motif"],
                palette=spec["palette"],
                label=spec["title"].removeprefix(IMAGE_TITLE_PREFIX),
                size=size,
            )
        )
        image = self.loader.store_image(
            title=spec["title"], alt=spec["alt"], data=data, filename=f"archive-{spec['motif']}.jpg"
        )
        if image.collection_id != institution.collection_id:
            image.collection = institution.collection
            image.save(update_fields=["collection"])
        return image

    def _item_images(self, item, specs, institution) -> list[ItemImage]:
        existing = {row.image_id: row for row in item.images.all()} if item.pk else {}
        rows = []
        for order, spec in enumerate(specs):
            image = self._image(spec, PHOTO_SIZE, institution)
            row = existing.get(image.pk) or ItemImage(image=image)
            row.caption = spec["caption"]
            row.sort_order = order
            rows.append(row)
        return rows

    def _steps(self, item, specs, institution) -> list[SavoirFaireStep]:
        existing = list(item.steps.all()) if item.pk else []
        rows = []
        for order, spec in enumerate(specs):
            row = existing[order] if order < len(existing) else SavoirFaireStep()
            row.text = spec["text"]
            image = spec.get("image")
            row.image = self._image(image, STEP_SIZE, institution) if image else None
            row.sort_order = order
            rows.append(row)
        return rows

    def _recording(self, institution, author) -> MediaFile:
        data = recording()
        checked = validate_upload(io.BytesIO(data), kind="audio", claimed_name="entretien.wav")
        media = MediaFile.objects.filter(institution=institution, sha256=checked.sha256).first()
        if media is None:
            media = MediaFile(
                institution=institution,
                kind=MediaFile.Kind.AUDIO,
                key=generated_name(
                    prefix=f"{institution.storage_prefix}/media", extension=checked.extension
                ),
                original_name="entretien-jeannine-extrait.wav",
                mime=checked.mime,
                size=checked.size,
                sha256=checked.sha256,
                duration_seconds=RECORDING_SECONDS,
                created_by=author,
            )
            self.report.add("media files")
        if not default_storage.exists(media.key):
            # Generated keys are new, so the storage keeps the name it is given.
            media.key = default_storage.save(media.key, ContentFile(data))
        media.save()
        return media

    def _transcript(self, item: ArchiveItem, text: str) -> None:
        """Replace the segments only when the transcript changed, so that a second run
        leaves them (and their ids) alone."""
        wanted = [(s.start_ms, s.end_ms, s.speaker, s.text) for s in parse_transcript(text)]
        current = list(
            item.segments.order_by("position").values_list("start_ms", "end_ms", "speaker", "text")
        )
        if current == wanted:
            return
        item.segments.all().delete()
        TranscriptSegment.objects.bulk_create(
            TranscriptSegment(
                item=item, position=position, start_ms=start, end_ms=end, speaker=speaker, text=text
            )
            for position, (start, end, speaker, text) in enumerate(wanted)
        )
        self.report.add("transcript segments", len(wanted))

    def advance_numbers(self) -> None:
        """Items made here use fixed numbers: the next item a contributor creates must not
        take one of them."""
        for institution in self.institutions.values():
            numbers = [
                int(identifier.rsplit("-", 1)[1])
                for identifier in institution.items.values_list("identifier", flat=True)
                if identifier.rsplit("-", 1)[1].isdigit()
            ]
            following = max(numbers, default=0) + 1
            if institution.next_number < following:
                institution.next_number = following
                institution.save(update_fields=["next_number"])


# --- Search demo: items beyond weaving in Roubaix --------------------------------------------
# So that the public search has something to tell apart: weaving elsewhere in
# Hauts-de-France (Fourmies) and outside it (Lyon), other textile trades (the "Textile" sector
# finds them, "Weaver" does not), and mining and glass. Only the weaving items may use the
# word "tisserand" in any form: "tisserand", "tisserands" and "weaver" must find the same items.
FOURMIES = {
    "commune": "Fourmies",
    "region": "Hauts-de-France",
    "country": "FR",
    "latitude": "50.015600",
    "longitude": "4.053700",
}
ITEMS += [  # noqa: RUF005  read by ArchiveDemo.run at run time; kept apart on purpose
    {
        "identifier": "FAB-VTHI-0001",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 12, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Le tissage de laine de la rue des Rouets à Fourmies, vers 1910",
        "summary": "Carte postale du tissage mécanique de Fourmies, où les tisserands "
        "travaillaient la laine peignée de la région de Trélon.",
        "description": "La vallée de l’Helpe comptait au début du XXe siècle des dizaines de "
        "filatures et de tissages de laine. Cette carte postale, éditée pour l’exposition de "
        "1910, montre la façade du tissage et ses ateliers en sheds.",
        "trades": ["tisserand"],
        "tags": ["tissage", "carte postale", "laine"],
        "place_name": "Tissage de la rue des Rouets",
        **FOURMIES,
        "year_from": 1905,
        "year_to": 1915,
        "date_approximate": True,
        "rights": ArchiveItem.Rights.CC0,
        "credit_line": "Coll. Verriers de Thiérache, fonds de cartes postales",
        "images": [
            {
                "title": "Archive – Le tissage de Fourmies",
                "alt": "Usine de briques aux toits en dents de scie et sa cheminée, sous un "
                "ciel clair.",
                "caption": "Carte postale éditée vers 1910.",
                "motif": "mill",
                "palette": "dawn",
            }
        ],
    },
    {
        "identifier": "FAB-VTHI-0002",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 14, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Souffleurs de verre devant le four de la verrerie de Trélon, 1936",
        "summary": "L’équipe d’un four à pot : le souffleur cueille le verre, le grand garçon "
        "façonne, le gamin porte les pièces à l’arche de recuisson.",
        "description": "La verrerie de Trélon a fabriqué des flacons et des gobelets soufflés "
        "à la bouche jusqu’en 1977. La photographie a été prise lors des grèves de 1936, "
        "pendant une reprise du travail.",
        "trades": ["souffleur-de-verre"],
        "tags": ["verre soufflé", "four", "Front populaire"],
        "place_name": "Verrerie Parant, Trélon",
        "commune": "Trélon",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.058300",
        "longitude": "4.102500",
        "date": date(1936, 7, 2),
        "rights": ArchiveItem.Rights.CC_BY,
        "credit_line": "Coll. Verriers de Thiérache",
        "images": [
            {
                "title": "Archive – Souffleurs de verre à Trélon",
                "alt": "Fours de verrerie rougeoyants, vus dans la pénombre de la halle.",
                "caption": "La halle des fours, côté cueillage.",
                "motif": "kilns",
                "palette": "glass",
            }
        ],
    },
    {
        "identifier": "FAB-CMSH-0001",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 16, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "La remonte au puits 9 d’Oignies, 1965",
        "summary": "Fin de poste : les mineurs de fond sortent de la cage, lampe au casque, "
        "sous le chevalement du puits 9.",
        "description": "Photographie du service de presse des Houillères du bassin du "
        "Nord et du Pas-de-Calais. Le puits 9, où fut remontée la dernière berline de "
        "charbon du bassin en 1990, est aujourd’hui un site patrimonial.",
        "trades": ["mineur-de-fond"],
        "tags": ["chevalement", "fin de poste", "Houillères"],
        "place_name": "Fosse 9-9 bis, Oignies",
        "commune": "Oignies",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.469900",
        "longitude": "2.993600",
        "date": date(1965, 4, 22),
        "rights": ArchiveItem.Rights.IN_COPYRIGHT,
        "credit_line": "Coll. Centre minier Sainte-Henriette",
        "images": [
            {
                "title": "Archive – Le chevalement du puits 9",
                "alt": "Chevalement métallique d’un puits de mine se découpant sur un ciel "
                "de fin de journée.",
                "caption": "Le chevalement du puits 9.",
                "motif": "headframe",
                "palette": "steel",
            }
        ],
    },
    {
        "identifier": "FAB-CMSH-0002",
        "kind": ArchiveItem.Kind.SAVOIR_FAIRE,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 18, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Trier le charbon au criblage",
        "summary": "Comment les trieuses ôtaient les pierres du charbon sur les tables de "
        "triage, d’après d’anciennes trieuses du carreau Sainte-Henriette.",
        "description": "Fiche établie avec les bénévoles du centre minier à partir des "
        "souvenirs de trois anciennes trieuses, entrées au criblage entre 1948 et 1956.",
        "trades": ["trieuse-de-charbon"],
        "tags": ["criblage", "travail des femmes"],
        "place_name": "Carreau de fosse Sainte-Henriette",
        "commune": "Hénin-Beaumont",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.423600",
        "longitude": "2.958100",
        "year_from": 1948,
        "year_to": 1962,
        "rights": ArchiveItem.Rights.CC_BY_SA,
        "credit_line": "Centre minier Sainte-Henriette",
        "techniques": "Triage à la main sur table tournante\nCalibrage au crible",
        "materials": "Charbon brut\nSchistes",
        "tools": "Table de triage\nCrible\nBerlines",
        "steps": [
            {
                "text": "Le charbon brut arrive de la recette sur la table de triage, qui "
                "tourne lentement devant les trieuses.",
                "image": {
                    "title": "Archive – La recette du criblage",
                    "alt": "Bâtiment du criblage au pied d’un chevalement, des wagons devant.",
                    "motif": "railway",
                    "palette": "slate",
                },
            },
            {
                "text": "Les trieuses retirent à la main les pierres et les schistes, plus "
                "gris et plus lourds que le charbon, et les jettent dans la goulotte des "
                "stériles."
            },
        ],
    },
    {
        "identifier": "FAB-FVAN-0007",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 20, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Les fileuses aux continus à anneaux, filature Vandamme, 1958",
        "summary": "La salle de filature : chaque fileuse surveille deux continus et rattache "
        "les fils cassés avant que la bobine ne se vide.",
        "description": "Prise pour le même numéro du journal d’entreprise que les vues de la "
        "salle de tissage. La filature préparait le fil de laine peignée que le tissage "
        "voisin employait en trame.",
        "trades": ["fileur"],
        "tags": ["filature", "travail des femmes", "Roubaix"],
        "place_name": "Filature Vandamme, salle des continus",
        **ROUBAIX,
        "date": date(1958, 10, 6),
        "rights": ArchiveItem.Rights.CC_BY,
        "credit_line": "Coll. Musée de la Filature Vandamme",
        "images": [
            {
                "title": "Archive – La salle des continus",
                "alt": "Usine textile aux toits en sheds sous un ciel gris-bleu.",
                "caption": "Les ateliers de filature, vus de la cour.",
                "motif": "mill",
                "palette": "slate",
            }
        ],
    },
    {
        "identifier": "FAB-FVAN-0008",
        "kind": ArchiveItem.Kind.PHOTO,
        "status": ArchiveItem.Status.PUBLISHED,
        "published": content.at(2026, 3, 22, 10),
        "access": ArchiveItem.Access.PUBLIC,
        "title": "Un canut à son métier Jacquard, Croix-Rousse, vers 1905",
        "summary": "Carte postale lyonnaise : un tisserand en soie, un canut, à son métier "
        "Jacquard dans un atelier aux hautes fenêtres de la Croix-Rousse.",
        "description": "Entrée dans la collection du musée par un échange avec une "
        "association lyonnaise. Les hauts plafonds des immeubles de la Croix-Rousse ont été "
        "bâtis pour loger les mécaniques Jacquard au-dessus des métiers.",
        "trades": ["tisserand"],
        "tags": ["tissage", "soie", "carte postale"],
        "place_name": "Atelier de canut, Croix-Rousse",
        "commune": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR",
        "latitude": "45.774100",
        "longitude": "4.832000",
        "year_from": 1900,
        "year_to": 1910,
        "date_approximate": True,
        "rights": ArchiveItem.Rights.CC0,
        "credit_line": "Coll. Musée de la Filature Vandamme, cartes postales",
        "images": [
            {
                "title": "Archive – Un métier Jacquard lyonnais",
                "alt": "Métier à tisser vu de face, chaîne tendue et toile en cours.",
                "caption": "Carte postale, vers 1905.",
                "motif": "loom",
                "palette": "dusk",
            }
        ],
    },
]

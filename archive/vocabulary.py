"""The shared vocabulary of industrial trades, as data, and the function that loads it.

The list is kept in code so that every installation starts with the same slugs: imports and
links between networks rely on them. Labels are given in the five site languages; editors
refine them afterwards in the admin, so existing translations are never overwritten.
Luxembourgish labels follow current spelling but deserve a native speaker's review.
A Wikidata id is only given where it is certain; a wrong one is worse than none.
"""

from dataclasses import dataclass, field

from django.db import transaction

from wagtail.models import Locale

from archive.models import Trade

SOURCE_LANGUAGE = "fr"


@dataclass(frozen=True)
class TradeTerm:
    """One trade: a stable slug, the slug of its broader trade, and its labels by language."""

    slug: str
    parent: str | None
    labels: dict[str, str] = field(hash=False)
    wikidata_id: str = ""


def _t(slug: str, parent: str | None, fr: str, en: str, de: str, lb: str, nl: str) -> TradeTerm:
    return TradeTerm(slug, parent, {"fr": fr, "en": en, "de": de, "lb": lb, "nl": nl})


# Broader trades (sectors) come before the trades under them, so parents always exist first.
TRADES: tuple[TradeTerm, ...] = (
    # Mining
    _t("mines", None, "Mines", "Mining", "Bergbau", "Biergbau", "Mijnbouw"),
    _t(
        "mineur-de-fond",
        "mines",
        "Mineur de fond",
        "Underground miner",
        "Bergmann unter Tage",
        "Biergaarbechter ënner Dag",
        "Ondergrondse mijnwerker",
    ),
    _t(
        "galibot",
        "mines",
        "Galibot",
        "Pit boy",
        "Grubenjunge",
        "Jonke Biergaarbechter",
        "Jonge mijnwerker",
    ),
    _t("porion", "mines", "Porion", "Pit overman", "Steiger", "Steiger", "Mijnopzichter"),
    _t(
        "trieuse-de-charbon",
        "mines",
        "Trieuse de charbon",
        "Coal sorter",
        "Kohlenklauberin",
        "Kuelesortéierin",
        "Kolensorteerster",
    ),
    _t(
        "machiniste-d-extraction",
        "mines",
        "Machiniste d’extraction",
        "Winding engineman",
        "Fördermaschinist",
        "Fördermaschinist",
        "Ophaalmachinist",
    ),
    # Iron and steel
    _t(
        "siderurgie",
        None,
        "Sidérurgie",
        "Iron and steel",
        "Eisen- und Stahlindustrie",
        "Eisen- a Stolindustrie",
        "IJzer- en staalindustrie",
    ),
    _t(
        "haut-fourniste",
        "siderurgie",
        "Haut-fourniste",
        "Blast-furnace worker",
        "Hochofenarbeiter",
        "Héichuewenaarbechter",
        "Hoogovenarbeider",
    ),
    _t("fondeur", "siderurgie", "Fondeur", "Foundry worker", "Gießer", "Géisser", "Gieter"),
    _t(
        "lamineur",
        "siderurgie",
        "Lamineur",
        "Rolling-mill operator",
        "Walzwerker",
        "Walzwierksaarbechter",
        "Walser",
    ),
    _t("forgeron", "siderurgie", "Forgeron", "Blacksmith", "Schmied", "Schmadd", "Smid"),
    _t(
        "chaudronnier",
        "siderurgie",
        "Chaudronnier",
        "Boilermaker",
        "Kesselschmied",
        "Kesselschmadd",
        "Ketelmaker",
    ),
    # Textiles
    _t(
        "textile",
        None,
        "Textile",
        "Textiles",
        "Textilindustrie",
        "Textilindustrie",
        "Textielindustrie",
    ),
    _t("tisserand", "textile", "Tisserand", "Weaver", "Weber", "Wiewer", "Wever"),
    _t("fileur", "textile", "Fileur", "Spinner", "Spinner", "Spënner", "Spinner"),
    _t("teinturier", "textile", "Teinturier", "Dyer", "Färber", "Fierwer", "Verver"),
    # Glass
    _t("verre", None, "Verre", "Glass", "Glas", "Glas", "Glas"),
    _t(
        "souffleur-de-verre",
        "verre",
        "Souffleur de verre",
        "Glassblower",
        "Glasbläser",
        "Glasbléiser",
        "Glasblazer",
    ),
    _t("verrier", "verre", "Verrier", "Glassmaker", "Glasmacher", "Glasmaacher", "Glasmaker"),
    _t(
        "tailleur-de-verre",
        "verre",
        "Tailleur de verre",
        "Glass cutter",
        "Glasschleifer",
        "Glasschläifer",
        "Glasslijper",
    ),
    _t(
        "maitre-verrier",
        "verre",
        "Maître verrier",
        "Stained-glass artist",
        "Glasmaler",
        "Glasmoler",
        "Glazenier",
    ),
    # Ceramics
    _t("ceramique", None, "Céramique", "Ceramics", "Keramik", "Keramik", "Keramiek"),
    _t("potier", "ceramique", "Potier", "Potter", "Töpfer", "Dëppebäcker", "Pottenbakker"),
    _t("emailleur", "ceramique", "Émailleur", "Enameller", "Emailleur", "Emailleur", "Emailleur"),
    _t(
        "peintre-sur-porcelaine",
        "ceramique",
        "Peintre sur porcelaine",
        "Porcelain painter",
        "Porzellanmaler",
        "Porzeläinsmoler",
        "Porseleinschilder",
    ),
    # Electricity
    _t(
        "electricite",
        None,
        "Électricité",
        "Electricity",
        "Elektrizität",
        "Elektrizitéit",
        "Elektriciteit",
    ),
    _t(
        "electricien",
        "electricite",
        "Électricien",
        "Electrician",
        "Elektriker",
        "Elektriker",
        "Elektricien",
    ),
    _t(
        "monteur-de-lignes",
        "electricite",
        "Monteur de lignes",
        "Lineworker",
        "Freileitungsmonteur",
        "Leitungsmonteur",
        "Hoogspanningsmonteur",
    ),
    _t("bobinier", "electricite", "Bobinier", "Coil winder", "Wickler", "Wéckler", "Wikkelaar"),
    # Railways
    _t("chemins-de-fer", None, "Chemins de fer", "Railways", "Eisenbahn", "Eisebunn", "Spoorwegen"),
    _t(
        "cheminot",
        "chemins-de-fer",
        "Cheminot",
        "Railway worker",
        "Eisenbahner",
        "Eisebunner",
        "Spoorwegman",
    ),
    _t(
        "mecanicien-de-locomotive",
        "chemins-de-fer",
        "Mécanicien de locomotive",
        "Engine driver",
        "Lokomotivführer",
        "Lokféierer",
        "Machinist",
    ),
    _t(
        "aiguilleur",
        "chemins-de-fer",
        "Aiguilleur",
        "Signalman",
        "Stellwerker",
        "Aiguilleur",
        "Seinwachter",
    ),
    # Printing
    _t("imprimerie", None, "Imprimerie", "Printing", "Druckgewerbe", "Dréckerei", "Drukkerij"),
    _t(
        "typographe",
        "imprimerie",
        "Typographe",
        "Typesetter",
        "Schriftsetzer",
        "Setzer",
        "Letterzetter",
    ),
    _t("imprimeur", "imprimerie", "Imprimeur", "Printer", "Drucker", "Drécker", "Drukker"),
    _t("relieur", "imprimerie", "Relieur", "Bookbinder", "Buchbinder", "Buchbinder", "Boekbinder"),
    _t(
        "lithographe",
        "imprimerie",
        "Lithographe",
        "Lithographer",
        "Lithograf",
        "Lithograf",
        "Lithograaf",
    ),
    # Leather
    _t("cuir", None, "Cuir", "Leather", "Leder", "Lieder", "Leder"),
    _t("tanneur", "cuir", "Tanneur", "Tanner", "Gerber", "Gierwer", "Looier"),
    _t("cordonnier", "cuir", "Cordonnier", "Shoemaker", "Schuhmacher", "Schouster", "Schoenmaker"),
    # Brewing
    _t("brasserie", None, "Brasserie", "Brewing", "Brauwesen", "Bréierei", "Brouwerij"),
    _t("brasseur", "brasserie", "Brasseur", "Brewer", "Brauer", "Bréier", "Brouwer"),
    _t("malteur", "brasserie", "Malteur", "Maltster", "Mälzer", "Mälzer", "Mouter"),
    # Mechanical engineering
    _t(
        "mecanique",
        None,
        "Construction mécanique",
        "Mechanical engineering",
        "Maschinenbau",
        "Maschinnebau",
        "Machinebouw",
    ),
    _t(
        "ajusteur",
        "mecanique",
        "Ajusteur",
        "Fitter",
        "Maschinenschlosser",
        "Schlosser",
        "Bankwerker",
    ),
    _t(
        "tourneur",
        "mecanique",
        "Tourneur sur métaux",
        "Metal turner",
        "Dreher",
        "Dréier",
        "Draaier",
    ),
    _t(
        "modeleur",
        "mecanique",
        "Modeleur",
        "Pattern maker",
        "Modellbauer",
        "Modellbauer",
        "Modelmaker",
    ),
)


@transaction.atomic
def ensure_trades() -> dict[str, int]:
    """Create the vocabulary in the source language and translate it into every other locale
    that exists. Safe to run again: source labels are brought up to date, translations that
    already exist are left as editors made them.

    Returns counts: `created` and `translated` rows this run, `total` rows in the database.
    """
    source = Locale.objects.get(language_code=SOURCE_LANGUAGE)
    targets = list(Locale.objects.exclude(pk=source.pk))
    created = translated = 0

    rows: dict[str, Trade] = {}
    for term in TRADES:
        row, was_created = Trade.objects.update_or_create(
            slug=term.slug,
            locale=source,
            defaults={
                "name": term.labels[SOURCE_LANGUAGE],
                "parent": rows[term.parent] if term.parent else None,
                "wikidata_id": term.wikidata_id,
            },
        )
        rows[term.slug] = row
        created += was_created

    for locale in targets:
        existing = {
            t.translation_key: t
            for t in Trade.objects.filter(
                locale=locale, translation_key__in=[r.translation_key for r in rows.values()]
            )
        }
        for term in TRADES:
            source_row = rows[term.slug]
            if source_row.translation_key in existing:
                continue
            copy = source_row.copy_for_translation(locale)
            copy.name = term.labels.get(locale.language_code, term.labels[SOURCE_LANGUAGE])
            copy.parent = existing[rows[term.parent].translation_key] if term.parent else None
            copy.save()
            existing[copy.translation_key] = copy
            translated += 1

    return {"created": created, "translated": translated, "total": Trade.objects.count()}

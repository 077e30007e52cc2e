"""Texts of the demonstration site, in French (source) and English.

Everything here is invented for the demo: organisations, people, addresses, e-mail domains
(`.example`, reserved for documentation) and telephone numbers (ranges the French regulator
keeps for fiction). Places and coordinates are real so that the map looks right.

Pages are listed parent first, in the order they appear in the admin. Values that point at
something the loader creates (a page, an image, a training topic) are `Ref`s; the loader
resolves them in the language being written, so an English call to action leads to the
English page.
"""

from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Ref(NamedTuple):
    """A pointer to an object the loader creates: kind is "page", "image" or "topic"."""

    kind: str
    key: str


def page(key: str) -> Ref:
    return Ref("page", key)


def image(key: str) -> Ref:
    return Ref("image", key)


def topic(key: str) -> Ref:
    return Ref("topic", key)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# --- StreamField helpers: each returns a (block type, value) pair of home.blocks.BodyBlock.


def h2(text: str) -> tuple:
    return ("heading", {"text": text, "level": "h2"})


def h3(text: str) -> tuple:
    return ("heading", {"text": text, "level": "h3"})


def rich(html: str) -> tuple:
    return ("paragraph", html)


def picture(key: str, caption: str = "") -> tuple:
    return ("image", {"image": image(key), "caption": caption})


def quote(text: str, attribution: str = "") -> tuple:
    return ("quote", {"text": text, "attribution": attribution})


def cta(title: str, text: str, button: str, target: Ref | None = None, url: str = "") -> tuple:
    return (
        "call_to_action",
        {"title": title, "text": text, "page": target, "url": url, "button_label": button},
    )


# --- Site-wide ------------------------------------------------------------------------------

SITE_NAME = "Fabrique"
SITE_HOSTNAME = "127.0.0.1"  # `make run` serves here; editors change it in Settings > Sites
SITE_PORT = 8000

IMAGE_CREDIT = "Illustration générée pour la démonstration – Fabrique"
LOGO_TITLE = "Logo – {name}"
LOGO_ALT = "Logo de {name}"

NAVIGATION = {
    "main_menu": ["news", "training", "agenda", "members", "about", "contact"],
    "footer_links": ["about", "contact"],
    "contact_address": (
        "Fabrique – réseau des patrimoines industriels\n"
        "Maison des associations\n"
        "27 rue de la Filature\n"
        "59000 Lille"
    ),
    "contact_email": "contact@fabrique-reseau.example",
    "contact_phone": "+33 3 53 01 20 26",
    "social_links": [
        ("mastodon", "https://mastodon.example/@fabrique"),
        ("linkedin", "https://linkedin.example/company/fabrique-reseau"),
        ("youtube", "https://video.example/@fabrique-reseau"),
    ],
}

# --- Images ---------------------------------------------------------------------------------
# Titles are how the loader finds an image again, so they must stay unique.

HERO = (1600, 900)
CARD = (800, 500)

IMAGES = {
    "hero-headframe": {
        "title": "Chevalement au crépuscule",
        "alt": "Silhouette d’un chevalement de mine et d’un terril sous un ciel orangé.",
        "motif": "headframe",
        "palette": "dusk",
        "size": HERO,
    },
    "about-mill": {
        "title": "Usine textile à toits en sheds",
        "alt": "Usine aux toits en dents de scie éclairés de l’intérieur, près d’une haute "
        "cheminée qui fume.",
        "motif": "mill",
        "palette": "brick",
        "size": HERO,
    },
    "about-kilns": {
        "title": "Fours bouteilles",
        "alt": "Trois fours en forme de bouteille se découpant sur un ciel turquoise.",
        "motif": "kilns",
        "palette": "glass",
        "size": HERO,
    },
    "news-partnership": {
        "title": "Deux réseaux reliés",
        "alt": "Pylônes électriques reliés par des câbles, sous un ciel clair.",
        "motif": "pylons",
        "palette": "dawn",
        "size": CARD,
    },
    "news-training": {
        "title": "Casse d’imprimeur",
        "alt": "Casse d’imprimeur vue de dessus, quelques lettres mises en lumière.",
        "motif": "press",
        "palette": "slate",
        "size": CARD,
    },
    "news-notebooks": {
        "title": "Filature au petit matin",
        "alt": "Filature aux fenêtres éclairées et sa cheminée, à l’aube.",
        "motif": "mill",
        "palette": "dawn",
        "size": CARD,
    },
    "news-members": {
        "title": "Voies ferrées vers l’horizon",
        "alt": "Voies ferrées filant vers l’horizon, un signal et un château d’eau.",
        "motif": "railway",
        "palette": "green",
        "size": CARD,
    },
    "news-vocabulary": {
        "title": "Lettres en plomb",
        "alt": "Compartiments d’une casse typographique, certaines lettres accentuées en évidence.",
        "motif": "press",
        "palette": "brick",
        "size": CARD,
    },
    "news-heritage-days": {
        "title": "Haut fourneau la nuit",
        "alt": "Haut fourneau et cowpers dont la fonte en fusion éclaire le pied.",
        "motif": "furnace",
        "palette": "steel",
        "size": CARD,
    },
    "news-open-factories": {
        "title": "Fours de faïencerie",
        "alt": "Fours de faïencerie en forme de bouteille, portes rougeoyantes.",
        "motif": "kilns",
        "palette": "brick",
        "size": CARD,
    },
    "programme-2026": {
        "title": "Programme de formation 2026",
        "alt": "Casse typographique dans des tons de lever du jour.",
        "motif": "press",
        "palette": "dawn",
        "size": CARD,
    },
    "event-sainte-barbe": {
        "title": "Chevalement en hiver",
        "alt": "Chevalement et terril sous un ciel d’hiver bleu acier.",
        "motif": "headframe",
        "palette": "steel",
        "size": HERO,
    },
    "event-open-factories": {
        "title": "Usine au soleil couchant",
        "alt": "Usine à sheds et cheminée au soleil couchant.",
        "motif": "mill",
        "palette": "dusk",
        "size": HERO,
    },
    "event-annual-meeting": {
        "title": "Halle sidérurgique",
        "alt": "Haut fourneau et halle de coulée sous un ciel gris.",
        "motif": "furnace",
        "palette": "slate",
        "size": HERO,
    },
    "event-exhibition": {
        "title": "Affiche d’exposition typographique",
        "alt": "Lettres dorées dans une casse d’imprimeur, sur fond de crépuscule.",
        "motif": "press",
        "palette": "dusk",
        "size": HERO,
    },
}

# --- Training topics (translatable snippets) ------------------------------------------------

TOPICS = [
    {
        "key": "communication",
        "fr": {
            "name": "Communication et visibilité",
            "description": "Stratégie éditoriale, réseaux sociaux, relations presse et "
            "signalétique pour faire connaître un site patrimonial avec des moyens limités.",
        },
        "en": {
            "name": "Communication and visibility",
            "description": "Editorial strategy, social media, press relations and signage to "
            "raise a heritage site’s profile on a small budget.",
        },
    },
    {
        "key": "funding",
        "fr": {
            "name": "Mécénat et financements",
            "description": "Mécénat d’entreprise et de particuliers, appels à projets publics, "
            "fonds européens : identifier les bons interlocuteurs et monter des dossiers "
            "solides.",
        },
        "en": {
            "name": "Patronage and funding",
            "description": "Corporate and individual giving, public calls for projects, "
            "European funds: finding the right partners and writing strong applications.",
        },
    },
    {
        "key": "volunteers",
        "fr": {
            "name": "Gestion des bénévoles",
            "description": "Recruter, accueillir, former et reconnaître l’engagement des "
            "bénévoles et des volontaires en service civique.",
        },
        "en": {
            "name": "Managing volunteers",
            "description": "Recruiting, welcoming, training and recognising volunteers, "
            "including young people on civic service.",
        },
    },
]

# --- Members (archive.Member snippets; descriptions in French only) ------------------------

MEMBERS = [
    {
        "slug": "centre-minier-sainte-henriette",
        "name": "Centre minier de la fosse Sainte-Henriette",
        "kind": "museum",
        "address": "Rue du Chevalement",
        "postcode": "62110",
        "commune": "Hénin-Beaumont",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.423600",
        "longitude": "2.958100",
        "website": "https://sainte-henriette.example",
        "trades": [
            "mineur-de-fond",
            "galibot",
            "porion",
            "trieuse-de-charbon",
            "machiniste-d-extraction",
        ],
        "description": "Installé sur le carreau d’une ancienne fosse, le centre fait découvrir "
        "le travail du fond et la vie des cités minières. La plupart de ses guides sont "
        "d’anciens mineurs ou des enfants de mineurs.",
        "logo": {"initials": "SH", "palette": "dusk", "shape": "tower"},
    },
    {
        "slug": "filature-vandamme",
        "name": "Musée de la Filature Vandamme",
        "kind": "museum",
        "address": "18 rue du Peignage",
        "postcode": "59100",
        "commune": "Roubaix",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.694200",
        "longitude": "3.170200",
        "website": "https://filature-vandamme.example",
        "trades": ["fileur", "tisserand", "teinturier"],
        "description": "Ancienne filature de laine peignée devenue musée. Les machines "
        "restaurées tournent encore lors des démonstrations, et un fonds d’archives documente "
        "un siècle de production.",
        "logo": {"initials": "FV", "palette": "brick", "shape": "gear"},
    },
    {
        "slug": "verriers-de-thierache",
        "name": "Les Verriers de Thiérache",
        "kind": "association",
        "address": "7 rue de la Verrerie",
        "postcode": "59610",
        "commune": "Fourmies",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.012700",
        "longitude": "4.048900",
        "website": "https://verriers-thierache.example",
        "trades": ["souffleur-de-verre", "verrier", "tailleur-de-verre"],
        "description": "Anciens verriers et jeunes artisans entretiennent ensemble un four de "
        "démonstration et transmettent les gestes du soufflage à la canne.",
        "logo": {"initials": "VT", "palette": "glass", "shape": "flame"},
    },
    {
        "slug": "campus-energie-val-de-sambre",
        "name": "Campus des métiers de l’énergie Val de Sambre",
        "kind": "school",
        "address": "40 avenue de la Centrale",
        "postcode": "59600",
        "commune": "Maubeuge",
        "region": "Hauts-de-France",
        "country": "FR",
        "latitude": "50.277500",
        "longitude": "3.972600",
        "website": "https://campus-energie-sambre.example",
        "trades": ["electricien", "monteur-de-lignes", "bobinier"],
        "description": "Lycée professionnel et centre de formation aux métiers de "
        "l’électricité. Chaque année, ses élèves restaurent un équipement ancien prêté par un "
        "membre du réseau.",
        "logo": {"initials": "CE", "palette": "steel", "shape": "gear"},
    },
    {
        "slug": "collectif-fonte-et-memoire",
        "name": "Collectif Fonte et Mémoire",
        "kind": "association",
        "address": "Rue des Hauts-Fourneaux",
        "postcode": "57270",
        "commune": "Uckange",
        "region": "Grand Est",
        "country": "FR",
        "latitude": "49.303600",
        "longitude": "6.149700",
        "website": "https://fonte-et-memoire.example",
        "trades": ["haut-fourniste", "fondeur", "lamineur"],
        "description": "Anciens sidérurgistes, historiens et habitants recueillent les "
        "témoignages de la vallée de la Fensch et les font entendre lors de visites et de "
        "lectures publiques.",
        "logo": {"initials": "FM", "palette": "steel", "shape": "flame"},
    },
    {
        "slug": "faiencerie-terres-de-sarre",
        "name": "Faïencerie Les Terres de Sarre",
        "kind": "company",
        "address": "5 quai des Potiers",
        "postcode": "57200",
        "commune": "Sarreguemines",
        "region": "Grand Est",
        "country": "FR",
        "latitude": "49.106200",
        "longitude": "7.069100",
        "website": "https://terres-de-sarre.example",
        "trades": ["potier", "emailleur", "peintre-sur-porcelaine"],
        "description": "Petite manufacture qui perpétue le moulage et le décor à la main. Elle "
        "ouvre son atelier aux visiteurs et forme chaque année deux apprentis.",
        "logo": {"initials": "TS", "palette": "brick", "shape": "bar"},
    },
    {
        "slug": "atelier-typographique-moselle",
        "name": "Atelier typographique de la Moselle",
        "kind": "museum",
        "address": "12 rue des Imprimeurs",
        "postcode": "57000",
        "commune": "Metz",
        "region": "Grand Est",
        "country": "FR",
        "latitude": "49.119700",
        "longitude": "6.172700",
        "website": "https://atelier-typo-moselle.example",
        "trades": ["typographe", "imprimeur", "relieur", "lithographe"],
        "description": "Conservatoire vivant de l’imprimerie : presses à bras, casses de "
        "caractères et composeuses mécaniques servent encore lors d’ateliers ouverts au "
        "public.",
        "logo": {"initials": "AT", "palette": "slate", "shape": "bar"},
    },
    {
        "slug": "charbonnage-de-marchienne",
        "name": "Centre d’histoire du charbonnage de Marchienne",
        "kind": "museum",
        "address": "Rue du Charbonnage 14",
        "postcode": "6030",
        "commune": "Marchienne-au-Pont",
        "region": "Wallonie",
        "country": "BE",
        "latitude": "50.410500",
        "longitude": "4.395300",
        "website": "https://charbonnage-marchienne.example",
        "trades": ["mineur-de-fond", "trieuse-de-charbon", "porion"],
        "description": "Centre d’interprétation consacré au charbon du Pays noir et aux "
        "familles venues d’Italie, de Pologne, de Grèce ou du Maroc pour travailler dans les "
        "charbonnages.",
        "logo": {"initials": "CM", "palette": "dusk", "shape": "tower"},
    },
    {
        "slug": "fondation-cristal-et-vapeur",
        "name": "Fondation Cristal et Vapeur",
        "kind": "network",
        "address": "Rue de la Cristallerie 3",
        "postcode": "4100",
        "commune": "Seraing",
        "region": "Wallonie",
        "country": "BE",
        "latitude": "50.589000",
        "longitude": "5.499000",
        "website": "https://cristal-et-vapeur.example",
        "trades": ["maitre-verrier", "tailleur-de-verre", "forgeron", "chaudronnier"],
        "description": "Réseau de sites wallons du verre et de la métallurgie. Il coordonne des "
        "expositions communes et un programme de résidences d’artisans.",
        "logo": {"initials": "CV", "palette": "glass", "shape": "gear"},
    },
    {
        "slug": "minett-industriekultur",
        "name": "Minett Industriekultur",
        "kind": "association",
        "address": "2 rue de la Soufflerie",
        "postcode": "L-4360",
        "commune": "Esch-sur-Alzette",
        "region": "Luxembourg",
        "country": "LU",
        "latitude": "49.500500",
        "longitude": "5.947000",
        "website": "https://minett-industriekultur.example",
        "trades": ["haut-fourniste", "lamineur", "fondeur"],
        "description": "Association sans but lucratif qui fait vivre les anciennes halles "
        "sidérurgiques du sud du pays et propose des visites en luxembourgeois, français, "
        "allemand et anglais.",
        "logo": {"initials": "MI", "palette": "steel", "shape": "flame"},
    },
    {
        "slug": "cheminots-du-minett",
        "name": "Cercle des cheminots du Minett",
        "kind": "association",
        "address": "21 rue de la Gare",
        "postcode": "L-4740",
        "commune": "Pétange",
        "region": "Luxembourg",
        "country": "LU",
        "latitude": "49.558300",
        "longitude": "5.880600",
        "website": "https://cheminots-minett.example",
        "trades": ["cheminot", "mecanicien-de-locomotive", "aiguilleur"],
        "description": "Anciens cheminots et passionnés restaurent du matériel roulant et "
        "racontent l’histoire du rail minier entre le Luxembourg, la Lorraine et la Belgique.",
        "logo": {"initials": "CC", "palette": "dawn", "shape": "bar"},
    },
]

# --- Pages ----------------------------------------------------------------------------------
# "shared" holds values that are the same in every language; "fr" and "en" the texts.
# Children of a page (sessions, event sites, form fields) carry a stable "key" so that
# each language's row of the same session shares one translation key.

PAGES = [
    {
        "key": "home",
        "model": "HomePage",
        "parent": None,
        "slug": {"fr": "accueil", "en": "home"},
        "shared": {"hero_image": image("hero-headframe"), "hero_link": page("about")},
        "fr": {
            "title": "Accueil",
            "hero_title": "Les métiers de l’industrie ont une mémoire. Faisons-la vivre.",
            "hero_text": "Fabrique relie les musées, associations, entreprises et écoles qui "
            "transmettent le patrimoine industriel, du bassin minier du Nord au Minett "
            "luxembourgeois.",
            "hero_link_label": "Découvrir le réseau",
            "archive_title": "Une archive commune des savoir-faire",
            "archive_text": "Photographies d’atelier, carnets de contremaîtres, témoignages "
            "enregistrés de mineurs, de verriers ou de fileuses : les membres déposent leurs "
            "fonds dans une archive partagée, décrite avec un vocabulaire des métiers "
            "disponible en cinq langues.",
            "body": [
                cta(
                    "Programme de formation 2026",
                    "Trois journées pour renforcer la communication, le financement et "
                    "l’accueil des bénévoles de votre structure.",
                    "Voir les sessions",
                    page("programme-2026"),
                ),
            ],
        },
        "en": {
            "title": "Home",
            "hero_title": "Industrial trades have a memory. Let’s keep it alive.",
            "hero_text": "Fabrique connects the museums, associations, companies and schools "
            "that pass on industrial heritage, from the coalfield of northern France to "
            "Luxembourg’s Minett.",
            "hero_link_label": "Discover the network",
            "archive_title": "A shared archive of skills",
            "archive_text": "Workshop photographs, foremen’s notebooks, recorded memories of "
            "miners, glassmakers and spinners: members deposit their collections in a shared "
            "archive, described with a vocabulary of trades available in five languages.",
            "body": [
                cta(
                    "2026 training programme",
                    "Three days to strengthen your organisation’s communication, fundraising "
                    "and work with volunteers.",
                    "See the sessions",
                    page("programme-2026"),
                ),
            ],
        },
    },
    {
        "key": "news",
        "model": "NewsIndexPage",
        "parent": "home",
        "slug": {"fr": "actualites", "en": "news"},
        "fr": {
            "title": "Actualités",
            "intro": "La vie du réseau : nouveaux membres, formations, événements et "
            "communiqués de presse.",
        },
        "en": {
            "title": "News",
            "intro": "Life in the network: new members, training, events and press releases.",
        },
    },
    {
        "key": "news-programme-launch",
        "model": "NewsPage",
        "parent": "news",
        "slug": {"fr": "lancement-programme-formation-2026", "en": "2026-training-programme"},
        "shared": {
            "kind": "article",
            "date": date(2026, 1, 28),
            "lead_image": image("news-training"),
        },
        "fr": {
            "title": "Le programme de formation 2026 est lancé",
            "intro": "Communication, mécénat, accueil des bénévoles : le réseau présente trois "
            "journées de formation construites à partir des besoins exprimés par les membres "
            "lors de l’enquête de l’automne.",
            "tags": ["formation", "vie du réseau"],
            "body": [
                rich(
                    "<p>Près de quarante structures ont répondu à l’enquête menée par le "
                    "réseau à l’automne 2025. Leurs réponses se rejoignent : les équipes, "
                    "souvent réduites, manquent moins d’enthousiasme que de temps et d’outils "
                    "pour se faire connaître, trouver des financements et garder les "
                    "bénévoles qui font vivre les sites.</p>"
                ),
                h2("Des journées concrètes, près de chez vous"),
                rich(
                    "<p>Chaque session dure une journée ou deux demi-journées. Elle se tient "
                    "chez un membre du réseau, ou en ligne pour limiter les déplacements. Les "
                    "intervenants sont des professionnels de la culture et des responsables "
                    "de sites qui ont eux-mêmes essayé les méthodes présentées.</p>"
                    "<p>Les formations sont gratuites ou à tarif réduit pour les adhérents ; "
                    "les salariés peuvent demander une prise en charge à leur opérateur de "
                    "compétences.</p>"
                ),
                cta(
                    "Consulter le programme 2026",
                    "Dates, lieux et conditions d’inscription de chaque session.",
                    "Voir le programme",
                    page("programme-2026"),
                ),
            ],
        },
        "en": {
            "title": "The 2026 training programme is launched",
            "intro": "Communication, patronage, working with volunteers: the network presents "
            "three training days built on the needs members expressed in last autumn’s "
            "survey.",
            "tags": ["training", "network life"],
            "body": [
                rich(
                    "<p>Nearly forty organisations answered the network’s survey in autumn "
                    "2025. Their answers point the same way: small teams lack time and tools "
                    "far more than enthusiasm when it comes to getting known, finding funding "
                    "and keeping the volunteers who bring the sites to life.</p>"
                ),
                h2("Practical days, close to you"),
                rich(
                    "<p>Each session lasts one day or two half-days. It is hosted by a member "
                    "of the network, or held online to save travel. Speakers are culture "
                    "professionals and site managers who have tried the methods they "
                    "present.</p>"
                    "<p>Training is free or discounted for members; employees can ask their "
                    "training fund (OPCO in France) to cover the cost.</p>"
                ),
                cta(
                    "Read the 2026 programme",
                    "Dates, venues and how to register for each session.",
                    "See the programme",
                    page("programme-2026"),
                ),
            ],
        },
    },
    {
        "key": "news-notebooks",
        "model": "NewsPage",
        "parent": "news",
        "slug": {"fr": "carnets-de-contremaitres", "en": "foremen-notebooks"},
        "shared": {
            "kind": "article",
            "date": date(2026, 3, 17),
            "lead_image": image("news-notebooks"),
        },
        "fr": {
            "title": "Les carnets de contremaîtres d’une filature entrent dans l’archive",
            "intro": "Une campagne de numérisation a permis de verser dans l’archive commune "
            "une quarantaine de carnets tenus entre 1908 et 1962 par les contremaîtres d’une "
            "filature de laine de Roubaix.",
            "tags": ["archives", "numérisation", "textile"],
            "body": [
                rich(
                    "<p>Réglages des machines, effectifs par atelier, incidents, remarques sur "
                    "la qualité des fils : les carnets montrent le quotidien d’une filature à "
                    "travers le regard de ceux qui encadraient le travail. La famille d’un "
                    "ancien contremaître les avait confiés au Musée de la Filature "
                    "Vandamme.</p>"
                ),
                picture("about-mill", "Les carnets couvrent plus d’un demi-siècle de production."),
                rich(
                    "<p>Des bénévoles et des étudiants en histoire ont photographié et décrit "
                    "chaque carnet. Les descriptions utilisent le vocabulaire commun des "
                    "métiers du réseau : on retrouve ainsi les documents en cherchant "
                    "« fileur » ou « teinturier », en français comme en néerlandais.</p>"
                ),
            ],
        },
        "en": {
            "title": "A spinning mill’s foremen’s notebooks join the archive",
            "intro": "A digitisation campaign has added to the shared archive some forty "
            "notebooks kept between 1908 and 1962 by the foremen of a wool-spinning mill in "
            "Roubaix.",
            "tags": ["archives", "digitisation", "textiles"],
            "body": [
                rich(
                    "<p>Machine settings, headcounts per workshop, incidents, remarks on yarn "
                    "quality: the notebooks show daily life in a spinning mill through the "
                    "eyes of those who supervised the work. The family of a former foreman "
                    "had entrusted them to the Vandamme Spinning Mill Museum.</p>"
                ),
                picture("about-mill", "The notebooks cover more than half a century of work."),
                rich(
                    "<p>Volunteers and history students photographed and described every "
                    "notebook. The descriptions use the network’s shared vocabulary of "
                    "trades, so the documents come up when you search for “spinner” or "
                    "“dyer”, in French as well as in Dutch.</p>"
                ),
            ],
        },
    },
    {
        "key": "news-new-members",
        "model": "NewsPage",
        "parent": "news",
        "slug": {"fr": "nouveaux-membres-wallonie-luxembourg", "en": "new-members"},
        "shared": {
            "kind": "article",
            "date": date(2026, 5, 5),
            "lead_image": image("news-members"),
        },
        "fr": {
            "title": "Trois nouveaux membres en Wallonie et au Luxembourg",
            "intro": "Le conseil d’administration a accueilli trois structures qui renforcent "
            "la présence du réseau dans le bassin de Charleroi, dans la province de Liège et "
            "dans le sud du Luxembourg.",
            "tags": ["membres", "Wallonie", "Luxembourg"],
            "body": [
                rich(
                    "<p>Le Centre d’histoire du charbonnage de Marchienne, la Fondation "
                    "Cristal et Vapeur à Seraing et le Cercle des cheminots du Minett à "
                    "Pétange rejoignent Fabrique. Ils apportent des collections remarquables "
                    "sur le charbon, le verre et le rail, et une solide expérience de "
                    "l’accueil des classes.</p>"
                    "<p>Le réseau compte désormais des membres dans quatre régions et trois "
                    "pays. Chacun a sa fiche dans l’annuaire, avec sa position sur la "
                    "carte.</p>"
                ),
                cta(
                    "Parcourir l’annuaire",
                    "Musées, associations, entreprises et écoles du réseau, sur une carte.",
                    "Voir les membres",
                    page("members"),
                ),
            ],
        },
        "en": {
            "title": "Three new members in Wallonia and Luxembourg",
            "intro": "The board has welcomed three organisations that strengthen the "
            "network’s presence in the Charleroi coalfield, the province of Liège and "
            "southern Luxembourg.",
            "tags": ["members", "Wallonia", "Luxembourg"],
            "body": [
                rich(
                    "<p>The Marchienne Colliery History Centre, the Cristal et Vapeur "
                    "Foundation in Seraing and the Minett Railway Workers’ Circle in Pétange "
                    "are joining Fabrique. They bring remarkable collections on coal, glass "
                    "and rail, and long experience of welcoming school groups.</p>"
                    "<p>The network now has members in four regions and three countries. "
                    "Each one has an entry in the directory, with its location on the "
                    "map.</p>"
                ),
                cta(
                    "Browse the directory",
                    "The network’s museums, associations, companies and schools, on a map.",
                    "See the members",
                    page("members"),
                ),
            ],
        },
    },
    {
        "key": "news-vocabulary",
        "model": "NewsPage",
        "parent": "news",
        "slug": {"fr": "vocabulaire-des-metiers-cinq-langues", "en": "trades-vocabulary"},
        "shared": {
            "kind": "article",
            "date": date(2026, 6, 11),
            "lead_image": image("news-vocabulary"),
        },
        "fr": {
            "title": "Le vocabulaire des métiers disponible en cinq langues",
            "intro": "Près de cinquante métiers et secteurs de l’industrie, du galibot au "
            "lithographe, sont désormais nommés en français, anglais, allemand, "
            "luxembourgeois et néerlandais pour faciliter la recherche dans l’archive.",
            "tags": ["archives", "vocabulaire", "multilinguisme"],
            "body": [
                rich(
                    "<p>Un même métier change de nom d’un bassin à l’autre : le porion des "
                    "mines du Nord est le <i>Steiger</i> des mines lorraines et "
                    "luxembourgeoises. Pour que l’archive puisse être interrogée dans toutes "
                    "les langues du réseau, chaque métier reçoit un identifiant stable et un "
                    "libellé par langue.</p>"
                ),
                h2("Un vocabulaire appelé à grandir"),
                rich(
                    "<p>Les métiers sont rangés par grands secteurs :</p>"
                    "<ul><li>mines et sidérurgie ;</li><li>textile, cuir et brasserie ;</li>"
                    "<li>verre et céramique ;</li><li>électricité, chemins de fer et "
                    "construction mécanique ;</li><li>imprimerie.</li></ul>"
                    "<p>La liste s’enrichira au fil des dépôts. Les membres peuvent proposer "
                    "des ajouts ou des corrections de traduction depuis l’interface "
                    "d’administration.</p>"
                ),
            ],
        },
        "en": {
            "title": "The vocabulary of trades now in five languages",
            "intro": "Nearly fifty industrial trades and sectors, from pit boy to "
            "lithographer, now have names in French, English, German, Luxembourgish and "
            "Dutch, to make the archive easier to search.",
            "tags": ["archives", "vocabulary", "multilingualism"],
            "body": [
                rich(
                    "<p>The same trade goes by different names from one coalfield to the "
                    "next: the <i>porion</i> of the northern French pits is the "
                    "<i>Steiger</i> of the Lorraine and Luxembourg mines. So that the archive "
                    "can be searched in every language of the network, each trade has a "
                    "stable identifier and a label in each language.</p>"
                ),
                h2("A vocabulary that will keep growing"),
                rich(
                    "<p>Trades are grouped into broad sectors:</p>"
                    "<ul><li>mining and steel;</li><li>textiles, leather and brewing;</li>"
                    "<li>glass and ceramics;</li><li>electricity, railways and mechanical "
                    "engineering;</li><li>printing.</li></ul>"
                    "<p>The list will grow as collections are deposited. Members can suggest "
                    "additions or better translations from the administration interface.</p>"
                ),
            ],
        },
    },
    {
        "key": "news-heritage-days",
        "model": "NewsPage",
        "parent": "news",
        "slug": {"fr": "bilan-journees-du-patrimoine-2026", "en": "heritage-days-2026"},
        "shared": {
            "kind": "article",
            "date": date(2026, 9, 29),
            "lead_image": image("news-heritage-days"),
        },
        "fr": {
            "title": "Journées européennes du patrimoine : un week-end très fréquenté",
            "intro": "Plus de 11 000 visiteurs ont franchi les portes des sites du réseau les "
            "19 et 20 septembre, attirés par les démonstrations de métiers et les visites "
            "commentées par d’anciens salariés.",
            "tags": ["patrimoine", "publics", "événement"],
            "body": [
                rich(
                    "<p>Le chiffre reste provisoire, mais la tendance est nette : les visites "
                    "guidées par d’anciens mineurs, lamineurs ou verriers ont affiché complet "
                    "presque partout, et plusieurs sites ont ajouté des départs à la dernière "
                    "minute.</p>"
                ),
                quote(
                    "Mon grand-père a passé quarante ans au laminoir. Entendre un ancien "
                    "expliquer les gestes devant la machine, ça n’a rien à voir avec une photo "
                    "dans un livre.",
                    "Une visiteuse, à Uckange",
                ),
                rich(
                    "<p>Les membres se retrouveront en octobre, lors de la rencontre annuelle "
                    "du réseau, pour comparer leurs bilans et préparer l’édition 2027.</p>"
                ),
            ],
        },
        "en": {
            "title": "European Heritage Days: a very busy weekend",
            "intro": "More than 11,000 visitors came to the network’s sites on 19 and 20 "
            "September, drawn by demonstrations of trades and tours led by former workers.",
            "tags": ["heritage", "audiences", "event"],
            "body": [
                rich(
                    "<p>The figure is still provisional, but the trend is clear: tours led by "
                    "former miners, rolling-mill workers and glassmakers were fully booked "
                    "almost everywhere, and several sites added extra tours at the last "
                    "minute.</p>"
                ),
                quote(
                    "My grandfather spent forty years at the rolling mill. Hearing a former "
                    "worker explain the movements in front of the machine is nothing like a "
                    "photo in a book.",
                    "A visitor in Uckange",
                ),
                rich(
                    "<p>Members will meet in October at the network’s annual meeting to "
                    "compare results and prepare the 2027 edition.</p>"
                ),
            ],
        },
    },
    {
        "key": "news-partnership",
        "model": "NewsPage",
        "parent": "news",
        "slug": {
            "fr": "partenariat-memoires-ouvrieres-culture-sciences-nord",
            "en": "partnership-memoires-ouvrieres-culture-sciences-nord",
        },
        "shared": {
            "kind": "press",
            "date": date(2026, 10, 6),
            "lead_image": image("news-partnership"),
            "press_contact_name": "Camille Leroux",
            "press_contact_email": "presse@memoires-ouvrieres.example",
            "press_contact_phone": "+33 3 53 01 42 17",
        },
        "fr": {
            "title": "Mémoires ouvrières et Culture Sciences Nord s’engagent pour trois ans",
            "intro": "Deux réseaux régionaux des Hauts-de-France, l’un consacré au patrimoine "
            "des métiers, l’autre à la culture scientifique, signent une convention de "
            "partenariat de trois ans pour rapprocher leurs membres et leurs publics.",
            "tags": ["communiqué de presse", "partenariat", "culture scientifique"],
            "body": [
                rich(
                    "<p><b>Lille, le 6 octobre 2026.</b> L’association Mémoires ouvrières, qui "
                    "fédère une soixantaine de lieux consacrés au patrimoine industriel et "
                    "artisanal, et le réseau Culture Sciences Nord, qui rassemble les acteurs "
                    "régionaux de la médiation scientifique, ont signé une convention de "
                    "partenariat pour la période 2026-2029.</p>"
                    "<p>Les deux réseaux collaboraient déjà ponctuellement, notamment pendant "
                    "la Fête de la science. La convention donne un cadre durable à ce travail "
                    "commun et fixe des objectifs évalués chaque année par un comité de "
                    "suivi.</p>"
                ),
                h2("Trois priorités partagées"),
                rich(
                    "<ol><li><b>Croiser les publics</b> : inviter les visiteurs des musées "
                    "techniques à découvrir les lieux de culture scientifique, et "
                    "inversement, grâce à une programmation commune.</li>"
                    "<li><b>Outiller les équipes</b> : ouvrir les formations de chaque réseau "
                    "aux membres de l’autre et produire ensemble des ressources de médiation "
                    "sur les sciences et les techniques du travail.</li>"
                    "<li><b>Mieux couvrir le territoire</b> : soutenir les structures des "
                    "zones rurales et des quartiers prioritaires, où l’offre culturelle reste "
                    "rare.</li></ol>"
                ),
                quote(
                    "Un ingénieur des mines, une fileuse ou un souffleur de verre mobilisaient "
                    "des savoirs scientifiques très pointus. Rapprocher nos deux réseaux, "
                    "c’est rappeler que la technique fait partie de la culture.",
                    "Marc Delattre, président de Mémoires ouvrières",
                ),
                rich(
                    "<p>Un premier rendez-vous commun aura lieu au printemps 2027, pendant les "
                    "Journées usines ouvertes : démonstrations de gestes techniques et "
                    "ateliers d’expériences pour le jeune public.</p>"
                ),
                h3("À propos des deux réseaux"),
                rich(
                    "<p><b>Mémoires ouvrières</b> – association régionale créée en 1994, elle "
                    "accompagne les musées, écomusées et associations qui conservent le "
                    "patrimoine des métiers.</p>"
                    "<p><b>Culture Sciences Nord</b> – réseau régional de culture "
                    "scientifique, technique et industrielle, il anime un collectif de "
                    "centres de sciences, de laboratoires et de médiathèques.</p>"
                ),
            ],
        },
        "en": {
            "title": "Mémoires ouvrières and Culture Sciences Nord commit to a three-year "
            "partnership",
            "intro": "Two regional networks in Hauts-de-France, one devoted to the heritage of "
            "trades and the other to science culture, have signed a three-year partnership "
            "agreement to bring their members and audiences closer together.",
            "tags": ["press release", "partnership", "science culture"],
            "body": [
                rich(
                    "<p><b>Lille, 6 October 2026.</b> Mémoires ouvrières, an association of "
                    "some sixty places devoted to industrial and craft heritage, and Culture "
                    "Sciences Nord, the regional network of science communicators, have "
                    "signed a partnership agreement for 2026–2029.</p>"
                    "<p>The two networks already worked together from time to time, notably "
                    "during the national science festival. The agreement gives this joint "
                    "work a lasting framework and sets goals that a steering committee will "
                    "review every year.</p>"
                ),
                h2("Three shared priorities"),
                rich(
                    "<ol><li><b>Bring audiences together</b>: invite visitors of technical "
                    "museums to discover science centres, and the other way round, through a "
                    "joint programme.</li>"
                    "<li><b>Equip the teams</b>: open each network’s training to the other’s "
                    "members and jointly produce outreach resources on the science and "
                    "technology of work.</li>"
                    "<li><b>Reach more of the region</b>: support organisations in rural "
                    "areas and priority neighbourhoods, where cultural provision is still "
                    "scarce.</li></ol>"
                ),
                quote(
                    "A mining engineer, a spinner or a glassblower drew on highly specialised "
                    "scientific knowledge. Bringing our two networks together is a reminder "
                    "that technology is part of culture.",
                    "Marc Delattre, chair of Mémoires ouvrières",
                ),
                rich(
                    "<p>A first joint event will take place in spring 2027, during the Open "
                    "Factory Days: demonstrations of technical skills and hands-on science "
                    "workshops for young people.</p>"
                ),
                h3("About the two networks"),
                rich(
                    "<p><b>Mémoires ouvrières</b> – a regional association founded in 1994 "
                    "that supports the museums, ecomuseums and associations looking after the "
                    "heritage of trades.</p>"
                    "<p><b>Culture Sciences Nord</b> – the regional network for scientific, "
                    "technical and industrial culture, bringing together science centres, "
                    "laboratories and libraries.</p>"
                ),
            ],
        },
    },
    {
        "key": "news-open-factories-call",
        "model": "NewsPage",
        "parent": "news",
        "slug": {"fr": "usines-ouvertes-2027-sites-participants", "en": "open-factory-days-2027"},
        "shared": {
            "kind": "article",
            "date": date(2026, 11, 9),
            "lead_image": image("news-open-factories"),
        },
        "fr": {
            "title": "Journées usines ouvertes 2027 : les sites participants se dévoilent",
            "intro": "Les 9 et 10 avril 2027, quatre sites du réseau ouvriront leurs ateliers. "
            "Les inscriptions des groupes scolaires sont ouvertes dès maintenant.",
            "tags": ["usines ouvertes", "scolaires", "événement"],
            "body": [
                rich(
                    "<p>Une filature à Roubaix, une faïencerie à Sarreguemines, un atelier de "
                    "verre à Fourmies et d’anciennes halles sidérurgiques à Esch-sur-Alzette : "
                    "quatre sites, quatre métiers, et partout des professionnels pour "
                    "expliquer leurs gestes. Le vendredi est réservé aux classes, de l’école "
                    "primaire au lycée professionnel ; le samedi, les visites sont ouvertes à "
                    "tous.</p>"
                ),
                cta(
                    "Programme et inscriptions",
                    "Le détail des visites et le nombre de places de chaque site.",
                    "Voir l’événement",
                    page("event-open-factories"),
                ),
            ],
        },
        "en": {
            "title": "Open Factory Days 2027: meet the participating sites",
            "intro": "On 9 and 10 April 2027, four of the network’s sites will open their "
            "workshops. School groups can register now.",
            "tags": ["open factories", "schools", "event"],
            "body": [
                rich(
                    "<p>A spinning mill in Roubaix, a faience works in Sarreguemines, a glass "
                    "workshop in Fourmies and former steelworks halls in Esch-sur-Alzette: "
                    "four sites, four trades, and everywhere professionals to explain their "
                    "craft. Friday is reserved for classes, from primary school to vocational "
                    "secondary school; on Saturday the tours are open to everyone.</p>"
                ),
                cta(
                    "Programme and registration",
                    "Tour details and the number of places at each site.",
                    "See the event",
                    page("event-open-factories"),
                ),
            ],
        },
    },
    {
        "key": "training",
        "model": "ProgrammeIndexPage",
        "parent": "home",
        "slug": {"fr": "formations", "en": "training"},
        "fr": {
            "title": "Formations",
            "intro": "Chaque année, le réseau propose à ses membres des journées de formation "
            "pratiques, animées par des professionnels et accueillies sur les sites "
            "adhérents.",
        },
        "en": {
            "title": "Training",
            "intro": "Every year the network offers its members practical training days, led "
            "by professionals and hosted at member sites.",
        },
    },
    {
        "key": "programme-2026",
        "model": "ProgrammePage",
        "parent": "training",
        "slug": {"fr": "programme-2026", "en": "programme-2026"},
        "shared": {"year": 2026, "image": image("programme-2026")},
        "fr": {
            "title": "Programme 2026",
            "intro": "Trois journées pour renforcer les compétences des équipes, salariées "
            "comme bénévoles : mieux communiquer, diversifier ses financements et accueillir "
            "les bénévoles dans de bonnes conditions.",
            "body": [
                h2("Conditions de participation"),
                rich(
                    "<p>Les sessions sont ouvertes en priorité aux salariés et aux bénévoles "
                    "des structures membres. Les places restantes sont proposées aux autres "
                    "acteurs du patrimoine industriel deux semaines avant chaque date.</p>"
                    "<p>Le déjeuner est offert lors des journées sur site. Chaque participant "
                    "reçoit une attestation de présence, utile pour les démarches de prise en "
                    "charge.</p>"
                ),
                h2("Questions fréquentes"),
                h3("Puis-je m’inscrire à une seule session ?"),
                rich(
                    "<p>Oui. Chaque journée est indépendante : vous pouvez en suivre une, "
                    "deux ou les trois.</p>"
                ),
                h3("Et si je dois annuler ?"),
                rich(
                    "<p>Prévenez-nous au moins une semaine avant la session : votre place "
                    "sera proposée à la personne suivante sur la liste d’attente.</p>"
                ),
                cta(
                    "Une question sur le programme ?",
                    "L’équipe du réseau vous répond du lundi au vendredi.",
                    "Nous écrire",
                    page("contact"),
                ),
            ],
        },
        "en": {
            "title": "2026 programme",
            "intro": "Three days to build the skills of paid staff and volunteers alike: "
            "communicate better, broaden funding and give volunteers a proper welcome.",
            "body": [
                h2("Who can take part"),
                rich(
                    "<p>Sessions are open first to staff and volunteers of member "
                    "organisations. Remaining places are offered to other industrial heritage "
                    "organisations two weeks before each date.</p>"
                    "<p>Lunch is provided on on-site days. Every participant receives a "
                    "certificate of attendance, useful when applying for funding.</p>"
                ),
                h2("Frequently asked questions"),
                h3("Can I sign up for just one session?"),
                rich(
                    "<p>Yes. Each day stands on its own: you can attend one, two or all three.</p>"
                ),
                h3("What if I have to cancel?"),
                rich(
                    "<p>Let us know at least a week before the session so that your place "
                    "can go to the next person on the waiting list.</p>"
                ),
                cta(
                    "A question about the programme?",
                    "The network team answers Monday to Friday.",
                    "Write to us",
                    page("contact"),
                ),
            ],
        },
        "sessions": [
            {
                "key": "2026-communication",
                "shared": {
                    "topic": topic("communication"),
                    "format": "hybrid",
                    "starts_at": at(2026, 12, 3, 9, 30),
                    "ends_at": at(2026, 12, 3, 17, 0),
                    "capacity": 16,
                    "registration_deadline": at(2026, 11, 30, 12, 0),
                },
                "fr": {
                    "title": "Se faire connaître : communication et visibilité des lieux de "
                    "patrimoine",
                    "place": "Centre minier de la fosse Sainte-Henriette, Hénin-Beaumont, et "
                    "en ligne",
                    "audience": "Salariés et bénévoles chargés de la communication des "
                    "structures membres",
                    "funding_note": "Gratuit pour les membres ; 90 € pour les autres. Prise en "
                    "charge possible par l’OPCO.",
                },
                "en": {
                    "title": "Getting known: communication and visibility for heritage sites",
                    "place": "Fosse Sainte-Henriette mining centre, Hénin-Beaumont, and online",
                    "audience": "Staff and volunteers in charge of communication at member "
                    "organisations",
                    "funding_note": "Free for members; €90 for others. Can be covered by the "
                    "employer’s training fund (OPCO).",
                },
            },
            {
                "key": "2026-funding",
                "shared": {
                    "topic": topic("funding"),
                    "format": "on_site",
                    "starts_at": at(2027, 1, 21, 9, 30),
                    "ends_at": at(2027, 1, 21, 17, 0),
                    "capacity": 12,
                    "registration_deadline": at(2027, 1, 11, 12, 0),
                },
                "fr": {
                    "title": "Mécénat et financements publics et privés : bâtir un plan de "
                    "financement",
                    "place": "Musée de la Filature Vandamme, Roubaix",
                    "audience": "Directions, administrateurs et porteurs de projets",
                    "funding_note": "45 € pour les membres, 150 € pour les autres, déjeuner "
                    "compris. Éligible à une prise en charge par l’OPCO.",
                },
                "en": {
                    "title": "Patronage and public and private funding: building a funding plan",
                    "place": "Vandamme Spinning Mill Museum, Roubaix",
                    "audience": "Directors, board members and project leaders",
                    "funding_note": "€45 for members, €150 for others, lunch included. "
                    "Eligible for OPCO funding.",
                },
            },
            {
                "key": "2026-volunteers",
                "shared": {
                    "topic": topic("volunteers"),
                    "format": "distance",
                    "starts_at": at(2027, 2, 11, 14, 0),
                    "ends_at": at(2027, 2, 11, 17, 30),
                    "capacity": 24,
                    "registration_deadline": at(2027, 2, 8, 12, 0),
                },
                "fr": {
                    "title": "Accueillir, former et fidéliser les bénévoles",
                    "place": "En ligne (visioconférence)",
                    "audience": "Responsables associatifs et coordinateurs de bénévoles",
                    "funding_note": "Gratuit pour les membres.",
                },
                "en": {
                    "title": "Welcoming, training and keeping volunteers",
                    "place": "Online (video conference)",
                    "audience": "Association leaders and volunteer coordinators",
                    "funding_note": "Free for members.",
                },
            },
        ],
    },
    {
        "key": "agenda",
        "model": "EventIndexPage",
        "parent": "home",
        "slug": {"fr": "agenda", "en": "events"},
        "fr": {
            "title": "Agenda",
            "intro": "Commémorations, visites d’ateliers, expositions et rencontres "
            "professionnelles dans les sites du réseau.",
        },
        "en": {
            "title": "Events",
            "intro": "Commemorations, workshop visits, exhibitions and professional meetings "
            "at the network’s sites.",
        },
    },
    {
        "key": "event-annual-meeting",
        "model": "EventPage",
        "parent": "agenda",
        "slug": {"fr": "rencontre-annuelle-2026", "en": "annual-meeting-2026"},
        "shared": {
            "kind": "conference",
            "start": at(2026, 10, 15, 9, 30),
            "end": at(2026, 10, 15, 17, 30),
            "image": image("event-annual-meeting"),
        },
        "fr": {
            "title": "Rencontre annuelle du réseau 2026",
            "audience": "Membres du réseau et partenaires",
            "intro": "Une journée pour dresser le bilan de l’année, partager les expériences "
            "des sites et choisir ensemble les thèmes du prochain programme de formation.",
            "body": [
                rich(
                    "<p>La matinée est consacrée aux retours d’expérience : trois membres "
                    "présentent un projet mené cette année, ses réussites et ses difficultés. "
                    "L’après-midi, des ateliers en petits groupes préparent les temps forts "
                    "de 2027.</p>"
                ),
            ],
        },
        "en": {
            "title": "2026 annual network meeting",
            "audience": "Network members and partners",
            "intro": "A day to review the year, share experience between sites and choose "
            "together the themes of the next training programme.",
            "body": [
                rich(
                    "<p>The morning is given over to experience sharing: three members "
                    "present a project carried out this year, what worked and what did not. "
                    "In the afternoon, small-group workshops prepare the highlights of "
                    "2027.</p>"
                ),
            ],
        },
        "sites": [
            {
                "key": "annual-meeting-2026-seraing",
                "shared": {
                    "address": "Rue de la Cristallerie 3",
                    "commune": "Seraing",
                    "latitude": "50.589000",
                    "longitude": "5.499000",
                    "capacity": 90,
                },
                "fr": {
                    "name": "Fondation Cristal et Vapeur",
                    "description": "Salle des fours, au rez-de-chaussée ; accès par la cour pavée.",
                },
                "en": {
                    "name": "Cristal et Vapeur Foundation",
                    "description": "Furnace hall, on the ground floor; enter through the "
                    "cobbled courtyard.",
                },
            },
        ],
    },
    {
        "key": "event-sainte-barbe",
        "model": "EventPage",
        "parent": "agenda",
        "slug": {"fr": "sainte-barbe-2026", "en": "saint-barbara-2026"},
        "shared": {
            "kind": "commemoration",
            "start": at(2026, 12, 4, 10, 0),
            "end": at(2026, 12, 4, 13, 0),
            "image": image("event-sainte-barbe"),
        },
        "fr": {
            "title": "Sainte-Barbe 2026 : hommage aux mineurs",
            "audience": "Tout public, familles d’anciens mineurs, associations",
            "intro": "Comme chaque 4 décembre, le réseau et ses membres du bassin minier se "
            "retrouvent au pied du chevalement pour fêter sainte Barbe, patronne des mineurs, "
            "et honorer la mémoire de celles et ceux qui ont travaillé au fond et au jour.",
            "body": [
                h2("Déroulement"),
                rich(
                    "<ul><li><b>10 h</b> – accueil sur le carreau et présentation de lampes "
                    "de mineurs prêtées par les familles ;</li>"
                    "<li><b>10 h 30</b> – cortège jusqu’au monument, avec l’harmonie "
                    "municipale ;</li>"
                    "<li><b>11 h</b> – dépôt de gerbes et lecture de témoignages par des "
                    "collégiens ;</li>"
                    "<li><b>11 h 45</b> – verre de l’amitié dans la salle des pendus.</li>"
                    "</ul>"
                ),
                quote(
                    "Au fond, on ne choisissait pas son voisin de taille, mais c’est à lui "
                    "qu’on confiait sa vie.",
                    "Témoignage d’un ancien mineur, recueilli par le centre minier",
                ),
                rich(
                    "<p>L’entrée est libre. Le carreau est accessible aux personnes à "
                    "mobilité réduite ; le cortège suit un chemin stabilisé d’environ 600 "
                    "mètres.</p>"
                ),
            ],
        },
        "en": {
            "title": "Saint Barbara’s Day 2026: honouring the miners",
            "audience": "Everyone, former miners’ families, associations",
            "intro": "As every 4 December, the network and its coalfield members gather at the "
            "foot of the headframe to celebrate Saint Barbara, patron saint of miners, and to "
            "honour the men and women who worked underground and at the surface.",
            "body": [
                h2("Programme"),
                rich(
                    "<ul><li><b>10 am</b> – welcome at the pithead and display of miners’ "
                    "lamps lent by local families;</li>"
                    "<li><b>10.30 am</b> – procession to the memorial, with the town "
                    "band;</li>"
                    "<li><b>11 am</b> – wreath-laying and readings of testimonies by "
                    "secondary-school pupils;</li>"
                    "<li><b>11.45 am</b> – reception in the miners’ changing room.</li></ul>"
                ),
                quote(
                    "Down the pit you didn’t choose the man working next to you, but you "
                    "trusted him with your life.",
                    "A former miner, recorded by the mining centre",
                ),
                rich(
                    "<p>Admission is free. The pithead is accessible to people with reduced "
                    "mobility; the procession follows a firm path of about 600 metres.</p>"
                ),
            ],
        },
        "sites": [
            {
                "key": "sainte-barbe-2026-site",
                "shared": {
                    "address": "Rue du Chevalement",
                    "commune": "Hénin-Beaumont",
                    "latitude": "50.423600",
                    "longitude": "2.958100",
                    "capacity": None,
                },
                "fr": {
                    "name": "Carreau de la fosse Sainte-Henriette",
                    "description": "Rendez-vous devant la salle des pendus, à côté du "
                    "chevalement. Parking à l’entrée du site.",
                },
                "en": {
                    "name": "Fosse Sainte-Henriette pithead",
                    "description": "Meet in front of the miners’ changing room, next to the "
                    "headframe. Parking at the site entrance.",
                },
            },
        ],
    },
    {
        "key": "event-exhibition",
        "model": "EventPage",
        "parent": "agenda",
        "slug": {"fr": "exposition-mains-d-usine", "en": "factory-hands-exhibition"},
        "shared": {
            "kind": "exhibition",
            "start": at(2027, 3, 6, 10, 0),
            "end": at(2027, 6, 27, 18, 0),
            "image": image("event-exhibition"),
        },
        "fr": {
            "title": "Exposition « Mains d’usine », portraits du travail 1900-1980",
            "audience": "Tout public, groupes scolaires sur réservation",
            "intro": "Une exposition de photographies tirées des fonds des membres, qui montre "
            "les mains au travail : celles du mineur, de la fileuse, du lamineur ou du "
            "typographe.",
            "body": [
                rich(
                    "<p>Quatre-vingts tirages, la plupart inédits, sont accompagnés "
                    "d’extraits de témoignages enregistrés. Un atelier de composition "
                    "typographique permet aux visiteurs d’imprimer leur propre carton "
                    "d’exposition.</p>"
                    "<p>Ouvert du mercredi au dimanche, de 10 h à 18 h.</p>"
                ),
            ],
        },
        "en": {
            "title": "“Factory Hands” exhibition: portraits of work, 1900–1980",
            "audience": "Everyone; school groups by booking",
            "intro": "An exhibition of photographs from members’ collections showing hands at "
            "work: the miner’s, the spinner’s, the rolling-mill worker’s and the "
            "typesetter’s.",
            "body": [
                rich(
                    "<p>Eighty prints, most of them never shown before, are accompanied by "
                    "extracts from recorded testimonies. A typesetting workshop lets visitors "
                    "print their own exhibition card.</p>"
                    "<p>Open Wednesday to Sunday, 10 am to 6 pm.</p>"
                ),
            ],
        },
        "sites": [
            {
                "key": "exhibition-2027-metz",
                "shared": {
                    "address": "12 rue des Imprimeurs",
                    "commune": "Metz",
                    "latitude": "49.119700",
                    "longitude": "6.172700",
                    "capacity": None,
                },
                "fr": {
                    "name": "Atelier typographique de la Moselle",
                    "description": "Salle d’exposition au premier étage, avec ascenseur.",
                },
                "en": {
                    "name": "Moselle Typographic Workshop",
                    "description": "Exhibition room on the first floor, with a lift.",
                },
            },
        ],
    },
    {
        "key": "event-open-factories",
        "model": "EventPage",
        "parent": "agenda",
        "slug": {"fr": "journees-usines-ouvertes-2027", "en": "open-factory-days-2027"},
        "shared": {
            "kind": "open_factory",
            "start": at(2027, 4, 9, 9, 0),
            "end": at(2027, 4, 10, 18, 0),
            "image": image("event-open-factories"),
        },
        "fr": {
            "title": "Journées usines ouvertes 2027",
            "audience": "Scolaires le vendredi, tout public le samedi",
            "intro": "Pendant deux jours, quatre sites du réseau ouvrent leurs ateliers : "
            "filature, faïence, verre soufflé et anciennes halles sidérurgiques, présentés par "
            "celles et ceux qui en connaissent les gestes.",
            "body": [
                rich(
                    "<p>Le vendredi 9 avril est réservé aux groupes scolaires, sur inscription "
                    "auprès de chaque site. Le samedi 10 avril, les visites sont gratuites et "
                    "ouvertes à tous, dans la limite des places disponibles.</p>"
                ),
                h2("Préparer sa visite"),
                rich(
                    "<p>Prévoyez des chaussures fermées : certains ateliers sont en activité. "
                    "Une visite dure environ une heure et demie. L’accessibilité de chaque "
                    "site est indiquée dans sa description.</p>"
                ),
            ],
        },
        "en": {
            "title": "Open Factory Days 2027",
            "audience": "School groups on Friday, everyone on Saturday",
            "intro": "For two days, four of the network’s sites open their workshops: "
            "spinning, faience, blown glass and former steelworks halls, presented by the "
            "people who know the skills.",
            "body": [
                rich(
                    "<p>Friday 9 April is reserved for school groups, who book directly with "
                    "each site. On Saturday 10 April, tours are free and open to everyone, "
                    "subject to availability.</p>"
                ),
                h2("Planning your visit"),
                rich(
                    "<p>Wear closed shoes: some workshops are in operation. A tour lasts "
                    "about an hour and a half. Each site’s description says how accessible it "
                    "is.</p>"
                ),
            ],
        },
        "sites": [
            {
                "key": "open-factories-2027-roubaix",
                "shared": {
                    "address": "18 rue du Peignage",
                    "commune": "Roubaix",
                    "latitude": "50.694200",
                    "longitude": "3.170200",
                    "capacity": 120,
                },
                "fr": {
                    "name": "Musée de la Filature Vandamme",
                    "description": "Démonstrations sur un métier à filer renvideur restauré "
                    "et atelier de découverte des fibres pour les enfants. Accessible en "
                    "fauteuil roulant.",
                },
                "en": {
                    "name": "Vandamme Spinning Mill Museum",
                    "description": "Demonstrations on a restored spinning mule and a fibre "
                    "discovery workshop for children. Wheelchair accessible.",
                },
            },
            {
                "key": "open-factories-2027-sarreguemines",
                "shared": {
                    "address": "5 quai des Potiers",
                    "commune": "Sarreguemines",
                    "latitude": "49.106200",
                    "longitude": "7.069100",
                    "capacity": 60,
                },
                "fr": {
                    "name": "Faïencerie Les Terres de Sarre",
                    "description": "Tournage, moulage et décor à la main dans un atelier en "
                    "activité ; ouverture du four à bois à 15 h. Atelier à l’étage, sans "
                    "ascenseur.",
                },
                "en": {
                    "name": "Les Terres de Sarre faience works",
                    "description": "Throwing, moulding and hand decoration in a working "
                    "studio; the wood-fired kiln is opened at 3 pm. Workshop upstairs, no "
                    "lift.",
                },
            },
            {
                "key": "open-factories-2027-fourmies",
                "shared": {
                    "address": "7 rue de la Verrerie",
                    "commune": "Fourmies",
                    "latitude": "50.012700",
                    "longitude": "4.048900",
                    "capacity": 30,
                },
                "fr": {
                    "name": "Atelier des Verriers de Thiérache",
                    "description": "Soufflage du verre devant le four par les artisans de "
                    "l’association ; exposition de bouteilles fabriquées dans la vallée au "
                    "XIXe siècle. Accès de plain-pied.",
                },
                "en": {
                    "name": "Verriers de Thiérache workshop",
                    "description": "Glassblowing at the furnace by the association’s "
                    "craftspeople; display of bottles made in the valley in the 19th century. "
                    "Step-free access.",
                },
            },
            {
                "key": "open-factories-2027-esch",
                "shared": {
                    "address": "2 rue de la Soufflerie",
                    "commune": "Esch-sur-Alzette",
                    "latitude": "49.500500",
                    "longitude": "5.947000",
                    "capacity": 80,
                },
                "fr": {
                    "name": "Halles du Minett",
                    "description": "Visite des anciennes halles de coulée avec d’anciens "
                    "sidérurgistes et atelier de forge pour les familles. Visites en "
                    "luxembourgeois, français et allemand.",
                },
                "en": {
                    "name": "Minett Halls",
                    "description": "Tour of the former casting halls with retired "
                    "steelworkers, and a forging workshop for families. Tours in "
                    "Luxembourgish, French and German.",
                },
            },
        ],
    },
    {
        "key": "members",
        "model": "MemberDirectoryPage",
        "parent": "home",
        "slug": {"fr": "membres", "en": "members"},
        "fr": {
            "title": "Membres",
            "intro": "Musées, associations, entreprises, écoles et réseaux : découvrez les "
            "structures qui font Fabrique, des Hauts-de-France au Luxembourg.",
        },
        "en": {
            "title": "Members",
            "intro": "Museums, associations, companies, schools and networks: meet the "
            "organisations that make up Fabrique, from northern France to Luxembourg.",
        },
    },
    {
        "key": "map",
        "model": "MapPage",
        "parent": "home",
        "slug": {"fr": "carte", "en": "map"},
        "shared": {"show_members": True, "show_sites": True, "show_items": True},
        "fr": {
            "title": "Carte du patrimoine",
            "intro": "Musées, sites des journées usines ouvertes et documents de l’archive : "
            "le patrimoine industriel du réseau sur une seule carte, du Nord au Luxembourg.",
        },
        "en": {
            "title": "Heritage map",
            "intro": "Museums, open-factory sites and archive records: the network’s "
            "industrial heritage on one map, from northern France to Luxembourg.",
        },
    },
    {
        "key": "about",
        "model": "StandardPage",
        "parent": "home",
        "slug": {"fr": "a-propos", "en": "about"},
        "fr": {
            "title": "À propos",
            "intro": "Fabrique est un réseau transfrontalier qui rassemble les lieux et les "
            "acteurs du patrimoine industriel, scientifique et technique. Il aide ses membres "
            "à partager leurs ressources, à se former et à raconter ensemble l’histoire du "
            "travail.",
            "body": [
                h2("Un réseau né sur le terrain"),
                rich(
                    "<p>Tout a commencé par des rencontres informelles entre responsables de "
                    "petits musées de la mine, du textile et du verre. Ils se posaient les "
                    "mêmes questions : comment attirer de nouveaux publics, comment conserver "
                    "des machines que plus personne ne sait faire tourner, comment financer "
                    "la restauration d’un bâtiment protégé avec une équipe de trois "
                    "personnes ?</p>"
                    "<p>De ces échanges est né Fabrique. Le réseau compte aujourd’hui des "
                    "membres en Hauts-de-France, dans le Grand Est, en Wallonie et au "
                    "Luxembourg, reliés par une histoire industrielle qui ignorait les "
                    "frontières : le charbon, le minerai, l’acier et le verre circulaient "
                    "d’un bassin à l’autre bien avant l’Europe.</p>"
                ),
                picture(
                    "about-mill",
                    "Les usines textiles à sheds ont façonné des villes entières du Nord.",
                ),
                h2("Nos missions"),
                rich(
                    "<ul><li><b>Relier</b> les structures qui conservent et transmettent les "
                    "savoir-faire industriels, quelle que soit leur taille.</li>"
                    "<li><b>Former</b> salariés et bénévoles grâce à un programme annuel "
                    "construit avec les membres.</li>"
                    "<li><b>Valoriser</b> collections et témoignages dans une archive "
                    "partagée et multilingue.</li>"
                    "<li><b>Fédérer</b> les temps forts communs : Sainte-Barbe, Journées "
                    "usines ouvertes, Journées européennes du patrimoine.</li></ul>"
                ),
                quote(
                    "Un chevalement, une filature ou un four de verrier ne racontent rien tout "
                    "seuls. Ce sont les gestes et les mots de ceux qui y ont travaillé qui "
                    "leur donnent un sens.",
                    "Hélène Vasseur, présidente de Fabrique",
                ),
                h2("Qui peut adhérer ?"),
                rich(
                    "<p>Musées, centres d’interprétation, associations d’anciens, entreprises "
                    "qui ouvrent leurs ateliers, établissements d’enseignement technique : "
                    "toute structure qui fait connaître le patrimoine industriel peut "
                    "rejoindre le réseau. La cotisation dépend du budget de la structure.</p>"
                ),
                picture("about-kilns", "Verre et céramique : des savoir-faire nés du feu."),
                cta(
                    "Rejoindre le réseau",
                    "Présentez-nous votre structure et vos projets : nous vous répondons sous "
                    "quinze jours.",
                    "Nous écrire",
                    page("contact"),
                ),
            ],
        },
        "en": {
            "title": "About",
            "intro": "Fabrique is a cross-border network of the places and people that look "
            "after industrial, scientific and technical heritage. It helps its members share "
            "resources, build skills and tell the story of work together.",
            "body": [
                h2("A network that grew from the ground up"),
                rich(
                    "<p>It all began with informal meetings between the managers of small "
                    "mining, textile and glass museums. They kept asking the same questions: "
                    "how to attract new audiences, how to look after machines nobody knows "
                    "how to run any more, how to pay for restoring a listed building with a "
                    "team of three?</p>"
                    "<p>Fabrique grew out of those conversations. Today the network has "
                    "members in Hauts-de-France, Grand Est, Wallonia and Luxembourg, linked by "
                    "an industrial history that never cared for borders: coal, ore, steel and "
                    "glass moved from one basin to the next long before Europe existed.</p>"
                ),
                picture(
                    "about-mill", "Saw-tooth roofed textile mills shaped whole towns in the north."
                ),
                h2("What we do"),
                rich(
                    "<ul><li><b>Connect</b> the organisations that preserve and pass on "
                    "industrial skills, whatever their size.</li>"
                    "<li><b>Train</b> staff and volunteers through a yearly programme built "
                    "with members.</li>"
                    "<li><b>Showcase</b> collections and testimonies in a shared, multilingual "
                    "archive.</li>"
                    "<li><b>Bring together</b> shared highlights: Saint Barbara’s Day, Open "
                    "Factory Days, European Heritage Days.</li></ul>"
                ),
                quote(
                    "A headframe, a spinning mill or a glass furnace tells nothing on its own. "
                    "It is the movements and words of those who worked there that give it "
                    "meaning.",
                    "Hélène Vasseur, chair of Fabrique",
                ),
                h2("Who can join?"),
                rich(
                    "<p>Museums, interpretation centres, former workers’ associations, "
                    "companies that open their workshops, technical schools: any organisation "
                    "that helps people discover industrial heritage can join the network. The "
                    "membership fee depends on the organisation’s budget.</p>"
                ),
                picture("about-kilns", "Glass and ceramics: skills born of fire."),
                cta(
                    "Join the network",
                    "Tell us about your organisation and your projects: we reply within two weeks.",
                    "Write to us",
                    page("contact"),
                ),
            ],
        },
    },
    {
        "key": "contact",
        "model": "ContactPage",
        "parent": "home",
        "slug": {"fr": "contact", "en": "contact"},
        "shared": {
            "to_address": "contact@fabrique-reseau.example",
            "from_address": "site@fabrique-reseau.example",
        },
        "fr": {
            "title": "Contact",
            "intro": "<p>Une question sur le réseau, une adhésion, une formation ? "
            "Écrivez-nous : nous répondons sous cinq jours ouvrés. Journalistes, "
            "précisez-le dans votre message.</p>",
            "thank_you_text": "<p>Merci, votre message nous est bien parvenu. Nous vous "
            "répondrons rapidement.</p>",
            "subject": "Nouveau message depuis le site Fabrique",
        },
        "en": {
            "title": "Contact",
            "intro": "<p>A question about the network, membership or training? Write to us: "
            "we reply within five working days. Journalists, please say so in your "
            "message.</p>",
            "thank_you_text": "<p>Thank you, we have received your message and will reply "
            "soon.</p>",
            "subject": "New message from the Fabrique website",
        },
        "form_fields": [
            {
                "clean_name": "nom",
                "field_type": "singleline",
                "required": True,
                "fr": {"label": "Votre nom", "help_text": ""},
                "en": {"label": "Your name", "help_text": ""},
            },
            {
                "clean_name": "email",
                "field_type": "email",
                "required": True,
                "fr": {
                    "label": "Votre adresse électronique",
                    "help_text": "Nous ne l’utilisons que pour vous répondre.",
                },
                "en": {
                    "label": "Your email address",
                    "help_text": "We only use it to reply to you.",
                },
            },
            {
                "clean_name": "message",
                "field_type": "multiline",
                "required": True,
                "fr": {"label": "Votre message", "help_text": ""},
                "en": {"label": "Your message", "help_text": ""},
            },
        ],
    },
]

"""Builds the demonstration site from `home.demo.content`. Used by `manage.py load_demo`.

Every step looks up what a previous run made (pages by slug under their parent, translations by
translation key, snippets by slug or translation key, images by title) and updates it, so the
loader can run again after the content module changes without creating duplicates.
"""

import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction

from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import LocaleSynchronization

from archive.models import Member, Trade
from archive.vocabulary import SOURCE_LANGUAGE, ensure_trades
from home import models as home_models
from home.demo import content, images
from home.demo.archive_items import (
    DEFAULT_CONTRIBUTOR_PASSWORD,
    ArchiveDemo,
    ArchiveDemoResult,
)

TRANSLATED_LANGUAGE = "en"
# These languages show the French pages (as aliases) until someone translates them.
ALIASED_LANGUAGES = ("de", "lb", "nl")

# Child rows of different pages must never share a translation key, and the same session in
# two languages must: deriving keys from the content's stable names gives both, run after run.
_KEY_NAMESPACE = uuid.UUID("5f0b7d1e-3c55-4a8e-9a57-2f6a2f4bd0c1")


def stable_key(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(_KEY_NAMESPACE, f"{kind}:{name}")


@dataclass
class Report:
    """What a run found and did, printed by the command."""

    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, object] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


class DemoLoader:
    """Loads the demo content. Call `run()` inside a transaction."""

    def __init__(self, *, contributor_password: str = DEFAULT_CONTRIBUTOR_PASSWORD):
        self.contributor_password = contributor_password
        self.archive: ArchiveDemoResult | None = None
        self.report = Report()
        self.locales: dict[str, Locale] = {}
        self.images: dict[str, object] = {}
        self.topics: dict[str, dict[str, home_models.TrainingTopic]] = {}
        self.pages: dict[str, dict[str, Page]] = {}

    # --- orchestration ----------------------------------------------------------------------

    @transaction.atomic
    def run(self) -> Report:
        self.ensure_locales()
        self.ensure_images()
        trades = ensure_trades()
        self.report.add("trades", trades["created"] + trades["translated"])
        self.report.totals["trades"] = trades["total"]
        self.ensure_topics()
        self.ensure_members()
        site = self.ensure_home_and_site()
        self.build_tree(SOURCE_LANGUAGE)
        self.build_tree(TRANSLATED_LANGUAGE)
        self.ensure_navigation(site)
        self.ensure_aliases()
        self.count_pages()
        self.archive = ArchiveDemo(self, contributor_password=self.contributor_password).run()
        return self.report

    # --- locales, images, snippets ----------------------------------------------------------

    def ensure_locales(self) -> None:
        for code, _name in settings.LANGUAGES:
            locale, created = Locale.objects.get_or_create(language_code=code)
            self.locales[code] = locale
            self.report.add("locales", created)
        self.report.totals["locales"] = ", ".join(self.locales)

    def store_image(self, *, title: str, alt: str, data: bytes, filename: str):
        """The image titled `title`, created from `data` if there is none (pass b"" when it is
        known to exist, to skip drawing)."""
        image_model = get_image_model()
        found = image_model.objects.filter(title=title).first()
        if found is not None:
            # Keep the file (and its renditions); texts may have been corrected since.
            if (found.alt_text, found.credit) != (alt, content.IMAGE_CREDIT):
                found.alt_text, found.credit = alt, content.IMAGE_CREDIT
                found.save(update_fields=["alt_text", "credit"])
            return found
        new = image_model(title=title, alt_text=alt, credit=content.IMAGE_CREDIT)
        new.file = ImageFile(io.BytesIO(data), name=filename)
        new._set_image_file_metadata()
        new.save()
        self.report.add("images")
        return new

    def ensure_images(self) -> None:
        image_model = get_image_model()
        existing = set(image_model.objects.values_list("title", flat=True))
        for key, spec in content.IMAGES.items():
            # Drawing is the slow part: skip it when the image is already there.
            data = (
                b""
                if spec["title"] in existing
                else images.illustration(
                    motif=spec["motif"],
                    palette=spec["palette"],
                    label=spec["title"],
                    size=spec["size"],
                )
            )
            self.images[key] = self.store_image(
                title=spec["title"], alt=spec["alt"], data=data, filename=f"demo-{key}.jpg"
            )
        for member in content.MEMBERS:
            title = content.LOGO_TITLE.format(name=member["name"])
            data = b"" if title in existing else images.logo(**member["logo"])
            self.images[f"logo:{member['slug']}"] = self.store_image(
                title=title,
                alt=content.LOGO_ALT.format(name=member["name"]),
                data=data,
                filename=f"logo-{member['slug']}.png",
            )
        self.report.totals["images"] = image_model.objects.count()

    def ensure_topics(self) -> None:
        model = home_models.TrainingTopic
        source_locale = self.locales[SOURCE_LANGUAGE]
        for spec in content.TOPICS:
            key = stable_key("topic", spec["key"])
            by_language = self.topics.setdefault(spec["key"], {})
            source = model.objects.filter(translation_key=key, locale=source_locale).first()
            if source is None:
                source = model(translation_key=key, locale=source_locale)
                self.report.add("training topics")
            for name, value in spec[SOURCE_LANGUAGE].items():
                setattr(source, name, value)
            source.save()
            by_language[SOURCE_LANGUAGE] = source

            target_locale = self.locales[TRANSLATED_LANGUAGE]
            translation = source.get_translation_or_none(target_locale)
            if translation is None:
                translation = source.copy_for_translation(target_locale)
                self.report.add("training topics")
            for name, value in spec[TRANSLATED_LANGUAGE].items():
                setattr(translation, name, value)
            translation.save()
            by_language[TRANSLATED_LANGUAGE] = translation
        self.report.totals["training topics"] = model.objects.count()

    def ensure_members(self) -> None:
        trades = {t.slug: t for t in Trade.objects.filter(locale=self.locales[SOURCE_LANGUAGE])}
        for spec in content.MEMBERS:
            member = Member.objects.filter(slug=spec["slug"]).first()
            if member is None:
                member = Member(slug=spec["slug"])
                self.report.add("members")
            for name in ("name", "kind", "address", "postcode", "commune", "region", "country"):
                setattr(member, name, spec[name])
            member.latitude = Decimal(spec["latitude"])
            member.longitude = Decimal(spec["longitude"])
            member.website = spec["website"]
            member.description = spec["description"]
            member.logo = self.images[f"logo:{spec['slug']}"]
            # A ParentalManyToManyField is written when the member is saved.
            member.trades.set([trades[slug] for slug in spec["trades"]])
            member.save()
        self.report.totals["members"] = Member.objects.count()

    # --- pages ------------------------------------------------------------------------------

    def ensure_home_and_site(self) -> Site:
        """Put our French home page at the top of the tree in place of Wagtail's welcome page,
        and make the default site serve it."""
        locale = self.locales[SOURCE_LANGUAGE]
        spec = _page_spec("home")
        home = home_models.HomePage.objects.filter(depth=2, locale=locale).first()
        if home is None:
            home = home_models.HomePage(locale=locale)
            self._apply(home, spec, SOURCE_LANGUAGE, partial=True)
            home.live = False
            Page.get_first_root_node().add_child(instance=home)
            self.report.add("pages")
        self.pages.setdefault(SOURCE_LANGUAGE, {})["home"] = home

        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname = content.SITE_HOSTNAME
        site.port = content.SITE_PORT
        site.site_name = content.SITE_NAME
        site.root_page = home
        site.save()

        # The welcome page is a plain wagtailcore.Page; ours are all specific types. The site
        # must be moved off it first: deleting a site's root page deletes the site.
        plain_page = ContentType.objects.get_for_model(Page)
        for welcome in Page.objects.filter(depth=2, content_type=plain_page):
            welcome.delete()
        return site

    def build_tree(self, language: str) -> None:
        """Create missing pages in `language` (drafts first, so that every page exists before
        links between them are resolved), then write the content and publish each page."""
        pages = self.pages.setdefault(language, {})
        for spec in content.PAGES:
            if spec["key"] in pages:
                continue
            pages[spec["key"]] = self._find_or_create(spec, language)
        for spec in content.PAGES:
            # Reload: adding children elsewhere (copy_for_translation fetches its own parent)
            # leaves tree fields such as numchild stale in memory, and publishing would write
            # them back, hiding the children from routing.
            key = spec["key"]
            page = pages[key] = type(pages[key]).objects.get(pk=pages[key].pk)
            self._apply(page, spec, language)
            news_date = spec.get("shared", {}).get("date")
            if news_date is not None:
                # Feeds date items by first publication: make it the article's own date.
                page.first_published_at = content.at(
                    news_date.year, news_date.month, news_date.day, 9
                )
            page.save_revision().publish()

    def _find_or_create(self, spec: dict, language: str) -> Page:
        model = getattr(home_models, spec["model"])
        if language == SOURCE_LANGUAGE:
            parent = self.pages[language][spec["parent"]]
            found = model.objects.child_of(parent).filter(slug=spec["slug"][language]).first()
            if found is not None:
                return found
            page = model(locale=self.locales[language])
            self._apply(page, spec, language, partial=True)
            page.live = False
            parent.add_child(instance=page)
            self.report.add("pages")
            return page
        source = self.pages[SOURCE_LANGUAGE][spec["key"]]
        found = source.get_translation_or_none(self.locales[language])
        if found is not None:
            return found
        # Copies the page with its child rows (sessions, sites, form fields) into the new
        # locale, as a draft under the translated parent; the texts are replaced afterwards.
        self.report.add("pages")
        return source.copy_for_translation(self.locales[language], copy_parents=False)

    def _apply(self, page: Page, spec: dict, language: str, *, partial: bool = False) -> None:
        values = {**spec.get("shared", {}), **spec[language]}
        tags = values.pop("tags", None)
        for name, value in values.items():
            setattr(page, name, self._resolve(value, language, partial))
        page.slug = spec["slug"][language]
        if tags is not None:
            page.tags.set(tags)
        if "sessions" in spec:
            page.sessions = self._translatable_children(
                page, "sessions", home_models.ProgrammeSession, spec["sessions"], language
            )
        if "sites" in spec:
            page.sites = self._translatable_children(
                page, "sites", home_models.EventSite, spec["sites"], language
            )
        if "form_fields" in spec:
            page.form_fields = self._form_fields(page, spec["form_fields"], language)

    def _translatable_children(self, page, relation, model, items, language) -> list:
        existing = {obj.translation_key: obj for obj in getattr(page, relation).all()}
        children = []
        for order, item in enumerate(items):
            key = stable_key(relation, item["key"])
            child = existing.get(key) or model(translation_key=key)
            child.locale = self.locales[language]
            child.sort_order = order
            for name, value in {**item["shared"], **item[language]}.items():
                if name in ("latitude", "longitude") and value is not None:
                    value = Decimal(value)
                setattr(child, name, self._resolve(value, language, partial=False))
            children.append(child)
        return children

    def _form_fields(self, page, items, language) -> list:
        existing = {f.clean_name: f for f in page.form_fields.all()}
        fields = []
        for order, item in enumerate(items):
            form_field = existing.get(item["clean_name"]) or home_models.ContactFormField(
                clean_name=item["clean_name"]
            )
            form_field.sort_order = order
            form_field.field_type = item["field_type"]
            form_field.required = item["required"]
            form_field.label = item[language]["label"]
            form_field.help_text = item[language]["help_text"]
            fields.append(form_field)
        return fields

    def _resolve(self, value, language: str, partial: bool):
        """Replace `content.Ref`s by the objects they name, in `language`. While pages are
        first being created (`partial`), a page that does not exist yet resolves to None."""
        if isinstance(value, content.Ref):
            if value.kind == "image":
                return self.images[value.key]
            if value.kind == "topic":
                return self.topics[value.key][language]
            target = self.pages.get(language, {}).get(value.key)
            if target is None and not partial:
                raise KeyError(f"Page {value.key!r} is not in the content module.")
            return target
        if isinstance(value, dict):
            return {k: self._resolve(v, language, partial) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._resolve(v, language, partial) for v in value)
        return value

    # --- navigation, aliases ----------------------------------------------------------------

    def ensure_navigation(self, site: Site) -> None:
        nav_settings = home_models.NavigationSettings.for_site(site)
        source = self.pages[SOURCE_LANGUAGE]
        spec = content.NAVIGATION
        # Menus point at the French pages; the template tags show each visitor the page
        # in their own language.
        nav_settings.main_menu = [
            ("item", {"page": source[key], "label": ""}) for key in spec["main_menu"]
        ]
        nav_settings.footer_links = [
            ("item", {"page": source[key], "label": ""}) for key in spec["footer_links"]
        ]
        nav_settings.contact_address = spec["contact_address"]
        nav_settings.contact_email = spec["contact_email"]
        nav_settings.contact_phone = spec["contact_phone"]
        nav_settings.social_links = [
            ("link", {"network": network, "url": url}) for network, url in spec["social_links"]
        ]
        nav_settings.save()
        self.report.totals["menu items"] = len(spec["main_menu"])

    def ensure_aliases(self) -> None:
        """Have wagtail-localize mirror the French tree into the languages nobody has
        translated yet, so that /de/, /lb/ and /nl/ serve the French pages."""
        source = self.locales[SOURCE_LANGUAGE]
        for code in ALIASED_LANGUAGES:
            sync, created = LocaleSynchronization.objects.get_or_create(
                locale=self.locales[code], defaults={"sync_from": source}
            )
            # Creating the row synchronises at once (a post_save handler); an existing row
            # needs an explicit call to pick up pages added since the last run.
            if not created:
                if sync.sync_from_id != source.pk:
                    sync.sync_from = source
                    sync.save()
                else:
                    sync.sync_trees()

    def count_pages(self) -> None:
        for code, locale in self.locales.items():
            pages = Page.objects.filter(locale=locale, depth__gt=1)
            self.report.totals[f"pages {code}"] = (pages.live().count(), pages.count())
            self.report.totals[f"aliases {code}"] = pages.filter(alias_of__isnull=False).count()


def _page_spec(key: str) -> dict:
    return next(spec for spec in content.PAGES if spec["key"] == key)


DEFAULT_ADMIN_PASSWORD = "fabrique-admin"  # noqa: S105  documented demo default, printed


def ensure_admin(*, username: str, password: str) -> bool:
    """Create a superuser if there is none by that name. Returns True if one was created.
    An existing account keeps its password: the demo never resets a real one."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return False
    user_model.objects.create_superuser(username=username, email="", password=password)
    return True

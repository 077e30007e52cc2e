"""Translations and aliases the way editors make them with wagtail-localize.

`translate()` copies a page into another locale (a draft, with its translatable child rows),
applies the translated values and publishes it. Translate parents before their children.
`alias_tree()` has wagtail-localize mirror a locale's tree into languages nobody translated.
"""

from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization


def translate(page: Page, locale: Locale, **values) -> Page:
    """Publish a translation of `page` in `locale` with `values` set; returns it fresh."""
    translation = page.copy_for_translation(locale, copy_parents=False)
    for name, value in values.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return type(translation).objects.get(pk=translation.pk)


def alias_tree(source: Locale, *targets: Locale) -> None:
    """Mirror every page of `source` not translated into each target as an alias."""
    for target in targets:
        LocaleSynchronization.objects.create(locale=target, sync_from=source)


def refreshed(page: Page) -> Page:
    """`page` read again: adding children elsewhere leaves numchild stale in memory, and
    saving a stale page would hide its new children from routing."""
    return type(page).objects.get(pk=page.pk)

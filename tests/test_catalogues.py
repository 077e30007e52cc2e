"""The message catalogues of the five languages are complete: no message left untranslated
or marked fuzzy (a guess of msgmerge's that nobody checked), and every message keeps the
placeholders of its source, so that no visitor meets English in a French page or a
translation that breaks on formatting."""

import re
from pathlib import Path

from django.conf import settings

import polib
import pytest

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_message_is_translated(language):
    po = catalogue(language)
    assert len(po) > 1000
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        for source, text in pairs:
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(text)):
                wrong.append((source, text))
    assert wrong == []

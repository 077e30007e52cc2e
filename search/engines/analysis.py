"""Text analysis for the database engine, the highlighter both engines can use, and the plain
words Wagtail's page search is given.

A word is reduced to a small set of *forms*: the word folded (lower case, accents and
ligatures removed) and its Snowball stems in French, English, German and Dutch, each folded.
A query word matches a text when their form sets meet. That is what the Elasticsearch engine
gets from its french analyser with english, german and dutch sub-fields, so "tisserands"
finds "tisserand", "siderurgie" finds "sidérurgie", and "Weber" finds the German label of the
weaver trade. Stemming runs on the accented word and on its folded spelling, because the
French rules look at accents ("sidérurgie" and "siderurgie" must meet).

Hand-written rather than a library: PostgreSQL's own dictionaries need the unaccent extension
(not available to an ordinary role) and differ from SQLite's, and the same forms must come
out on both databases so that `make run` on SQLite answers like production's PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape

import snowballstemmer

STEMMER_LANGUAGES = ("french", "english", "german", "dutch")
_stemmers = {language: snowballstemmer.stemmer(language) for language in STEMMER_LANGUAGES}

# Letters and digits of any script; underscores, apostrophes and punctuation separate words,
# so "l'usine" and "d’extraction" give "usine" and "extraction".
WORD_RE = re.compile(r"[^\W_]+")
# Longer "words" are noise (hashes, pasted data); PostgreSQL also limits lexemes to 2 KB.
MAX_WORD_LENGTH = 40
# Bound the work of one query: a pasted page of text searches for its first words.
MAX_QUERY_WORDS = 32

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})

# Function words ignored in queries unless the query has nothing else (what the built-in
# language analysers of Elasticsearch drop). Short on purpose: these are the words that would
# otherwise make "métiers à tisser" require an "à".
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces d dans de des du elle en et eux il ils je l la le les leur lui m ma
    mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son
    sur t ta te tes toi ton tu un une vos votre vous y c j
    an and are as at be by for from in is it of on or that the this to was with
    der die das den dem des ein eine einer eines und oder im zu mit von auf fur ist
    het een van en op voor met te dat zijn
    """.split()  # noqa: SIM905 - one line per language reads better than 130 quoted words
)


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Sidérurgie" -> "siderurgie", "Œuvre" ->
    "oeuvre". Letters without a decomposition (Greek, Cyrillic) stay as they are."""
    text = text.lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normal_word(raw: str) -> str:
    """One word as found by WORD_RE, as it is analysed: lower case (accents kept), at most
    MAX_WORD_LENGTH long."""
    # Each word lowered on its own: lowering the whole text first would split "İstanbul"
    # (its lower case has a combining dot, which is no word character).
    return raw.lower()[:MAX_WORD_LENGTH]


def words(text: str) -> list[str]:
    """The words of `text` (see `normal_word`)."""
    return [normal_word(raw) for raw in WORD_RE.findall(text or "")]


@lru_cache(maxsize=200_000)
def forms(word: str) -> frozenset[str]:
    """Every form under which `word` (lower case) is indexed and searched."""
    folded = fold(word)
    result = {folded}
    for spelling in {word, folded}:
        for stemmer in _stemmers.values():
            stem = fold(stemmer.stemWord(spelling))
            if stem:
                result.add(stem)
    # fold() may split a letter into two words' worth of characters only through ligatures,
    # which stay letters; anything not a word character (a stray mark) is dropped.
    return frozenset(form for form in result if WORD_RE.fullmatch(form))


def text_forms(*texts: str) -> set[str]:
    """The union of the forms of every word of `texts`."""
    unique = set(words("\n".join(filter(None, texts))))
    return set().union(*map(forms, unique))


def query_words(text: str) -> list[str]:
    """The query's words (lower case) in order, without repeats and at most MAX_QUERY_WORDS:
    every one must match. Function words are left out unless nothing else remains."""
    seen: set[str] = set()
    unique = []
    for word in words(text):
        if word not in seen and forms(word):
            seen.add(word)
            unique.append(word)
    meaningful = [word for word in unique if fold(word) not in STOP_WORDS] or unique
    return meaningful[:MAX_QUERY_WORDS]


def plain_words(text: str) -> str:
    """The query's words (query_words) with one space between them: visitor text made safe
    for a search that parses its query, as Wagtail's page search does (SQLite's FTS5 breaks
    on a stray double quote, PostgreSQL's tsquery on a slash). No quote, bracket, operator
    sign or control character is left, so `tisserand"` searches for what `tisserand` does."""
    return " ".join(query_words(text))


def query_terms(text: str) -> list[frozenset[str]]:
    """The query's words as form sets: every one must match (AND), any form of each may
    (OR)."""
    return [forms(word) for word in query_words(text)]


def matches(text: str, terms: list[frozenset[str]]) -> bool:
    """Whether `text` holds a form of any of the query terms."""
    if not terms:
        return False
    wanted = frozenset().union(*terms)
    return any(forms(word) & wanted for word in set(words(text)))


def highlight(text: str, terms: list[frozenset[str]], *, words_around: int = 12) -> str:
    """Safe HTML: an extract of `text` around its first match, escaped, with the matching
    words in <mark>; empty when nothing matches. Ellipses mark cut ends."""
    if not text or not terms:
        return ""
    wanted = frozenset().union(*terms)
    spans = [match.span() for match in WORD_RE.finditer(text)]
    hits = [
        index
        for index, (start, end) in enumerate(spans)
        if forms(normal_word(text[start:end])) & wanted
    ]
    if not hits:
        return ""
    first = max(hits[0] - words_around, 0)
    last = min(hits[0] + words_around * 2, len(spans) - 1)
    begin = 0 if first == 0 else spans[first][0]
    stop = len(text) if last == len(spans) - 1 else spans[last][1]
    marked = set(hits)
    parts = ["…" if begin else ""]
    cursor = begin
    for index in range(first, last + 1):
        start, end = spans[index]
        if index in marked:
            parts.append(escape(text[cursor:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            cursor = end
    parts.append(escape(text[cursor:stop]))
    parts.append("…" if stop < len(text) else "")
    return "".join(parts).strip()

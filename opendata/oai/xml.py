"""Writing XML by hand, fast and safe: every text and attribute value goes through `text()`,
which escapes markup and drops the characters XML 1.0 forbids (control characters pasted
from a word processor would otherwise make the whole response unreadable)."""

import datetime
import re

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Anything `text()` must change: markup characters or characters XML forbids. Most values
# have none, and one search in C costs less than the substitutions.
_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_NAMES = {"lang": "xml:lang", "resource": "rdf:resource", "about": "rdf:about"}
_NAMES["datatype"] = "rdf:datatype"


def text(value) -> str:
    value = value if type(value) is str else str(value)
    if _SPECIAL.search(value) is None:
        return value
    value = _ILLEGAL.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    return value


def attributes(attrs: dict) -> str:
    return "".join(f' {name}="{text(value)}"' for name, value in attrs.items() if value != "")


def element(tag: str, value="", **attrs) -> str:
    """`<tag attrs>value</tag>`; keyword `lang` becomes xml:lang, `resource` rdf:resource,
    `about` rdf:about, `datatype` rdf:datatype."""
    rendered = ""
    for key, val in attrs.items():
        if val != "":
            rendered += f' {_NAMES.get(key, key)}="{text(val)}"'
    if value == "" or value is None:
        return f"<{tag}{rendered}/>"
    return f"<{tag}{rendered}>{text(value)}</{tag}>"


# The same as `element()` for the shapes a record is made of, without its keyword handling:
# a record has some fifty elements, a page ten thousand.


def leaf(tag: str, value) -> str:
    """`element(tag, value)`."""
    if value == "" or value is None:
        return f"<{tag}/>"
    return f"<{tag}>{text(value)}</{tag}>"


def leaf_lang(tag: str, value, lang: str) -> str:
    """`element(tag, value, lang=lang)`."""
    attr = f' xml:lang="{text(lang)}"' if lang != "" else ""
    if value == "" or value is None:
        return f"<{tag}{attr}/>"
    return f"<{tag}{attr}>{text(value)}</{tag}>"


def link(tag: str, uri: str) -> str:
    """`element(tag, resource=uri)`."""
    return f'<{tag} rdf:resource="{text(uri)}"/>' if uri != "" else f"<{tag}/>"


def utc(moment: datetime.datetime) -> str:
    """A datestamp at the repository's granularity: seconds, in UTC."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

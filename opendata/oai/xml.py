"""Writing XML by hand, fast and safe: every text and attribute value goes through `text()`,
which escapes markup and drops the characters XML 1.0 forbids (control characters pasted
from a word processor would otherwise make the whole response unreadable)."""

import datetime
import re

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text(value) -> str:
    value = _ILLEGAL.sub("", str(value))
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
    names = {"lang": "xml:lang", "resource": "rdf:resource", "about": "rdf:about"}
    names["datatype"] = "rdf:datatype"
    rendered = attributes({names.get(key, key): val for key, val in attrs.items()})
    if value == "" or value is None:
        return f"<{tag}{rendered}/>"
    return f"<{tag}{rendered}>{text(value)}</{tag}>"


def utc(moment: datetime.datetime) -> str:
    """A datestamp at the repository's granularity: seconds, in UTC."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

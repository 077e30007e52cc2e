"""Fixtures and helpers for the open data endpoints."""

from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {
    "oai": OAI,
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}


def oai_get(client, **params):
    """The parsed answer of /oai/ to these arguments (lists for repeated ones); the HTTP
    status is checked to be 200, as the protocol wants even for its errors."""
    response = client.get("/oai/", params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def error_code(root) -> str | None:
    found = root.find(f"{{{OAI}}}error")
    return None if found is None else found.get("code")


def headers(root) -> list:
    return root.findall(f".//{{{OAI}}}header")


def ids(root) -> list[str]:
    return [h.findtext(f"{{{OAI}}}identifier").rsplit(":", 1)[1] for h in headers(root)]

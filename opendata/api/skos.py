"""The trade vocabulary as SKOS in JSON-LD: a skos:ConceptScheme whose concepts carry a
prefLabel per language, broader and narrower trades, and exactMatch links to the Getty AAT
and Wikidata."""

from __future__ import annotations

from archive.structured_data import trade_authority_uris
from opendata.api.selectors import TradeConcept

CONTEXT = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "narrower": {"@id": "skos:narrower", "@type": "@id"},
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "topConceptOf": {"@id": "skos:topConceptOf", "@type": "@id"},
    "hasTopConcept": {"@id": "skos:hasTopConcept", "@type": "@id"},
    "notation": "skos:notation",
    "title": {"@id": "dct:title", "@container": "@language"},
}


def exact_matches(concept: TradeConcept) -> list[str]:
    """The concept's equivalents elsewhere: AAT and Wikidata URIs."""
    return trade_authority_uris(concept)


def vocabulary_jsonld(concepts: list[TradeConcept], *, scheme: str, titles: dict) -> dict:
    """The scheme at `scheme` (a URI) and its concepts at `<scheme>#<slug>`."""

    def uri(slug: str) -> str:
        return f"{scheme}#{slug}"

    graph: list[dict] = [
        {
            "@id": scheme,
            "@type": "skos:ConceptScheme",
            "title": titles,
            "hasTopConcept": [uri(c.slug) for c in concepts if not c.broader],
        }
    ]
    for concept in concepts:
        node = {
            "@id": uri(concept.slug),
            "@type": "skos:Concept",
            "notation": concept.slug,
            "prefLabel": concept.labels,
            "inScheme": scheme,
        }
        if concept.broader:
            node["broader"] = uri(concept.broader)
        else:
            node["topConceptOf"] = scheme
        if concept.narrower:
            node["narrower"] = [uri(slug) for slug in concept.narrower]
        if matches := exact_matches(concept):
            node["exactMatch"] = matches
        graph.append(node)
    return {"@context": CONTEXT, "@graph": graph}

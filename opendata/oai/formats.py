"""The metadata formats the repository disseminates, by metadataPrefix."""

from dataclasses import dataclass

from opendata.oai import edm, oai_dc


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


OAI_DC = MetadataFormat(
    "oai_dc",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/",
)
EDM = MetadataFormat(
    "edm",
    "http://www.europeana.eu/schemas/edm/EDM.xsd",
    "http://www.europeana.eu/schemas/edm/",
)
FORMATS = {fmt.prefix: fmt for fmt in (OAI_DC, EDM)}


def writer(prefix: str):
    """The function writing one live record's <metadata> content in this format."""
    return {OAI_DC.prefix: oai_dc.write, EDM.prefix: edm.write}[prefix]

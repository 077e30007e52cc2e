"""The shapes of the open API's answers, for its OpenAPI schema (/api/v1/openapi.json). The
endpoints build plain dicts of these shapes (opendata.api.records, .maps, .skos); the suite's
schemathesis run holds the answers to them."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class ParameterError(Schema):
    parameter: str
    detail: str


class Problem(Schema):
    """RFC 9457 problem details (application/problem+json)."""

    type: str = Field(description="A URI naming the problem; about:blank for plain HTTP ones.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ParameterError] | None = None


class Date(Schema):
    display: str = Field(description="As the item page shows it: “c. 1950–1960”.")
    date: datetime.date | None
    year_from: int | None
    year_to: int | None
    approximate: bool


class Place(Schema):
    name: str
    commune: str
    region: str
    country: str = Field(description="ISO 3166-1 alpha-2, or empty.")
    latitude: float | None
    longitude: float | None
    geonames_id: str
    wikidata_id: str


class ItemTrade(Schema):
    slug: str
    label: str = Field(description="In the asked language (`lang`).")
    aat_id: str
    wikidata_id: str


class ItemInstitution(Schema):
    code: str
    name: str
    website: str


class Rights(Schema):
    code: str
    uri: str
    label: str | None = None


class ItemLinks(Schema):
    self: str
    html: str


class ItemSummary(Schema):
    identifier: str
    kind: Literal["photo", "oral_history", "savoir_faire"]
    title: str
    summary: str
    date: Date
    place: Place
    trades: list[ItemTrade]
    institution: ItemInstitution
    rights: Rights
    thumbnail: str | None
    links: ItemLinks


class ItemPage(Schema):
    count: int = Field(description="Items matching the query, on every page.")
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[ItemSummary]


class Image(Schema):
    caption: str
    alt: str
    credit: str
    width: int
    height: int
    renditions: dict[str, str] = Field(description="thumbnail, display and large URLs.")


class Media(Schema):
    kind: Literal["audio", "video"]
    mime: str
    duration_seconds: int | None
    url: str
    captions: str | None = Field(description="WebVTT captions, for timed transcripts.")


class Segment(Schema):
    speaker: str
    start: float | None
    end: float | None
    text: str


class OralHistory(Schema):
    narrators: str
    interviewers: str
    recording_date: datetime.date | None
    recording_place: str
    language: str
    transcript: list[Segment]


class Step(Schema):
    number: int
    text: str
    image: Image | None
    video: str | None


class SavoirFaire(Schema):
    techniques: list[str]
    materials: list[str]
    tools: list[str]
    steps: list[Step]


class RecordLinks(Schema):
    self: str
    html: str
    iiif_manifest: str = Field(alias="iiif:manifest")
    oai: str


class ItemRecord(ItemSummary):
    description: str
    inventory_number: str
    credit_line: str
    tags: list[str]
    images: list[Image]
    media: Media | None
    oral_history: OralHistory | None
    savoir_faire: SavoirFaire | None
    published_at: datetime.datetime | None
    modified_at: datetime.datetime
    links: RecordLinks


class TradeOut(Schema):
    slug: str
    uri: str
    labels: dict[str, str] = Field(description="Label by language: fr, en, de, lb, nl.")
    broader: str | None
    narrower: list[str]
    aat_id: str
    wikidata_id: str
    exact_match: list[str] = Field(description="Getty AAT and Wikidata URIs.")


class Trades(Schema):
    count: int
    results: list[TradeOut]


class InstitutionOut(Schema):
    code: str
    name: str
    kind: str
    website: str
    commune: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None
    trades: list[str]
    public_items: int
    links: dict[str, str]


class Institutions(Schema):
    count: int
    results: list[InstitutionOut]


class Point(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[lon, lat]")


class FeatureProperties(Schema):
    layer: Literal["members", "sites", "items"]
    title: str | None = None
    url: str | None = None
    trades: list[str] | None = None
    cluster: bool | None = Field(None, description="Items grouped on a grid cell.")
    count: int | None = None
    bbox: str | None = Field(None, description="The cell, south,west,north,east.")


class Feature(Schema):
    type: Literal["Feature"]
    geometry: Point
    properties: FeatureProperties


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[Feature]

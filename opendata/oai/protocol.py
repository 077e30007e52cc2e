"""The OAI-PMH 2.0 protocol: checking a request's arguments and answering its verb.

Errors are answered the protocol's way, as <error code="..."> elements in a 200 response
(section 3.6 of the specification): harvesters read them there, and `noRecordsMatch` is the
normal answer to an incremental harvest when nothing changed."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opendata.identifiers import oai_identifier
from opendata.oai import records, sets, tokens
from opendata.oai.formats import FORMATS, writer
from opendata.oai.links import Links
from opendata.oai.xml import attributes, element, leaf, text, utc

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
LIST_VERBS = ("ListIdentifiers", "ListRecords")


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def answer(arguments: dict[str, list[str]], *, base_url: str) -> str:
    """The whole XML document answering these request arguments."""
    now = timezone.now()
    attrs: dict = {}
    try:
        verb, args = _checked(arguments)
        attrs = {"verb": verb, **args}
        body = VERBS[verb](args, base_url=base_url, now=now)
    except OaiError as error:
        body = element("error", error.message, code=error.code)
        if error.code in ("badVerb", "badArgument"):
            attrs = {}
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/'
        ' http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
        f"<responseDate>{utc(now)}</responseDate>"
        f"<request{attributes(attrs)}>{text(base_url)}</request>"
        f"{body}</OAI-PMH>"
    )


def _checked(arguments: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in ARGUMENTS:
        raise OaiError("badVerb", _("The verb is missing, repeated or not an OAI-PMH verb."))
    verb = verbs[0]
    required, optional = ARGUMENTS[verb]
    args = {}
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise OaiError(
                "badArgument",
                _("%(verb)s takes no argument “%(name)s”.") % {"verb": verb, "name": name},
            )
        if len(values) != 1:
            raise OaiError(
                "badArgument", _("The argument “%(name)s” is repeated.") % {"name": name}
            )
        args[name] = values[0]
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError(
                "badArgument", _("A resumption token must be the only argument besides the verb.")
            )
        return verb, args
    missing = sorted(required - set(args))
    if missing:
        raise OaiError(
            "badArgument",
            _("Missing argument: %(names)s.") % {"names": ", ".join(missing)},
        )
    return verb, args


# --- Dates -----------------------------------------------------------------------------------


def _parse_date(value: str) -> tuple[datetime.datetime, bool]:
    """(moment, whether at day granularity)."""
    for pattern, day in (("%Y-%m-%d", True), ("%Y-%m-%dT%H:%M:%SZ", False)):
        try:
            parsed = datetime.datetime.strptime(value, pattern)
        except ValueError:
            continue
        if len(value) == (10 if day else 20):
            return parsed.replace(tzinfo=datetime.UTC), day
    raise OaiError(
        "badArgument",
        _("“%(value)s” is not a date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC).")
        % {"value": value},
    )


def _selection(args: dict[str, str]) -> records.Selection:
    since = before = None
    granularities = set()
    if args.get("from"):
        since, day = _parse_date(args["from"])
        granularities.add(day)
    if args.get("until"):
        until, day = _parse_date(args["until"])
        granularities.add(day)
        # `until` is inclusive: the whole day, or the whole second.
        before = until + (datetime.timedelta(days=1) if day else datetime.timedelta(seconds=1))
    if len(granularities) > 1:
        raise OaiError("badArgument", _("“from” and “until” must have the same granularity."))
    if since and before and since >= before:
        raise OaiError("badArgument", _("“from” is later than “until”."))
    spec = args.get("set", "")
    if spec and not sets.is_valid_spec(spec):
        raise OaiError(
            "badArgument", _("“%(spec)s” is not a set of this repository.") % {"spec": spec}
        )
    return records.Selection(set_spec=spec, since=since, before=before)


# --- Records ---------------------------------------------------------------------------------


def _prefix(value: str):
    if value not in FORMATS:
        raise OaiError(
            "cannotDisseminateFormat",
            _("The metadata format “%(prefix)s” is not offered; see ListMetadataFormats.")
            % {"prefix": value},
        )
    return FORMATS[value]


def _item_identifier(value: str) -> str:
    head = oai_identifier("")
    if not value.startswith(head) or len(value) == len(head):
        raise OaiError(
            "idDoesNotExist",
            _("No item has the identifier “%(identifier)s”.") % {"identifier": value},
        )
    return value[len(head) :]


def _record(identifier: str, *, now) -> records.Record:
    found = records.one(_item_identifier(identifier), now=now)
    if found is None:
        raise OaiError(
            "idDoesNotExist",
            _("No item has the identifier “%(identifier)s”.") % {"identifier": identifier},
        )
    return found


def _header(record: records.Record) -> str:
    status = ' status="deleted"' if record.deleted else ""
    return (
        f"<header{status}>{leaf('identifier', oai_identifier(record.identifier))}"
        f"<datestamp>{utc(record.datestamp)}</datestamp>"
        + "".join([leaf("setSpec", spec) for spec in record.sets])
        + "</header>"
    )


def _full(record: records.Record, write, links: Links) -> str:
    if record.deleted:
        return f"<record>{_header(record)}</record>"
    metadata = write(record, links, settings.OAI_EDM_PROVIDER)
    return f"<record>{_header(record)}<metadata>{metadata}</metadata></record>"


# --- Verbs -----------------------------------------------------------------------------------


def identify(args, *, base_url, now) -> str:
    earliest = records.earliest_datestamp(now=now) or now
    repository = settings.OAI_REPOSITORY_IDENTIFIER
    return (
        "<Identify>"
        + element("repositoryName", settings.OAI_REPOSITORY_NAME)
        + element("baseURL", base_url)
        + element("protocolVersion", "2.0")
        + element("adminEmail", settings.OAI_ADMIN_EMAIL)
        + element("earliestDatestamp", utc(earliest))
        + element("deletedRecord", "persistent")
        + element("granularity", GRANULARITY)
        + "<description>"
        '<oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier'
        ' http://www.openarchives.org/OAI/2.0/oai-identifier.xsd">'
        + element("scheme", "oai")
        + element("repositoryIdentifier", repository)
        + element("delimiter", ":")
        + element("sampleIdentifier", oai_identifier("FAB-CMSH-0001"))
        + "</oai-identifier></description></Identify>"
    )


def list_metadata_formats(args, *, base_url, now) -> str:
    if "identifier" in args:
        _record(args["identifier"], now=now)
    return (
        "<ListMetadataFormats>"
        + "".join(
            "<metadataFormat>"
            + element("metadataPrefix", fmt.prefix)
            + element("schema", fmt.schema)
            + element("metadataNamespace", fmt.namespace)
            + "</metadataFormat>"
            for fmt in FORMATS.values()
        )
        + "</ListMetadataFormats>"
    )


def list_sets(args, *, base_url, now) -> str:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", _("The list of sets comes in one piece."))
    return (
        "<ListSets>"
        + "".join(
            f"<set>{element('setSpec', found.spec)}{element('setName', found.name)}</set>"
            for found in sets.sets_all()
        )
        + "</ListSets>"
    )


def get_record(args, *, base_url, now) -> str:
    fmt = _prefix(args["metadataPrefix"])
    record = _record(args["identifier"], now=now)
    return f"<GetRecord>{_full(record, writer(fmt.prefix), Links(base_url))}</GetRecord>"


def _list(verb: str, args, *, base_url, now) -> str:
    if "resumptionToken" in args:
        try:
            token = tokens.token_read(args["resumptionToken"])
        except tokens.BadToken:
            raise OaiError(
                "badResumptionToken", _("The resumption token is invalid or has expired.")
            ) from None
        if token.verb != verb:
            raise OaiError(
                "badResumptionToken", _("The resumption token was issued for another verb.")
            )
        prefix = token.prefix
        selection = records.Selection(
            set_spec=token.set_spec,
            since=datetime.datetime.fromisoformat(token.since) if token.since else None,
            before=datetime.datetime.fromisoformat(token.before) if token.before else None,
        )
        after = (datetime.datetime.fromisoformat(token.last_stamp), token.last_pk)
        cursor, total = token.cursor, token.total
    else:
        prefix = _prefix(args["metadataPrefix"]).prefix
        selection = _selection(args)
        after, cursor, total = None, 0, None
    full = verb == "ListRecords"
    page, more = records.page(
        selection, after=after, size=settings.OAI_PAGE_SIZE, with_items=full, now=now
    )
    if not page:
        if after is None:
            raise OaiError("noRecordsMatch", _("No record matches these arguments."))
        return f"<{verb}>{_resumption('', cursor=cursor, total=total)}</{verb}>"
    if total is None:
        total = records.count(selection, now=now) if more else len(page)
    if full:
        write, links = writer(prefix), Links(base_url)
        with translation.override(settings.LANGUAGE_CODE):
            body = "".join(_full(record, write, links) for record in page)
    else:
        body = "".join(_header(record) for record in page)
    if more:
        last = page[-1]
        issued, expires = tokens.token_issue(
            tokens.Token(
                verb=verb,
                prefix=prefix,
                set_spec=selection.set_spec,
                since=selection.since.isoformat() if selection.since else "",
                before=selection.before.isoformat() if selection.before else "",
                cursor=cursor + len(page),
                total=total,
                last_stamp=last.datestamp.isoformat(),
                last_pk=last.pk,
            )
        )
        body += _resumption(issued, cursor=cursor, total=total, expires=expires)
    elif after is not None:
        body += _resumption("", cursor=cursor, total=total)
    return f"<{verb}>{body}</{verb}>"


def _resumption(token: str, *, cursor: int, total, expires=None) -> str:
    attrs = {"cursor": cursor}
    if total is not None:
        attrs["completeListSize"] = total
    if expires is not None:
        attrs["expirationDate"] = utc(expires)
    return f"<resumptionToken{attributes(attrs)}>{text(token)}</resumptionToken>"


def list_identifiers(args, *, base_url, now) -> str:
    return _list("ListIdentifiers", args, base_url=base_url, now=now)


def list_records(args, *, base_url, now) -> str:
    return _list("ListRecords", args, base_url=base_url, now=now)


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}

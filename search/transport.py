"""Plain-JSON transport for servers that speak the OpenSearch API.

The Elasticsearch 8 client always sends its versioned media types
(`application/vnd.elasticsearch+json; compatible-with=8`, and `+x-ndjson` for bulk bodies).
Elasticsearch 8 wants them; OpenSearch-API servers (OpenSearch itself, and the osmem-server
emulator the test suite runs) answer 406 Not Acceptable. This node sends the plain types
instead. It is used only when settings.ARCHIVE_SEARCH["OPENSEARCH_COMPAT"] is on, never
against a real Elasticsearch 8, which keeps the client's normal headers.
"""

from __future__ import annotations

import re

from elastic_transport import Urllib3HttpNode

# "application/vnd.elasticsearch+json; compatible-with=8" -> "application/json"
_VENDORED = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)\s*(;\s*compatible-with=\d+)?")
_REWRITTEN = ("accept", "content-type")


def plain_media_type(value: str) -> str:
    return _VENDORED.sub(r"application/\1", value)


class PlainJsonHttpNode(Urllib3HttpNode):
    """A urllib3 node that sends `application/json` (and `application/x-ndjson`) where the
    Elasticsearch client asks for its versioned media types."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in _REWRITTEN:
                if name in headers:
                    headers[name] = plain_media_type(headers[name])
        # Default headers set on the node itself (from the client's constructor) too.
        for name in _REWRITTEN:
            if name in self._headers:
                self._headers[name] = plain_media_type(self._headers[name])
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)

"""LocaleMiddleware that leaves the open data endpoints' 404s alone.

Django's LocaleMiddleware answers a 404 on a path without a language prefix with a redirect
to the same path under the visitor's language whenever that path resolves, and Wagtail's
catch-all page route resolves every path. `/api/v1/items/FAB-X/` would then become a redirect
to an HTML page instead of its problem details, and an unknown IIIF manifest or OAI URL
likewise. The open data endpoints have no language prefix by design (opendata/urls.py).
"""

import re

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language


class OpenDataLocaleMiddleware(LocaleMiddleware):
    paths = re.compile(settings.CORS_URLS_REGEX)

    def process_response(self, request, response):
        if response.status_code == 404 and self.paths.match(request.path_info):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)

"""Security headers of every response: the Content-Security-Policy (django-csp) and the
Permissions-Policy.

The public site's policy has no nonce: a nonce in a page that the page cache serves to everyone
would be shared by all its visitors, and would be worth nothing. Scripts and styles therefore
come from our own static files only; data reaches them through data- attributes and
`json_script` blocks, never through inline code.

Wagtail's admin still renders inline scripts and style attributes, so under ADMIN_PATH_PREFIX
the same policy is sent as Content-Security-Policy-Report-Only: violations are reported, nothing
is blocked (README "Content-Security-Policy").
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

ADMIN_PATH_PREFIX = "/admin/"
# Name of the Reporting API endpoint that the policy's report-to directive names.
REPORT_GROUP = "csp"


def origin(url: str | None) -> str | None:
    """`https://tile.example.org` for `https://tile.example.org/{z}/{x}/{y}.png`; a Leaflet
    subdomain placeholder (`{s}.tile.example.org`) becomes a wildcard."""
    if not url:
        return None
    url = url.replace("{s}.", "*.")
    parts = urlsplit(url if "//" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else None


def media_origins(
    *, bucket: str, endpoint_url: str | None, custom_domain: str | None, region: str | None
) -> list[str]:
    """Where uploaded files are fetched from: renditions on the custom domain (a CDN), originals
    and recordings through presigned URLs on the S3 endpoint (AWS names the bucket in the host)."""
    if not bucket:
        return []
    found = [origin(custom_domain), origin(endpoint_url)]
    if not endpoint_url:
        found.append(f"https://{bucket}.s3.amazonaws.com")
        if region:
            found.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return [source for source in found if source]


def content_security_policy(
    *,
    map_tile_url: str,
    media_sources: list[str],
    frame_sources: list[str],
    report_uri: str,
    upgrade_insecure_requests: bool = False,
) -> dict:
    """The policy, as django-csp's CONTENT_SECURITY_POLICY setting."""
    # data: for images only: Leaflet swaps a tile it drops for a 1-pixel data: GIF (emptyImageUrl).
    images = [SELF, "data:", *filter(None, [origin(map_tile_url)]), *media_sources]
    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": images,
        "media-src": [SELF, *media_sources],
        "font-src": [SELF],
        # The search's suggestions and the direct uploads (a presigned POST to the bucket).
        "connect-src": [SELF, *media_sources],
        "frame-src": frame_sources or [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": [report_uri],
        "report-to": REPORT_GROUP,
    }
    if upgrade_insecure_requests:
        directives["upgrade-insecure-requests"] = True
    return {"DIRECTIVES": directives}


def permissions_policy(*, frame_sources: list[str]) -> str:
    """Every powerful feature off, except fullscreen for our pages and the embedded players."""
    denied = (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
    fullscreen = " ".join(["self", *(f'"{source}"' for source in frame_sources)])
    return ", ".join([*(f"{feature}=()" for feature in denied), f"fullscreen=({fullscreen})"])


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware, enforcing on the public site and report-only in the admin,
    plus the Reporting-Endpoints and Permissions-Policy headers."""

    def process_response(self, request, response):
        if request.path_info.startswith(ADMIN_PATH_PREFIX):
            response._csp_exempt = True
        response = super().process_response(request, response)
        response.setdefault("Reporting-Endpoints", f'{REPORT_GROUP}="{settings.CSP_REPORT_URI}"')
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only and request.path_info.startswith(ADMIN_PATH_PREFIX):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
            # The admin's preview panel frames admin pages.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts

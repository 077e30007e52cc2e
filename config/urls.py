import os

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from config.csp_reports import csp_report
from home import views as home_views

# A lost database connection or an unreachable file storage gives a "try again" 503 page.
handler500 = "config.views.server_error"

# Folders of MEDIA_ROOT that the development server serves to anyone (see below).
PUBLIC_MEDIA_FOLDERS = ("images", "avatar_images")

urlpatterns = [
    # Before Wagtail's admin URLs, so that this rate-limited view answers at the same address.
    path(
        "admin/password_reset/",
        accounts_views.PasswordResetView.as_view(),
        name="accounts_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", home_views.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", home_views.sitemap_section, name="sitemap_section"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("health/", include("health.urls")),
    path(settings.CSP_REPORT_URI.lstrip("/"), csp_report, name="csp_report"),
    path("forms/token/", home_views.form_token, name="form_token"),
    # OAI-PMH, IIIF and the open API: no language prefix (opendata/urls.py)
    path("", include("opendata.urls")),
]

if settings.BENCH_BARE_VIEW:
    # bench/pages.py's "bare view": the least a Django view costs behind the same middleware.
    urlpatterns.insert(0, path("bench/bare/", lambda request: HttpResponse(b"ok")))

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    # Only public derivatives are served from MEDIA_ROOT: image renditions (images/) and the
    # admin's avatars. Originals (original_images/), archive media (archive/) and documents
    # stay private; recordings and documents go through views that check access.
    for folder in PUBLIC_MEDIA_FOLDERS:
        urlpatterns += static(
            f"{settings.MEDIA_URL}{folder}/",
            document_root=os.path.join(settings.MEDIA_ROOT, folder),
        )

# Every public page lives under its language prefix: /fr/, /en/, /de/, /lb/, /nl/.
urlpatterns += i18n_patterns(
    path("", include("home.urls")),
    path("newsletter/", include("home.newsletter.urls")),
    path("archive/", include("archive.urls")),
    path("search/", include("search.urls")),
    # Wagtail's catch-all serves every other path, so it comes last.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

"""Views that are not pages: sitemap, robots.txt, form token, registration form and cancel
link."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from wagtail.contrib.sitemaps import views as wagtail_sitemaps

from home import services
from home.antispam import honeypot_filled, over_rate_limit
from home.forms import RegistrationForm
from home.models.registrations import Registration
from home.selectors import slots_availability
from home.sitemaps import sitemaps


@require_GET
def sitemap(request):
    """The index: one entry per file of each section (home/sitemaps.py)."""
    return wagtail_sitemaps.index(request, sitemaps(request), sitemap_url_name="sitemap_section")


@require_GET
def sitemap_section(request, section: str):
    """One file of a section; `?p=` pages through it. An unknown section or page is a 404."""
    return wagtail_sitemaps.sitemap(request, sitemaps(request), section=section)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /documents/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@never_cache
def form_token(request):
    """A CSRF token for this browser (and its cookie), for the forms of cached pages, which
    hold none (site/static/js/forms.js)."""
    return JsonResponse({"token": get_token(request)})


def registration_form(request, page, slot):
    """Form for one session or event site: form -> service -> page again with a message."""
    availability = slots_availability(slots=[slot])[slot.key]
    status = 200
    form = RegistrationForm(capacity=slot.capacity)
    if request.method == "POST" and availability.is_open:
        if over_rate_limit(request, group="registration", rate=settings.REGISTRATION_FORM_RATE):
            messages.error(
                request,
                _(
                    "Several registrations came from your connection in a short time. "
                    "Please wait a little and try again."
                ),
            )
            status = 429
        elif honeypot_filled(request):
            # Looks like success to a bot; nothing is kept.
            messages.success(request, _("Thank you, your registration has been received."))
            return redirect(request.path)
        else:
            form = RegistrationForm(request.POST, capacity=slot.capacity)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    registration = services.registration_create(
                        slot=slot,
                        kind=data["kind"],
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        organisation=data["organisation"],
                        seats=data["seats"],
                        language=get_language(),
                    )
                except services.RegistrationError as error:
                    form.add_error("email" if error.code == "duplicate" else None, error)
                else:
                    if registration.status == Registration.Status.CONFIRMED:
                        messages.success(
                            request,
                            _(
                                "Your registration is confirmed. A confirmation email is on its "
                                "way to %(email)s."
                            )
                            % {"email": registration.email},
                        )
                    else:
                        messages.warning(
                            request,
                            _(
                                "All seats are taken: you are on the waiting list. We will email "
                                "%(email)s if a seat becomes free."
                            )
                            % {"email": registration.email},
                        )
                    return redirect(request.path)
            status = 400
    context = page.get_context(request)
    context.update(
        slot=slot,
        availability=availability,
        form=form,
        retention_days=settings.REGISTRATION_RETENTION_DAYS,
    )
    response = TemplateResponse(request, "home/registration_form.html", context, status=status)
    # Seats left and the deadline are live here: never kept by the page cache or a browser.
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    """Cancel link from the emails: GET asks for confirmation, POST cancels (link scanners
    only GET)."""
    try:
        registration = Registration.from_cancel_token(token)
    except (signing.BadSignature, Registration.DoesNotExist):
        return TemplateResponse(request, "home/registration_cancel_invalid.html", status=400)
    if request.method == "POST" and registration.status != Registration.Status.CANCELLED:
        services.registration_cancel(registration=registration)
        registration.refresh_from_db()
    return TemplateResponse(
        request, "home/registration_cancel.html", {"registration": registration}
    )

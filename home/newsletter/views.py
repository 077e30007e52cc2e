"""Public newsletter views: form -> service -> template.

Confirming and unsubscribing take two steps, a page (GET) with a button that POSTs. Mail
security scanners (Outlook Safe Links, Mimecast, corporate proxies) open every link of a
message to inspect it; if a GET confirmed, they would confirm subscriptions nobody asked for
(defeating double opt-in) and unsubscribe people who never clicked. Only the RFC 8058 one-click
endpoint changes anything without a page, and only on POST.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from home.antispam import honeypot_filled, over_rate_limit
from home.newsletter import tokens
from home.newsletter.forms import SubscriptionForm
from home.newsletter.models import Audience
from home.newsletter.services import (
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)

RATE_GROUP = "newsletter-form"


def _invalid_link(request, error: tokens.InvalidToken) -> HttpResponse:
    return render(request, "newsletter/invalid_link.html", {"expired": error.expired}, status=400)


def _labels(values) -> list[str]:
    """Audience names in the order of the form."""
    wanted = set(values)
    return [audience.label for audience in Audience if audience.value in wanted]


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The page of its own (GET) and the target of both forms, footer and page (POST)."""
    if request.method == "POST":
        if over_rate_limit(request, group=RATE_GROUP, rate=settings.NEWSLETTER_FORM_RATE):
            form = SubscriptionForm(
                initial={
                    "email": request.POST.get("email", ""),
                    "audiences": request.POST.getlist("audiences"),
                }
            )
            context = {"form": form, "rate_limited": True}
            return render(request, "newsletter/subscribe.html", context, status=429)
        if honeypot_filled(request):
            # Answer as if it worked so that bots learn nothing; keep nothing, send nothing.
            return redirect("newsletter:check_inbox")
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            subscription_request(
                email=form.cleaned_data["email"],
                audiences=form.cleaned_data["audiences"],
                language=get_language(),
            )
            return redirect("newsletter:check_inbox")
    else:
        form = SubscriptionForm()
    return render(request, "newsletter/subscribe.html", {"form": form})


@require_GET
def check_inbox(request):
    return render(
        request, "newsletter/check_inbox.html", {"valid_days": tokens.CONFIRM_MAX_AGE.days}
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        pending = tokens.read_confirm_token(token)
    except tokens.InvalidToken as error:
        return _invalid_link(request, error)
    if request.method == "POST":
        try:
            confirmed = subscription_confirm(token=token)
        except tokens.InvalidToken as error:
            return _invalid_link(request, error)
        context = {
            "email": pending.email,
            "audiences": _labels(s.audience for s in confirmed),
            "unsubscribe_url": tokens.unsubscribe_url(
                email=pending.email, audiences=pending.audiences, language=get_language()
            ),
        }
        return render(request, "newsletter/confirmed.html", context)
    context = {"email": pending.email, "audiences": _labels(pending.audiences)}
    return render(request, "newsletter/confirm.html", context)


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        leaving = tokens.read_unsubscribe_token(token)
    except tokens.InvalidToken as error:
        return _invalid_link(request, error)
    if request.method == "POST":
        all_audiences = request.POST.get("scope") == "all"
        subscription_unsubscribe(token=token, all_audiences=all_audiences)
        context = {
            "email": leaving.email,
            "all_audiences": all_audiences,
            "audiences": _labels(leaving.audiences),
        }
        return render(request, "newsletter/unsubscribed.html", context)
    context = {
        "email": leaving.email,
        "audiences": _labels(leaving.audiences),
        "every_audience": set(leaving.audiences) == set(Audience.values),
    }
    return render(request, "newsletter/unsubscribe.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token: str):
    """RFC 8058 one-click unsubscribe, the target of the List-Unsubscribe header.

    Mail clients POST here without a CSRF token, hence csrf_exempt; the signed token is what
    authorises the change, and it can only unsubscribe the address it names. A GET (a person
    opening the header's link in a browser) gets the ordinary page with its button.
    """
    if request.method == "GET":
        return redirect("newsletter:unsubscribe", token=token)
    try:
        leaving = tokens.read_unsubscribe_token(token)
        subscription_unsubscribe(token=token)
    except tokens.InvalidToken as error:
        return _invalid_link(request, error)
    context = {"email": leaving.email, "audiences": _labels(leaving.audiences)}
    return render(request, "newsletter/unsubscribed.html", context)

"""The OAI-PMH endpoint: GET or POST (form-encoded), answered by opendata.oai.protocol."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from opendata.oai.protocol import answer


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    query = request.POST if request.method == "POST" else request.GET
    base_url = request.build_absolute_uri(reverse("oai:endpoint"))
    body = answer(dict(query.lists()), base_url=base_url)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")

"""Scaffolding: the OAI-PMH endpoint is being written; until then it is not found."""

from django.http import Http404


def endpoint(request):
    raise Http404

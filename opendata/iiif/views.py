"""Scaffolding: the IIIF views are being written; until then every IIIF URL is not found."""

from django.http import Http404


def _not_yet(*args, **kwargs):
    raise Http404


collection = institution_collection = manifest = _not_yet
image_service = image_info = image = _not_yet

"""Error pages that belong to no app."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader
from django.views.defaults import server_error as django_server_error

from archive.storage import is_storage_outage

logger = logging.getLogger(__name__)

# What the 503 page asks the client to wait before trying again, in seconds.
RETRY_AFTER = 30


def server_error(request, template_name="500.html"):
    """The 500 page, unless the database connection or the file storage failed: such an
    outage passes, and a 503 asks to try again. Rendered without a request context, so that
    it needs neither the database nor the storage. The request's transaction has already been
    rolled back; Django drops a broken connection when the request ends."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        cause = "database"
    elif error is not None and is_storage_outage(error):
        cause = "storage"
    else:
        return django_server_error(request, template_name)
    body = loader.get_template("503.html").render({"cause": cause})
    response = HttpResponseServerError(body)
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER)
    return response

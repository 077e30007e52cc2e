"""Local development: `make run`. SQLite, local media, database search, console email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development-only key; production refuses to start without a real SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# Tasks run at once, in the process that enqueues them, so `make run` needs no worker; set
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py db_worker` to try the queue.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")
    }
}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

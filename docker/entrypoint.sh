#!/bin/sh
# Container entrypoint: optionally migrate, then run the command (gunicorn by default).
#
# RUN_MIGRATIONS=1 applies migrations before the command starts. Give it to one service only
# (compose: web), never to every replica, so two containers do not migrate at once.
set -eu

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    echo "entrypoint: applying migrations" >&2
    python manage.py migrate --noinput
fi

# exec: the command becomes PID 1 and receives the stop signal directly.
exec "$@"

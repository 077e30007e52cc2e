"""Container health check: GET /health/ (liveness) from the local gunicorn, expect 200.

/health/ goes through the whole Django stack but touches no dependency: Docker marks the web
container unhealthy (and an orchestrator restarts it) only when the process itself stops
answering, never because PostgreSQL, S3 or Elasticsearch is down, which a restart would not
mend and which would take every web container down at once. The proxy in front and the
monitoring ask /health/ready/, which checks every dependency. The request carries a host from
ALLOWED_HOSTS (anything else is refused with 400 and logged as a security error) and
X-Forwarded-Proto: https (otherwise SECURE_SSL_REDIRECT answers 301).
"""

import http.client
import os
import sys

PATH = "/health/"


def pick_host(allowed_hosts: str) -> str:
    for raw in allowed_hosts.split(","):
        host = raw.strip()
        if not host:
            continue
        if host == "*":
            return "localhost"
        # ".example.org" allows example.org and its subdomains.
        return host.lstrip(".")
    return "localhost"


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    host = pick_host(os.environ.get("ALLOWED_HOSTS", ""))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        conn.request("GET", PATH, headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if status != 200:
        print(f"unhealthy: {PATH} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

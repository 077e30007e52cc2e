"""Container health check: GET /robots.txt from the local gunicorn, expect 200.

robots.txt goes through the whole Django stack but needs no database, so a busy or briefly
unreachable database does not get the web container restarted. The request carries a host from
ALLOWED_HOSTS (anything else is refused with 400 and logged as a security error) and
X-Forwarded-Proto: https (otherwise SECURE_SSL_REDIRECT answers 301).
"""

import http.client
import os
import sys


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
        conn.request("GET", "/robots.txt", headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if status != 200:
        print(f"unhealthy: /robots.txt answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

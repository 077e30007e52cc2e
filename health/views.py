"""/health/ and /health/ready/: JSON for probes and monitoring, never cached.

The answers name checks and say "ok" or "unavailable", nothing more: no host, port, version
or error text, which the checks log instead (logger `health_check`)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from health_check.views import HealthCheckView

from health.checks import readiness_checks


@never_cache
def liveness(request):
    """The process answers requests. Touches no dependency, so that a database or search
    outage never gets a healthy web process restarted."""
    return JsonResponse({"status": "ok"})


class ReadinessView(HealthCheckView):
    """Every dependency a request may need; 503 when one fails."""

    def get_checks(self):
        for check in readiness_checks():
            yield check()

    async def get(self, request, *args, **kwargs):
        # django-health-check runs the checks concurrently and keeps self.results.
        await super().get(request, *args, **kwargs)
        checks = {
            result.check.name: "unavailable" if result.error else "ok" for result in self.results
        }
        failed = any(result.error for result in self.results)
        return JsonResponse(
            {"status": "unavailable" if failed else "ok", "checks": checks},
            status=503 if failed else 200,
        )

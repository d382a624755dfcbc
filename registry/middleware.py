"""Request-scoped context for change history: who, from which page, from which address."""

from django.conf import settings
from pghistory.middleware import HistoryMiddleware


def client_ip(request) -> str:
    """The client's address; behind N trusted proxies, the N-th hop from the right of X-Forwarded-For."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class HistoryContextMiddleware(HistoryMiddleware):
    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = client_ip(request)
        return context


class NoStoreMiddleware:
    """Cache-Control: no-store on every response Django renders, so no browser or proxy keeps a copy.

    Pages, reveals, the API, exports and import error reports can all carry ID numbers and mobiles;
    one rule at the root covers the views written tomorrow too, and the API's Basic-auth callers
    whom a session check would miss. Static files are served by WhiteNoise before this runs and
    keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response

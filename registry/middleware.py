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

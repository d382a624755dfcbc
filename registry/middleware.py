"""Request-wide concerns: change-history context, no-store caching, the Chinese answer to a cancelled query."""

import logging

from django.conf import settings
from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from pghistory.middleware import HistoryMiddleware
from psycopg.errors import QueryCanceled

logger = logging.getLogger(__name__)


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


QUERY_TIMEOUT_MESSAGE = "查询用时过长，已被取消。请缩小筛选范围后重试；如问题持续，请联系系统管理员。"


class QueryTimeoutMiddleware:
    """A page whose SQL ran past the statement timeout (DATABASE_STATEMENT_TIMEOUT) answers 503 in Chinese.

    PostgreSQL cancels the statement (SQLSTATE 57014); the request's transaction is rolled back by
    ATOMIC_REQUESTS before this runs, so nothing was half-written. An API client gets the same
    message as JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, OperationalError) and isinstance(exception.__cause__, QueryCanceled)):
            return None
        logger.warning("查询超时被取消：%s %s", request.method, request.get_full_path())
        if request.path.startswith("/api/"):
            body = {"detail": QUERY_TIMEOUT_MESSAGE}
            return JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
        context = {"status": 503, "heading": "查询超时", "message": QUERY_TIMEOUT_MESSAGE}
        return render(request, "500.html", context, status=503)

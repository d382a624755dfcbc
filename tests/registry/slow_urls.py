"""The site's URLs plus a page and an API path whose query sleeps: what a query past the statement timeout does."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

SLEEP_SECONDS = 60  # far past the test's limit: an answer well before it means the query was cancelled


def slow_page(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [SLEEP_SECONDS])
    return HttpResponse("完成")


urlpatterns = [
    path("slow-for-test/", slow_page),
    path("api/v1/slow-for-test/", slow_page),
    *site_urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

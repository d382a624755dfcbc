"""The shell: 工作台 and the friendly error pages."""

from django.http import JsonResponse
from django.shortcuts import render

from registry.navigation import dashboard_groups, dashboard_panels


def dashboard(request):
    panels = dashboard_panels(request.user)
    return render(
        request,
        "registry/dashboard.html",
        {"panels": panels, "groups": dashboard_groups(panels), "page_title": "工作台"},
    )


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        # an API client reads JSON, in the same words as a missing record of a known endpoint
        from registry.api_schema import NOT_FOUND_MESSAGE

        return JsonResponse({"detail": NOT_FOUND_MESSAGE}, status=404, json_dumps_params={"ensure_ascii": False})
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def error_500(request):
    return render(request, "500.html", status=500)

"""The navbar's global search: one box over every list the apps register (registry.search)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from registry.search import global_search
from registry.validators import validate_no_control_characters


def search_view(request):
    term = request.GET.get("q", "").strip()[:100]
    error = None
    try:
        validate_no_control_characters(term, label="搜索")
    except ValidationError as invalid:
        error, term = invalid.messages[0], ""
    sections = global_search(request=request, term=term) if term else []
    return render(
        request,
        "registry/search.html",
        {
            "q": term,
            "error": error,
            "sections": sections,
            "total": sum(s["count"] for s in sections),
        },
    )

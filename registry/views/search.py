"""The navbar's global search: one box over every list the apps register (registry.search)."""

from django.shortcuts import render

from registry.search import global_search


def search_view(request):
    term = request.GET.get("q", "").strip()[:100]
    sections = global_search(request=request, term=term) if term else []
    return render(
        request,
        "registry/search.html",
        {
            "q": term,
            "sections": sections,
            "total": sum(s["count"] for s in sections),
        },
    )

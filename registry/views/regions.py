"""行政区划 pages: the tree within the user's scope and one region with its history."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from registry.history import history_for
from registry.selectors import region_get, region_list
from registry.validators import validate_no_control_characters


def region_list_view(request):
    regions = region_list(user=request.user)
    q = request.GET.get("q", "").strip()
    error = None
    try:
        validate_no_control_characters(q, label="搜索")
    except ValidationError as invalid:
        # a search that cannot be run shows nothing, not the whole tree
        error, q, regions = invalid.messages[0], "", regions.none()
    if q:
        regions = regions.filter(Q(name__contains=q) | Q(code__startswith=q))
    page = Paginator(regions, 100).get_page(request.GET.get("page"))
    return render(request, "registry/region_list.html", {"page_obj": page, "q": q, "error": error})


def region_detail_view(request, pk):
    region = region_get(user=request.user, pk=pk)
    children = region.children.order_by("code")
    return render(
        request,
        "registry/region_detail.html",
        {
            "region": region,
            "ancestors": region.ancestors(),
            "children": children,
            "history": history_for(region, user=request.user),
        },
    )

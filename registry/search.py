"""Search helpers: pinyin initials of names, computed once on save and matched by prefix or substring."""

from pypinyin import Style, lazy_pinyin


def pinyin_initials(text: str | None) -> str:
    """龙华区社会组织总会 → lhqshzzzh; Latin letters and digits pass through, lower-cased."""
    if not text:
        return ""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


# ---- global search: every app registers the lists the navbar's search box looks through ----
_searchables: list[dict] = []


def register_searchable(*, key: str, label: str, model, filterset_class, selector, table, order: int = 50) -> None:
    """Search ``model`` with its own FilterSet's ?q= (the list page's search), through ``selector(user=)``."""
    if all(item["key"] != key for item in _searchables):
        _searchables.append(
            {
                "key": key,
                "label": label,
                "model": model,
                "filterset_class": filterset_class,
                "selector": selector,
                "table": table,
                "order": order,
            }
        )


def global_search(*, request, term: str, per_section: int = 10) -> list[dict]:
    """The first matches of each searchable list the user may view, with the link to the full list."""
    from urllib.parse import urlencode

    from django.urls import reverse

    user = request.user
    sections = []
    for item in sorted(_searchables, key=lambda i: i["order"]):
        opts = item["model"]._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        filterset = item["filterset_class"]({"q": term}, queryset=item["selector"](user=user), request=request)
        table = item["table"]
        order, _ = table.ordering(None)
        objects = list(filterset.qs.order_by(*order)[: per_section + 1])
        sections.append(
            {
                "label": item["label"],
                "rows": table.rows(objects[:per_section], user),
                "headers": [{"label": c.label, "numeric": c.numeric} for c in table.table_columns],
                "more": len(objects) > per_section,
                "list_url": f"{reverse(f'{opts.app_label}:{opts.model_name}_list')}?{urlencode({'q': term})}",
                "count": len(objects[:per_section]),
            }
        )
    return sections

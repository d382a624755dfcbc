"""Search helpers: pinyin initials of names, computed once on save, matched from the start of a word and
ranked by how well they match."""

import re

from django.db.models import Case, IntegerField, Q, Value, When
from pypinyin import Style, lazy_pinyin

# A name often opens with the places it belongs to (深圳市龙华区…, 民治街道…). Two characters at least before
# the suffix, so 社区服务中心 is a word of its own and not the place "社区".
LEADING_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:省|自治区|市|新区|区|县|街道|镇|乡)")
# where a word of the stored initials starts: the start, or after a space or punctuation
WORD_START = r"(^|[^a-z0-9])"


def pinyin_initials(text: str | None) -> str:
    """龙华区社会组织总会 → lhqshzzzh; Latin letters and digits pass through, lower-cased."""
    if not text:
        return ""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def name_initials(name: str | None, *, max_length: int = 200) -> str:
    """The stored search initials of a name: whole, then again after each leading place name.

    深圳市龙华区新就业服务中心 → "szslhqxjyfwzx lhqxjyfwzx xjyfwzx": "xjy" and "lhq" find it from a
    word start, while "qx" (the 区新 that joins two words) does not.
    """
    name = (name or "").strip()
    variants = [pinyin_initials(name)] if name else []
    rest = name
    while match := LEADING_PLACE.match(rest):
        rest = rest[match.end() :]
        if not rest:
            break
        variants.append(pinyin_initials(rest))
    stored = variants[:1]
    for variant in variants[1:]:
        if len(" ".join([*stored, variant])) > max_length:
            break
        stored.append(variant)
    return " ".join(stored)[:max_length]


def search_words(term: str) -> list[str]:
    """The words of a search term; full-width spaces count as spaces."""
    return (term or "").replace("\u3000", " ").split()


def initials_term(term: str) -> str | None:
    """The term as pinyin initials when it can be one ("h x" → "hx"), else None."""
    joined = "".join(search_words(term))
    return joined.lower() if joined.isascii() and joined.isalpha() else None


def initials_match(field: str, initials: str) -> Q:
    """``field`` (stored by name_initials) has a word starting with ``initials``."""
    return Q(**{f"{field}__regex": WORD_START + re.escape(initials)})


def search_rank(*, name_field: str | None, initials_field: str | None, term: str):
    """0 the exact name, 1 a name that opens with the term, 2 the term opens a later word, 3 any other match."""
    words = search_words(term)
    phrase = "".join(words)
    whens = []
    initials = initials_term(term)
    if name_field:
        whens.append(When(Q(**{name_field: phrase}), then=Value(0)))
    if initials_field and initials:
        whens.append(When(Q(**{initials_field: initials}), then=Value(0)))
    if name_field:
        whens.append(When(Q(**{f"{name_field}__startswith": phrase}), then=Value(1)))
    if initials_field:
        spelled = initials or pinyin_initials(phrase)
        if spelled and spelled.isalnum():
            whens.append(When(Q(**{f"{initials_field}__startswith": spelled}), then=Value(1)))
            whens.append(When(initials_match(initials_field, spelled), then=Value(2)))
    return Case(*whens, default=Value(3), output_field=IntegerField())


def ranked_order(queryset, order: list[str], sort: str | None) -> list[str]:
    """``order`` led by the search rank when the list was searched and the user chose no sort."""
    if not sort and "search_rank" in queryset.query.annotations:
        return ["search_rank", *order]
    return list(order)


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
        queryset = filterset.qs
        objects = list(queryset.order_by(*ranked_order(queryset, order, None))[: per_section + 1])
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

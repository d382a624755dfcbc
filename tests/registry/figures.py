"""Helpers for the figure-link tests: follow every data-figure link and compare the list's count."""

import html
import re

FIGURE_LINK = re.compile(r'<a href="([^"]+)" data-figure="(\d+)"')


def figure_links(client, url: str) -> list[tuple[str, int]]:
    response = client.get(url)
    assert response.status_code == 200
    return [(html.unescape(href), int(figure)) for href, figure in FIGURE_LINK.findall(response.content.decode())]


def assert_each_figure_matches_its_list(client, url: str, *, at_least: int) -> None:
    links = figure_links(client, url)
    assert len(links) >= at_least
    wrong = []
    for href, figure in links:
        response = client.get(href)
        assert response.status_code == 200, href
        page = response.context["page"]
        assert not response.context["filterset"].error_messages, (href, response.context["filterset"].error_messages)
        if page.count != figure:
            wrong.append((href, figure, page.count))
    assert wrong == []



"""The print letter's stylesheets parsed once, not at every rendition.

Each print rendition hands WeasyPrint the layout shell with the project's stylesheet and its
@font-face rules inline, and WeasyPrint parses them again: tokenised, validated, and every
selector compiled to Python and `eval`'d — about 25 ms of every letter (a third of a letter
with no blocks), at every keystroke of the print preview and every rendition of a batch. The
text of the `<style>` elements decides everything that parse makes, so the parsed sheets are
kept by that text (with the base URL, the media type and the font configuration they were
parsed for) and handed back to WeasyPrint's cascade, which only reads them.

What a parse does besides making the sheets is kept equal: the warnings WeasyPrint logs about
the stylesheet (an invalid value, an unknown property) are logged again at every rendition, so
the print channel reports them every time; a parse that asked the project's fetcher for a file
it refused, defined counter styles or colour profiles (which live in the document, not in the
sheet), or read another file (`@import`, `<link>`) is not kept. tests/core/test_stylecache.py
compares every sample letter's PDF with and without the cache.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

import weasyprint.css
from weasyprint.logger import LOGGER

_original = weasyprint.css.find_stylesheets
_KEPT = 16  # parses kept: a project's letters share one stylesheet text per template
_LARGEST = 512 * 1024  # characters of style text past which a parse is not kept (memory)
_lock = threading.Lock()
stats = {"hits": 0, "parses": 0}  # how often the cache answered, and WeasyPrint parsed
# key -> (the sheets, the records logged while parsing them, the font configuration they
# registered their @font-face rules in: held, so its id is not reused while the entry lives)
_cache: OrderedDict[tuple[Any, ...], tuple[list[Any], list[logging.LogRecord], Any]] = \
    OrderedDict()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _key(wrapper_element: Any, device_media_type: str, base_url: Any,
         font_config: Any) -> tuple[Any, ...] | None:
    """What decides the parse: the style elements' text and attributes. None: not cacheable
    (a stylesheet read from another file, whose content the text does not tell)."""
    from weasyprint.css import get_child_text

    styles = []
    for wrapper in wrapper_element.query_all("style", "link"):
        element = wrapper.etree_element
        if element.tag != "style":
            if element.tag == "link" and element.get("href"):
                return None
            continue
        text = get_child_text(element)
        if "@import" in text:
            return None
        styles.append((element.get("type", ""), element.get("media", ""), text))
    if sum(len(text) for *_, text in styles) > _LARGEST:
        return None
    return (base_url, device_media_type, id(font_config), tuple(styles))


def find_stylesheets(wrapper_element: Any, device_media_type: str, url_fetcher: Any,
                     base_url: Any, font_config: Any, counter_style: Any, color_profiles: Any,
                     page_rules: Any, layers: Any) -> list[Any]:
    """weasyprint.css.find_stylesheets, from the cache when the same text was parsed before."""
    key = _key(wrapper_element, device_media_type, base_url, font_config)
    if key is not None:
        with _lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
        if found is not None and found[2] is font_config:
            stats["hits"] += 1
            sheets, records, _ = found
            for record in records:  # the stylesheet's warnings, again for this rendition
                LOGGER.handle(record)
            return list(sheets)
    stats["parses"] += 1
    resolver = getattr(url_fetcher, "resolver", None)
    refused_before = len(getattr(resolver, "refused", ()))
    counters_before, profiles_before = dict(counter_style), dict(color_profiles)
    handler = _Records()
    LOGGER.addHandler(handler)
    try:
        sheets = list(_original(wrapper_element, device_media_type, url_fetcher, base_url,
                                font_config, counter_style, color_profiles, page_rules,
                                layers))
    finally:
        LOGGER.removeHandler(handler)
    side_effects = (
        resolver is None
        or len(getattr(resolver, "refused", ())) != refused_before
        or dict(counter_style) != counters_before
        or dict(color_profiles) != profiles_before
    )
    if key is not None and not side_effects:
        with _lock:
            _cache[key] = (sheets, handler.records, font_config)
            while len(_cache) > _KEPT:
                _cache.popitem(last=False)
    return sheets


def install() -> None:
    """Route WeasyPrint's stylesheet parse through the cache (idempotent)."""
    weasyprint.css.find_stylesheets = find_stylesheets


def uninstall() -> None:
    """WeasyPrint's own parse, every time (the tests' reference)."""
    weasyprint.css.find_stylesheets = _original
    with _lock:
        _cache.clear()


__all__ = ["find_stylesheets", "install", "uninstall"]

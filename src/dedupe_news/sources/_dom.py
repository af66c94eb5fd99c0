"""DOM: an HTML page's text -> its blocks, with roles from landmarks (lxml lives here only).

libxml2 parses the page (in C, with comments and processing instructions dropped); scripts,
styles and other non-text elements are removed in C before any text is read. The walk then
visits elements, not characters: a leaf (an element holding no block-level element) becomes
one block with its whole text, read in C by `text_content()`; text loose between blocks
becomes a block of its own. The role of a block comes from the landmarks around it:

- navigation: `<nav>` (without a heading), `role=navigation`, a `<header>` outside the
  article; footer: `<footer>`, `role=contentinfo`; notice: cookie or consent banners, dialogs;
- caption: `<figcaption>`, `<caption>`; byline: `<address>`, `rel=author`, `itemprop=author`,
  a class or id naming the author or byline, a block that is only a `<time>`;
- a rail: `<aside>`, `role=complementary`, a `<nav>` with a heading, a container whose class
  or id says related, rail, sidebar or popular: its headings are section headings, every
  other block a teaser;
- the article: `<article>`, `<main>`, `role=main`, `itemprop=articleBody`: its `<h1>` is the
  title (an `<h1>` anywhere else too), its other headings subheadings, the rest paragraphs.

Blocks elsewhere get no role: `stages/segment_dom.py` decides from their tag and text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from dedupe_news.errors import InputError
from dedupe_news.records import Block, Role

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SKIP = (
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object",
    "canvas", "button", "select", "textarea",
)  # fmt: skip
_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "legend", "li", "main", "menu", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NOTICE = re.compile(r"cookie|consent|gdpr|privacy-banner")
_RAIL = re.compile(r"related|rail|sidebar|popular|recommend")
_BYLINE = re.compile(r"byline|author")
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: a no-break space is text
_HIDDEN = "//*[@hidden or @aria-hidden='true']"
MAX_DEPTH = 256
"""libxml2 refuses to nest deeper; such a page is refused by name, not cut silently."""


@dataclass(frozen=True, slots=True)
class _Context:
    """What the ancestors of an element say about it."""

    region: Role | None = None
    rail: bool = False
    article: bool = False


_PAGE = _Context()


def page_blocks(text: str, path: str) -> tuple[Block, ...]:
    """Return the blocks of an HTML page in document order (none for a page with no text).

    Raises:
        InputError: The page nests elements deeper than `MAX_DEPTH`.
    """
    root = _parse(text, path)
    if root is None:
        return ()
    body = root.find("body")
    out: list[Block] = []
    stack: list[tuple[HtmlElement | str, _Context]] = [(root if body is None else body, _PAGE)]
    while stack:
        item, context = stack.pop()
        if isinstance(item, str):
            out.append(Block(item, _role("#text", context), "#text"))
            continue
        inner = _enter(item, context)
        if next(item.iterdescendants(*_BLOCK_TAGS), None) is None:
            out.extend(_leaf(item, inner))
            continue
        loose = collapse(item.text)
        if loose:
            out.append(Block(loose, _role("#text", inner), "#text"))
        for child in reversed(item):
            tail = collapse(child.tail)
            if tail:
                stack.append((tail, inner))
            stack.append((child, inner))
    return tuple(out)


def collapse(text: str | None) -> str:
    """Collapse runs of HTML whitespace to one space and trim them."""
    return _SPACE.sub(" ", text).strip(" ") if text else ""


def _parse(text: str, path: str) -> HtmlElement | None:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError:  # no element at all: an empty page
        return None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        reason = f"elements must nest at most {MAX_DEPTH} deep, got a deeper page"
        raise InputError(path, 0, reason)
    etree.strip_elements(root, *_SKIP, with_tail=False)
    for hidden in root.xpath(_HIDDEN):
        hidden.drop_tree()  # keeps its tail, which belongs to the parent
    for line_break in root.iter("br"):
        line_break.tail = " " + (line_break.tail or "")
    return root


def _enter(element: HtmlElement, context: _Context) -> _Context:
    """Return the context inside an element: furniture stays furniture to its leaves."""
    if context.region is not None or context.rail:
        return context
    words = f"{element.get('class', '')} {element.get('id', '')}".lower()
    aria = (element.get("role") or "").lower()
    furniture = _furniture(element, words, aria, context)
    return furniture if furniture is not None else _content(element, words, aria, context)


def _furniture(element: HtmlElement, words: str, aria: str, context: _Context) -> _Context | None:
    """Notices, navigation, footers and rails, or None."""
    tag = element.tag
    if _NOTICE.search(words) or aria in {"dialog", "alertdialog"}:
        return _region(context, Role.NOTICE)
    if tag == "nav" or aria == "navigation":
        has_heading = next(element.iterdescendants("h2", "h3", "h4"), None) is not None
        return replace(context, rail=True) if has_heading else _region(context, Role.NAVIGATION)
    if (tag == "header" and not context.article) or aria == "banner":
        return _region(context, Role.NAVIGATION)
    if tag == "footer" or aria == "contentinfo":
        return _region(context, Role.FOOTER)
    if tag == "aside" or aria == "complementary" or _RAIL.search(words):
        return replace(context, rail=True)
    return None


def _content(element: HtmlElement, words: str, aria: str, context: _Context) -> _Context:
    """Captions, bylines and the article landmark."""
    tag = element.tag
    itemprop = element.get("itemprop") or ""
    if tag in {"figcaption", "caption"}:
        return _region(context, Role.CAPTION)
    if (
        tag == "address"
        or element.get("rel") == "author"
        or itemprop == "author"
        or _BYLINE.search(words)
    ):
        return _region(context, Role.BYLINE)
    if tag in {"article", "main"} or aria == "main" or itemprop == "articleBody":
        return replace(context, article=True)
    return context


def _region(context: _Context, role: Role) -> _Context:
    return replace(context, region=role)


def _leaf(element: HtmlElement, context: _Context) -> tuple[Block, ...]:
    text = collapse(element.text_content())
    if not text:
        return ()
    if context.region is None and not context.rail:
        context = _inline_landmark(element, text, context)
    time = next(element.iter("time"), None)
    time_text = None if time is None else collapse(time.text_content()) or None
    if time_text == text and context.region is None and not context.rail:
        context = _region(context, Role.BYLINE)  # a bare date under a title is metadata
    tag = str(element.tag)
    return (Block(text, _role(tag, context), tag, time_text),)


def _inline_landmark(element: HtmlElement, text: str, context: _Context) -> _Context:
    """Return the context of an inline element holding all of a leaf's text, if it has one.

    `<div><span class="author">Redactie</span></div>`: the marker is on the inline child.
    """
    for inline in element.iterdescendants():
        inner = _enter(inline, context)
        if inner != context and collapse(inline.text_content()) == text:
            return inner
    return context


def _role(tag: str, context: _Context) -> Role | None:
    if context.rail:
        return Role.SECTION_HEADING if tag in _HEADINGS else Role.TEASER
    if tag == "h1" and context.region in {None, Role.NAVIGATION}:
        return Role.TITLE
    if context.region is not None:
        return context.region
    if context.article:
        return Role.SUBHEADING if tag in _HEADINGS else Role.PARAGRAPH
    return None

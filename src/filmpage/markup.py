"""Untrusted Markdown to safe HTML.

Plots and customer reviews are written by people we do not control. Python-Markdown
passes raw HTML through, so its output is cleaned by nh3 (the Rust ammonia sanitizer)
against a small allowlist. The policy, documented in the README:

* kept: paragraphs, emphasis, lists, quotes, code, headings h3-h6, rules, line breaks, links;
* links keep only absolute ``http``, ``https`` and ``mailto`` URLs; relative and
  protocol-relative (``//host``) links lose their ``href`` (the text stays), because a
  record cannot know the site's base path and ``//`` hides the scheme;
* images are dropped: pictures come from the ``poster`` field, never from remote hosts;
* every link gets ``rel="nofollow ugc noopener noreferrer"``;
* ``script``, ``style`` and similar elements are removed with their content.
"""

from __future__ import annotations

import re
import string
from functools import cache

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "b", "i", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "h3", "h4", "h5", "h6", "hr", "del", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> markdown.Markdown:
    # One converter per process: building one costs more than converting a plot.
    return markdown.Markdown(extensions=["sane_lists"], output_format="html")


@cache
def _cleaner():
    options = dict(
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )
    if hasattr(nh3, "Cleaner"):
        return nh3.Cleaner(**options).clean
    return lambda html: nh3.clean(html, **options)


def sanitize(html: str) -> str:
    """Clean an HTML fragment against the allowlist above."""
    return _cleaner()(html)


MAX_MARKDOWN_CHARS = 10_000
"""Longest plot or review body accepted (a long plot is about 4,000 characters)."""
MAX_MARKDOWN_TOTAL = 50_000
"""Most Markdown accepted in one record, plot and reviews together."""
MAX_NESTING = 2
_NOT_A_TAG = re.compile(r"<(?![/]?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>]{0,500})?>)")


class MarkupError(ValueError):
    """Markdown that cannot be rendered safely (nested beyond what the parser can take)."""


def defuse(text: str) -> str:
    """Neutralise the constructs that make Python-Markdown slow, in linear time.

    Python-Markdown scans from every ``[`` and ``(`` to its match, and its raw-HTML
    pass (the standard library's HTMLParser) rescans from every unclosed ``<``, so a
    few thousand of them take seconds. Real text never needs them: a ``<`` that does not
    begin a short, complete tag becomes ``&lt;``, and brackets and parentheses that are
    unmatched or nested more than two deep are escaped. Either way the reader sees the
    same characters.
    """
    if "<" in text:
        text = _NOT_A_TAG.sub("&lt;", text)
    if "[" not in text and "(" not in text:
        return text
    keep = [True] * len(text)
    for opener, closer in ("[]", "()"):
        open_at: list[int] = []
        escaped = False
        for i, char in enumerate(text):
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == opener:
                if len(open_at) >= MAX_NESTING:
                    keep[i] = False
                open_at.append(i)
            elif char == closer:
                if open_at:
                    if not keep[open_at.pop()]:
                        keep[i] = False
                else:
                    keep[i] = False
        for i in open_at:
            keep[i] = False
    if all(keep):
        return text
    return "".join(c if k else "\\" + c for c, k in zip(text, keep, strict=True))


_NOT_PLAIN_CHARACTER = re.compile(
    r"[^\w \n,.;:!?'\"()%$@/\u2013\u2014\u2018\u2019\u201c\u201d\u2026-]|_"
)
# The same characters in ASCII text, as bytes to delete: a text that leaves nothing holds
# no others (a twentieth of the search above, which tests \w on every character).
_PLAIN_ASCII = (string.ascii_letters + string.digits + " \n,.;:!?'\"()%$@/-").encode()
_NOT_PLAIN_START = re.compile(r"[ \d-]")  # at the start of a line
_NOT_PLAIN_LINE_START = re.compile(r"\n[ \d-]")  # a search for "\n" first: quick
_BLANK_LINES = re.compile(r"\n{2,}")


def _is_prose(text: str) -> bool:
    """Whether ``text`` holds only the characters of plain prose, and no line starts with
    a space, a digit or a dash or ends with a space."""
    if text.isascii():
        if text.encode("ascii").translate(None, _PLAIN_ASCII):
            return False
    elif _NOT_PLAIN_CHARACTER.search(text):
        return False
    return not (
        _NOT_PLAIN_START.match(text)
        or _NOT_PLAIN_LINE_START.search(text)
        or " \n" in text
        or text.endswith(" ")
    )


def plain_paragraphs(text: str) -> str | None:
    """The HTML of a text that is only plain paragraphs, as Python-Markdown and the
    sanitizer would make it, or None when the text may hold any Markdown at all.

    Most plots and reviews are prose: words, digits, punctuation, quotes and dashes in
    paragraphs. Such a text can mean nothing but paragraphs, so it needs neither parser
    (about 0.2 ms a text). Anything else (emphasis, links, lists, headings, code, HTML,
    entities, a line that starts with a digit, a dash or a space, a line that ends with
    a space) goes the long way. A property test holds the two to the same bytes.
    """
    if not _is_prose(text):
        return None
    paragraphs = _BLANK_LINES.split(text.strip("\n"))
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML; empty text gives an empty string.

    The caller checks the length against ``MAX_MARKDOWN_CHARS``; a text nested beyond
    what the parser can take raises :class:`MarkupError`.
    """
    if not text.strip():
        return ""
    plain = plain_paragraphs(text)
    return plain if plain is not None else markdown_html(text)


def markdown_html(text: str) -> str:
    """The long way: Python-Markdown, then the sanitizer."""
    md = _markdown()
    md.reset()
    try:
        html = md.convert(defuse(text))
    except RecursionError as exc:
        _markdown.cache_clear()  # its parser state is left half-unwound: never reuse it
        raise MarkupError("Markdown nested too deeply (lists or quotes inside each other)") from exc
    except BaseException:
        _markdown.cache_clear()
        raise
    return sanitize(html).strip()

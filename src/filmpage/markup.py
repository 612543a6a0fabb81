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


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML; empty text gives an empty string."""
    if not text.strip():
        return ""
    md = _markdown()
    md.reset()
    return sanitize(md.convert(text)).strip()

"""The two kinds of link a user may write: a web address (``https://host/...``) and a
path of the site (``/visit/``). Browsers read a backslash in either as a slash, so
``/\\evil.example/`` would lead off the site as ``//evil.example/`` does: neither may
hold one, nor a space or a control character."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_WEB_URL = re.compile(r"https?://[^\s/?#\\]+[^\s\\]*", re.IGNORECASE)


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host (and a port, if any, that is a
    number a port can be), without whitespace, control characters or backslashes."""
    if not _WEB_URL.fullmatch(value) or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return False
    try:
        parts = urlsplit(value)
        return bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # ("http://[::1/", a bracket not closed; "host:abc", "host:99999")
        return False


def is_site_path(value: str) -> bool:
    """True for a link within the site: a path from its root (``/visit/``), not a
    protocol-relative address (``//host/``), without whitespace, control characters or
    backslashes."""
    return (
        value.startswith("/")
        and not value.startswith("//")
        and not any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in value)
    )

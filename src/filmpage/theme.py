"""Where the built-in theme is: inside the installed package, or at the repository root.

A wheel carries the theme as ``filmpage/theme/{templates,static}``; a source checkout
(including an editable install) uses the one copy at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).parent / "theme"
_CHECKOUT = Path(__file__).resolve().parents[2]


def theme_dir() -> Path:
    """The folder holding the built-in ``templates/`` and ``static/``."""
    if (_PACKAGED / "templates").is_dir():
        return _PACKAGED
    return _CHECKOUT

"""Where the built-in theme is: ``filmpage/theme/{templates,static}`` inside the package.

The theme lives in the package (not at the repository root) so that the repository's own
example site, whose ``static/`` holds its posters, never lends its files to other sites.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).parent / "theme"


def theme_dir() -> Path:
    """The folder holding the built-in ``templates/`` and ``static/``."""
    return _PACKAGED

"""Refresh the golden site's expected output: ``python tests/update_golden.py``.

Run it after a deliberate change to the theme or the output, then review the diff of
``tests/golden/expected`` before committing it.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "golden" / "source"
EXPECTED = HERE / "golden" / "expected"


def made_by_libraries(name: str) -> bool:
    """Files whose bytes belong to Pillow (they change with its version): share cards and
    poster variants. The golden site holds everything else; tests of their own check
    these."""
    return name.startswith("share/") or bool(
        re.fullmatch(r"posters/.+-[0-9a-f]{16}-\d+\.(webp|jpg|png)", name)
    )


def main() -> int:
    sys.path.insert(0, str(HERE.parent / "src"))
    from filmpage.commands.build import build

    shutil.rmtree(EXPECTED, ignore_errors=True)
    build(SOURCE, out=EXPECTED)
    for stray in (".filmpage-site",):
        (EXPECTED / stray).unlink(missing_ok=True)
    for path in sorted(EXPECTED.rglob("*"), reverse=True):
        if path.is_file() and made_by_libraries(path.relative_to(EXPECTED).as_posix()):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    print(f"wrote {sum(1 for p in EXPECTED.rglob('*') if p.is_file())} files to {EXPECTED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

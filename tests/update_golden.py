"""Refresh the golden site's expected output: ``python tests/update_golden.py``.

Run it after a deliberate change to the theme or the output, then review the diff of
``tests/golden/expected`` before committing it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "golden" / "source"
EXPECTED = HERE / "golden" / "expected"


def main() -> int:
    sys.path.insert(0, str(HERE.parent / "src"))
    from filmpage.commands.build import build

    shutil.rmtree(EXPECTED, ignore_errors=True)
    build(SOURCE, out=EXPECTED)
    for stray in (".filmpage-site",):
        (EXPECTED / stray).unlink(missing_ok=True)
    print(f"wrote {sum(1 for p in EXPECTED.rglob('*') if p.is_file())} files to {EXPECTED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

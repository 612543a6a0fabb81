"""The golden site: a small catalogue using every feature, built and compared byte for byte.

When a change to the output is deliberate, refresh the expected files with
``python tests/update_golden.py`` and review the diff.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from filmpage.commands.build import build

from .update_golden import EXPECTED, SOURCE, made_by_libraries


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and p.name != ".filmpage-site"
        and not made_by_libraries(p.relative_to(folder).as_posix())
    }


def test_golden_site_matches_expected_output(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    build(source)
    got, expected = _files(source / "site"), _files(EXPECTED)
    assert sorted(got) == sorted(expected)
    for name, data in expected.items():
        if got[name] != data:
            diff = "\n".join(
                difflib.unified_diff(
                    data.decode(errors="replace").splitlines(),
                    got[name].decode(errors="replace").splitlines(),
                    "expected",
                    "got",
                    lineterm="",
                )
            )
            raise AssertionError(
                f"{name} differs (refresh with python tests/update_golden.py "
                f"if this change is deliberate):\n{diff[:4000]}"
            )

"""The package as users get it: a wheel that carries the theme, and code that passes ruff."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO


def test_wheel_ships_the_theme_and_builds_a_new_site_outside_the_repo(tmp_path):
    wheels = tmp_path / "wheels"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("filmpage-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for theme_file in (
        "filmpage/theme/templates/film.html",
        "filmpage/theme/static/css/filmpage.css",
        "filmpage/locales/filmpage.pot",
        *(
            f"filmpage/locales/{lang}/LC_MESSAGES/filmpage.{kind}"
            for lang in ("fr", "de", "es", "it", "pt", "nl", "zh_Hans", "ja")
            for kind in ("mo", "po")
        ),
    ):
        assert theme_file in names
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    env = {**os.environ, "PYTHONPATH": str(installed)}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def filmpage(*args: str, cwd: Path = work) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "filmpage", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    probe = subprocess.run(
        [sys.executable, "-c", "import filmpage; print(filmpage.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.startswith(str(installed))
    assert filmpage("init", "club").returncode == 0
    result = filmpage("build", cwd=work / "club")
    assert result.returncode == 0, result.stderr
    assert (work / "club/site/css/filmpage.css").is_file()
    assert "Example Film" in (work / "club/site/films/example-film/index.html").read_text()
    settings = work / "club" / "filmpage.yml"  # the catalogues installed with it
    settings.write_text(settings.read_text().replace("language: en", "languages: [de, ja]"))
    assert filmpage("build", cwd=work / "club").returncode == 0
    assert "Handlung" in (work / "club/site/films/example-film/index.html").read_text()
    assert "あらすじ" in (work / "club/site/ja/films/example-film/index.html").read_text()


def test_code_passes_ruff():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run([ruff, *args], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

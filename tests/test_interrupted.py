"""A build killed or interrupted at any moment leaves the previous site exactly as it was."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from filmpage.commands.build import build

from .conftest import digest, film, write_site


@pytest.fixture
def big_site(tmp_path) -> Path:
    root = tmp_path / "big"
    films = {
        f"f{i:04}.md": film(
            f"Film {i}",
            1950 + i % 70,
            genres="[Drama, Crime]",
            credits=f"{{directors: [Person {i % 97}]}}",
            body="A plot. " * 40,
        )
        for i in range(1500)
    }
    write_site(root, films, settings="title: Old Title\n")
    build(root)
    # A new site title changes every page, so the next build writes for a second or so:
    # long enough to be caught writing (a single film's edit is written in 0.1 s).
    (root / "filmpage.yml").write_text("title: Changed Title\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_build_leaves_the_old_site_intact(big_site, sig):
    before = digest(big_site / "site")
    proc = subprocess.Popen(
        [sys.executable, "-m", "filmpage", "build"],
        cwd=big_site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it: a shell's background job (CI started with "&",
        # say) has SIGINT ignored, and a child would inherit that and build to the end.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    staging = []
    while proc.poll() is None and time.monotonic() < deadline:
        staging = list(big_site.glob(".site.new-*"))
        if staging and any(staging[0].rglob("index.html")):
            break  # it is writing the new site: stop it now
        time.sleep(0.002)
    assert staging, "the build finished before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, err  # what the build printed, should it ever finish
    if sig == signal.SIGINT:
        assert "interrupted; the output folder was left as it was." in err
        assert "Traceback" not in err
    assert digest(big_site / "site") == before
    assert "Changed Title" not in (big_site / "site/index.html").read_text()
    build(big_site)  # the next build cleans up and completes
    assert not list(big_site.glob(".site.*"))
    assert "Changed Title" in (big_site / "site/index.html").read_text()


@pytest.mark.parametrize(
    "limit, outcome",
    [
        (4096, "The build stopped. The output folder was left as it was"),
        (393216, "The new site is in place; what the build learned for the next was not kept"),
    ],
)
def test_a_full_disk_is_a_message_and_nothing_is_lost(tmp_path, limit, outcome):
    """No file may grow past ``limit`` bytes, as on a disk that fills up: the build's
    cache (SQLite) cannot be written, from the start (4 KB: not even its shared-memory
    file) or once the new site is in place (384 KB: the edit's pages fit, and the records
    it read, written first, but not all the build learned: the store's pages are of 64
    KB). The build says so, with the cache's file and what became of the site, keeps the
    cache it had, and never leaves a broken site; once there is room, the next build
    completes."""
    import resource

    films = {f"f{i:02}.md": film(f"Film {i}", 1990 + i, body="A plot. " * 60) for i in range(40)}
    root = write_site(tmp_path / "s", films)
    build(root)
    before, store = digest(root / "site"), root / ".filmpage-cache/site.sqlite"
    kept = store.read_bytes()
    (root / "content/films/f01.md").write_text(film("Film One Renamed", 1991), encoding="utf-8")

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "filmpage", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        preexec_fn=full_disk,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "error: the build cache cannot be written or read" in done.stderr
    assert f"{store}\n{outcome}" in done.stderr
    if limit == 4096:
        assert digest(root / "site") == before and store.read_bytes() == kept
    build(root)
    assert "Film One Renamed" in (root / "site/index.html").read_text()
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def digest_of_clean(root: Path, out: Path) -> dict[str, str]:
    build(root, out=out, clean=True)
    return digest(out)

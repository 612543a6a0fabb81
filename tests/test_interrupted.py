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


@pytest.mark.parametrize("limit", [4096, 65536, 262144])
def test_a_full_disk_is_a_message_and_the_old_site_stays(tmp_path, limit):
    """No file may grow past ``limit`` bytes (as on a disk that fills up): the build's
    cache (SQLite) or its pages cannot be written. The build says so, with the file, and
    never leaves a broken site: the last one as it was, one marked unfinished (the cache
    failed once the site was updated), or the new one whole (the cache failed once it was
    in place); once there is room, the next build completes."""
    import resource

    films = {f"f{i:02}.md": film(f"Film {i}", 1990 + i, body="A plot. " * 60) for i in range(40)}
    root = write_site(tmp_path / "s", films)
    build(root)
    before = digest(root / "site")
    (root / "content/films/f01.md").write_text(film("Film One Renamed", 1991), encoding="utf-8")

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "filmpage", "build", "--clean"],
        cwd=root,
        capture_output=True,
        text=True,
        preexec_fn=full_disk,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "error: " in done.stderr and "The build stopped." in done.stderr
    after, unfinished = digest(root / "site"), (root / "site/.filmpage-updating").exists()
    build(root)
    assert not (root / "site/.filmpage-updating").exists()
    assert after == before or unfinished or after == digest(root / "site")
    assert "Film One Renamed" in (root / "site/index.html").read_text()

"""Incremental builds: after any sequence of edits, the same bytes as a clean full build."""

from __future__ import annotations

import gc
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.errors import FilmpageError

from .conftest import digest, film, write_site

GENRES = ["Drama", "Comedy", "Documentary", "Crime"]
PEOPLE = ["Ann Lee", "Bo Chen", "Cy Diaz", "Di Ode", "Eve Roe"]


def _record(rng: random.Random, slug: str, slugs: list[str]) -> str:
    related = [s for s in rng.sample(slugs, min(2, len(slugs))) if s != slug]
    return film(
        f"Film {slug.upper()} {rng.randint(0, 3)}",
        rng.randint(1990, 1995),
        slug=slug,
        genres=f"[{', '.join(rng.sample(GENRES, rng.randint(0, 2)))}]",
        credits=f"{{directors: [{rng.choice(PEOPLE)}], cast: [{rng.choice(PEOPLE)}]}}",
        critics=f"{{reviews_counted: 10, fresh: {rng.randint(0, 10)}}}",
        related=f"[{', '.join(related)}]",
        draft=rng.choice(["false", "false", "false", "true"]),
        body=f"Plot {rng.randint(0, 9)}.",
    )


def _slugs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "content/films").glob("*.md"))


def _edit(rng: random.Random, root: Path) -> str:
    films = root / "content/films"
    slugs = _slugs(root)
    op = rng.choice(
        [
            "add",
            "change",
            "change",
            "rename",
            "delete",
            "template",
            "settings",
            "static",
            "noop",
            "broken",
        ]
    )
    if op == "add" or not slugs:
        slug = f"f{rng.randint(100, 999)}"
        (films / f"{slug}.md").write_text(_record(rng, slug, [*slugs, slug]))
    elif op == "change":
        slug = rng.choice(slugs)
        (films / f"{slug}.md").write_text(_record(rng, slug, slugs))
    elif op == "rename":
        slug = rng.choice(slugs)
        new = f"f{rng.randint(100, 999)}"
        if new not in slugs:
            (films / f"{slug}.md").unlink()
            (films / f"{new}.md").write_text(_record(rng, new, [s for s in slugs if s != slug]))
            for other in _slugs(root):  # drop links to the old slug, as a user would
                path = films / f"{other}.md"
                path.write_text(
                    path.read_text()
                    .replace(f"{slug}, ", "")
                    .replace(f", {slug}]", "]")
                    .replace(f"[{slug}]", "[]")
                )
    elif op == "delete" and len(slugs) > 1:
        slug = rng.choice(slugs)
        (films / f"{slug}.md").unlink()
        for other in _slugs(root):
            path = films / f"{other}.md"
            path.write_text(
                path.read_text()
                .replace(f"{slug}, ", "")
                .replace(f", {slug}]", "]")
                .replace(f"[{slug}]", "[]")
            )
    elif op == "template":
        (root / "templates").mkdir(exist_ok=True)
        name = rng.choice(["404.html", "genre.html", "_macros_extra.html"])
        if name == "_macros_extra.html":
            path = root / "templates/film.html"
            if path.exists() and rng.random() < 0.5:
                path.unlink()
            else:
                path.write_text(
                    '{% extends "base.html" %}{% block content %}<h1>{{ film.title }}'
                    f"</h1>v{rng.randint(0, 9)}{{% endblock %}}"
                )
        else:
            (root / "templates" / name).write_text(
                '{% extends "base.html" %}{% block content %}'
                f"Variant {rng.randint(0, 9)}{{% endblock %}}"
            )
    elif op == "settings":
        title = rng.choice(["Club", "Archive", "Festival"])
        base = rng.choice(["/", "https://x.example/films/"])
        (root / "filmpage.yml").write_text(f"title: {title}\nbase_url: {base}\n")
    elif op == "static":
        (root / "static").mkdir(exist_ok=True)
        path = root / "static" / rng.choice(["a.txt", "b.txt"])
        if path.exists() and rng.random() < 0.3:
            path.unlink()
        else:
            path.write_text("static " * rng.randint(1, 5))
    elif op == "broken":
        (films / "zz-broken.md").write_text("---\ntitle: [\n---\n")
    return op


@pytest.mark.parametrize("seed", range(8))
def test_incremental_builds_equal_clean_builds(tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "site-root"
    write_site(root, {})
    for _ in range(5):
        _edit(rng, root)
    for step in range(14):
        op = _edit(rng, root)
        clean = rng.random() < 0.25  # no fingerprints: every page made, compared in place
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)  # the reference: a first build
        try:
            build(root, jobs=rng.choice([1, 2]), clean=clean)
        except FilmpageError:
            with pytest.raises(FilmpageError):
                build(root, out=tmp_path / "clean", clean=True)
            (root / "content/films/zz-broken.md").unlink(missing_ok=True)
            continue
        build(root, out=tmp_path / "clean", clean=True)
        assert digest(root / "site") == digest(tmp_path / "clean"), f"step {step}: {op}"


def test_only_affected_pages_are_rendered_and_the_rest_keep_their_files(site):
    write_site(
        site,
        {
            "a.md": film("Alpha", genres="[Drama]", credits="{directors: [Ann]}", slug="alpha"),
            "b.md": film("Beta", genres="[Comedy]", credits="{directors: [Bob]}", slug="beta"),
        },
    )
    first = build(site)
    assert (first.rendered, first.reused) == (first.pages, 0)
    comedy = site / "site/genres/comedy/index.html"
    before = comedy.stat()
    (site / "content/films/a.md").write_text(
        film("Alpha Two", genres="[Drama]", credits="{directors: [Ann]}", slug="alpha")
    )
    second = build(site)
    # the film, its genre, person, year and decade pages, the home page and feed; not the
    # genre, people and year indexes or the statistics, which hold names and counts only
    assert second.rendered == 7
    after = comedy.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    (site / "templates").mkdir()
    (site / "templates/person.html").write_text("{{ person.name }}")
    third = build(site)
    assert third.rendered == 2  # the two person pages, nothing else
    (site / "content/films/b.md").unlink()
    fourth = build(site)  # beta, its genre (comedy) and its person (bob)
    assert fourth.removed == 3 and not (site / "site/films/beta").exists()


def test_a_build_with_nothing_changed_stops_early(site):
    write_site(site, {"a.md": film()})
    build(site)
    past = time.time() - 60
    for path in [*site.rglob("content/**/*"), site]:
        os.utime(path, (past, past))
    build(site)  # written well after the inputs' times: the next one may trust them
    result = build(site)
    assert (result.rendered, result.reused, result.files) == (0, result.pages, 0)
    assert "A Film" in (site / "site/films/a-film/index.html").read_text()


def test_clean_ignores_the_cache(site):
    write_site(site, {"a.md": film()})
    build(site)
    assert build(site, clean=True).rendered == build(site, clean=True).pages


def test_an_edit_writes_only_changed_files_in_place(site):
    write_site(site, {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta", slug="beta")})
    build(site)
    out = site / "site"
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    (site / "content/films/b.md").write_text(film("Beta Two", slug="beta"))
    result = build(site)
    after = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    changed = {p.relative_to(out).as_posix() for p in after if after[p] != before.get(p)}
    assert "films/beta/index.html" in changed and "films/alpha/index.html" not in changed
    assert "css/filmpage.css" not in changed
    assert len(changed) == result.files < len(after) / 2
    assert out.stat().st_ino == (site / "site").stat().st_ino  # the same folder, updated
    assert not list(site.glob(".site.new-*"))


def test_a_full_build_over_a_finished_output_writes_only_what_differs(site):
    write_site(
        site,
        {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta", slug="beta")},
        settings="title: Club\n",
    )
    (site / "static").mkdir()
    (site / "static/notes.txt").write_text("notes")
    build(site)
    out = site / "site"
    (out / "stray.html").write_text("left by hand")  # not ours to keep: not in the build
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    (site / "content/films/b.md").write_text(film("Beta Two", slug="beta"))
    result = build(site, clean=True)  # no fingerprints: every page is rendered
    after = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    changed = {p.relative_to(out).as_posix() for p in after if after[p] != before.get(p)}
    assert result.rendered == result.pages
    assert "films/beta/index.html" in changed and "films/alpha/index.html" not in changed
    assert "notes.txt" not in changed and "css/filmpage.css" not in changed
    assert len(changed) == result.files < len(after) / 2
    gone = {p.relative_to(out).as_posix() for p in before if p not in after}
    assert "stray.html" in gone and result.removed == len(gone)  # and beta's old share card
    assert out.stat().st_ino == (site / "site").stat().st_ino  # the same folder, updated
    assert digest(out) == digest_of_clean(site)


def test_an_update_moves_a_file_that_stands_where_a_folder_goes(site):
    write_site(site, {"a.md": film("Alpha", slug="alpha")})
    build(site)
    shutil.rmtree(site / "site/films/alpha")
    (site / "site/films/alpha").write_text("a file where the film's folder goes")
    build(site, clean=True)
    assert digest(site / "site") == digest_of_clean(site)


def test_an_update_cut_short_makes_the_next_build_a_full_one(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha", slug="alpha")})
    build(site)
    (site / "content/films/a.md").write_text(film("Alpha Two", slug="alpha"))

    def cut_short(out):
        raise KeyboardInterrupt

    monkeypatch.setattr("filmpage.commands.build.save_cache", lambda out, *rest: cut_short(out))
    with pytest.raises(KeyboardInterrupt):
        build(site)
    monkeypatch.undo()
    assert (site / "site/.filmpage-updating").exists()
    (site / "content/films/a.md").write_text(film("Alpha", slug="alpha"))  # back as before
    result = build(site)
    assert result.rendered == result.pages  # the journal said: trust nothing
    assert not (site / "site/.filmpage-updating").exists()
    assert "Alpha Two" not in (site / "site/films/alpha/index.html").read_text()
    assert digest(site / "site") == digest_of_clean(site)


def digest_of_clean(site: Path) -> dict:
    build(site, out=site / "clean", clean=True)
    return digest(site / "clean")


def test_an_edit_that_keeps_size_and_time_is_seen_while_times_cannot_be_trusted(site):
    write_site(site, {"a.md": film("Alpha", slug="alpha")})
    path = site / "content/films/a.md"
    build(site)
    st = path.stat()
    path.write_text(path.read_text().replace("Alpha", "Omega"))  # the same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same time
    build(site)  # within the same second as the last build: the bytes are compared
    assert "Omega" in (site / "site/films/alpha/index.html").read_text()


def test_unchanged_records_are_not_read_again(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta", slug="beta")})
    past = time.time() - 60
    for path in (site / "content/films").iterdir():
        os.utime(path, (past, past))
    build(site)
    (site / "content/films/b.md").write_text(film("Beta Two", slug="beta"))
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: read.append(p.name) or original(p))
    build(site)
    assert "b.md" in read and "a.md" not in read


def test_a_new_record_is_read_once(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta", slug="beta")})
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: read.append(p.name) or original(p))
    build(site, jobs=1)
    assert sorted(read) == ["a.md", "b.md"]


def test_an_edit_rewrites_only_the_cache_file_holding_its_record(site):
    write_site(site, {f"{c}.md": film(f"Film {c}", slug=c) for c in "abcdefgh"})
    build(site)
    buckets = sorted((site / ".filmpage-cache").glob("site-records-*.pickle"))
    assert len(buckets) == 64
    before = {p: p.stat().st_ino for p in buckets}  # each write replaces the file
    (site / "content/films/c.md").write_text(film("Film C two", slug="c"))
    build(site)
    assert sum(p.stat().st_ino != before[p] for p in buckets) == 1
    assert "Film C two" in (site / "site/films/c/index.html").read_text()


def test_a_build_leaves_the_collector_as_it_found_it(site):
    write_site(site, {"a.md": film()})
    before = (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count())
    build(site)
    assert (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()) == before
    gc.disable()
    try:
        build(site, clean=True)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_suggestions_are_reused_until_a_film_changes_what_they_read(site, monkeypatch):
    import filmpage.commands.build as build_module

    write_site(
        site,
        {
            "a.md": film("Alpha", slug="alpha", genres="[Drama]", body="One."),
            "b.md": film("Beta", slug="beta", genres="[Drama]"),
            "c.md": film("Gamma", slug="gamma", genres="[Comedy]"),
        },
    )
    build(site)
    made = []
    original = build_module.default_suggestions
    monkeypatch.setattr(
        build_module, "default_suggestions", lambda films: made.append(1) or original(films)
    )
    (site / "content/films/a.md").write_text(
        film("Alpha", slug="alpha", genres="[Drama]", body="Two.")
    )
    build(site)
    assert made == []  # only the plot changed
    assert "Two." in (site / "site/films/alpha/index.html").read_text()
    assert "Gamma" not in (site / "site/films/alpha/index.html").read_text()
    (site / "content/films/c.md").write_text(film("Gamma", slug="gamma", genres="[Drama]"))
    build(site)
    assert made == [1]
    assert "Gamma" in (site / "site/films/alpha/index.html").read_text()  # now suggested
    incremental = digest(site / "site")
    build(site, clean=True)
    assert digest(site / "site") == incremental

"""Incremental builds: after any sequence of edits, the same bytes as a clean full build."""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.errors import FilmpageError
from filmpage.load import parse_record, read_file
from filmpage.searchindex import shard_file

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
            "details",
            "details",
            "details",
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
    elif op == "details":  # what only the film's own pages show, and the aggregates
        for slug in rng.sample(slugs, min(len(slugs), rng.randint(1, 2))):
            path = films / f"{slug}.md"
            text = re.sub(r"fresh: \d+", f"fresh: {rng.randint(0, 10)}", path.read_text())
            text = re.sub(r"Plot \d", f"Plot {rng.randint(0, 9)}", text)
            text = re.sub(r"\.\n$", f" {rng.choice(['rain', 'snow', 'night'])}.\n", text)
            if rng.random() < 0.5:  # a new line above the related titles
                text = text.replace("\nyear:", f"\nruntime: {rng.randint(80, 99)}\nyear:", 1)
            path.write_text(text)
    return op


def _age(root: Path, since: float, when: float) -> None:
    """Date the inputs changed since ``since`` at ``when``, in the past: builds then trust
    sizes and times, as they do for edits made more than a moment after a build."""
    for path in root.rglob("*"):
        top = path.relative_to(root).parts[0]
        ours = top in ("site", ".filmpage-cache")
        if not ours and path.is_file() and path.stat().st_mtime >= since:
            os.utime(path, (when, when))


@pytest.mark.parametrize("seed", range(8))
def test_incremental_builds_equal_clean_builds(tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "site-root"
    write_site(root, {})
    for _ in range(5):
        _edit(rng, root)
    past = time.time() - 100_000
    for step in range(14):
        since = time.time() - 1
        op = _edit(rng, root)
        _age(root, since, past + step)
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

    def cut_short(memory, learned):  # after the files are moved in, before the store knows
        raise KeyboardInterrupt

    monkeypatch.setattr("filmpage.commands.memory.Memory.remember", cut_short)
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
    original = read_file
    monkeypatch.setattr(
        "filmpage.commands.records.read_file",
        lambda root, file, problems: read.append(Path(file).name) or original(root, file, problems),
    )
    build(site, jobs=1)
    assert "b.md" in read and "a.md" not in read


def test_a_new_record_is_read_once(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta", slug="beta")})
    read = []
    original = read_file
    monkeypatch.setattr(
        "filmpage.commands.records.read_file",
        lambda root, file, problems: read.append(Path(file).name) or original(root, file, problems),
    )
    build(site, jobs=1)
    assert sorted(read) == ["a.md", "b.md"]


def test_after_a_build_stopped_by_a_problem_only_the_fixed_record_is_parsed(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta", year="19x5")})
    with pytest.raises(FilmpageError):  # the check finds b's year: nothing built
        build(site, jobs=1)
    (site / "content/films/b.md").write_text(film("Beta", year="1995"))
    parsed = []
    original = parse_record
    monkeypatch.setattr(
        "filmpage.commands.records.parse_record",
        lambda data, file, problems: (
            parsed.append(Path(file).name) or original(data, file, problems)
        ),
    )
    build(site, jobs=1)
    assert parsed == ["b.md"]
    assert (site / "site/films/alpha/index.html").exists()


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


def test_suggestions_follow_a_change_to_what_they_read(site):
    write_site(
        site,
        {
            "a.md": film("Alpha", slug="alpha", genres="[Drama]", body="One."),
            "b.md": film("Beta", slug="beta", genres="[Drama]"),
            "c.md": film("Gamma", slug="gamma", genres="[Comedy]"),
        },
    )
    build(site)
    (site / "content/films/a.md").write_text(
        film("Alpha", slug="alpha", genres="[Drama]", body="Two.")
    )
    build(site)
    assert "Two." in (site / "site/films/alpha/index.html").read_text()
    assert "Gamma" not in (site / "site/films/alpha/index.html").read_text()
    (site / "content/films/c.md").write_text(film("Gamma", slug="gamma", genres="[Drama]"))
    build(site)
    assert "Gamma" in (site / "site/films/alpha/index.html").read_text()  # now suggested
    incremental = digest(site / "site")
    build(site, clean=True)
    assert digest(site / "site") == incremental


def _quick_site(site: Path) -> None:
    write_site(
        site,
        {
            "a.md": film("Alpha", genres="[Drama]", credits="{directors: [Ann]}", slug="alpha",
                         critics="{reviews_counted: 10, fresh: 7}", related="[beta]"),
            "b.md": film("Beta", genres="[Comedy]", credits="{directors: [Bob]}",
                         related="[alpha]"),
            "c.md": film("Gamma", genres="[Comedy]", credits="{directors: [Cy]}"),
        },
    )  # fmt: skip
    settings = site / "filmpage.yml"
    os.utime(settings, (time.time() - 200, time.time() - 200))  # settings older than all
    build(site)
    _age(site, time.time() - 150, time.time() - 100)  # edits below come well after the build


def test_an_edit_to_a_films_details_renders_only_the_pages_that_show_it(site):
    _quick_site(site)
    gamma = (site / "site/films/gamma/index.html").stat()
    record = site / "content/films/a.md"  # Tomatometer 70% -> 90%, a runtime, a new plot
    record.write_text(
        record.read_text()
        .replace("fresh: 7", "fresh: 9")
        .replace("year:", "runtime: 95\nyear:")
        .replace("A plot.", "A *new* plot.")
    )
    result = build(site)
    # the film; its genre, person, year and decade pages; the home page and the feed; the
    # film page of Beta, which names it as related; and the statistics (a new average)
    assert (result.rendered, result.reused) == (9, result.pages - 9)
    page = (site / "site/films/alpha/index.html").read_text()
    assert "1 hr 35 min" in page and "<em>new</em>" in page and "90%" in page
    assert "90%" in (site / "site/stats/index.html").read_text()
    assert (
        b'"alpha","Alpha",null,2001,["Ann"],[1],90,null,95'
        in (site / "site/films.json").read_bytes()
    )
    assert (site / "site/films/gamma/index.html").stat().st_mtime_ns == gamma.st_mtime_ns
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


@pytest.mark.parametrize(
    "edit",
    [
        ("Alpha", "Alpha Two"),  # the title: its place in every list
        ("[Drama]", "[Drama, Crime]"),  # the genres: a new genre page
        ("[beta]", "[gamma]"),  # the related titles
        ("fresh: 7", "fresh: many"),  # a problem: reported as by a full build
    ],
)
def test_an_edit_to_what_the_catalogue_is_made_of_gives_the_full_builds_site(site, edit):
    _quick_site(site)
    record = site / "content/films/a.md"
    record.write_text(record.read_text().replace(*edit))
    if "many" in edit[1]:
        with pytest.raises(FilmpageError, match="fresh"):
            build(site)
    else:
        build(site)
        build(site, out=site / "clean", clean=True)
        assert digest(site / "site") == digest(site / "clean")


@pytest.mark.parametrize(
    "edit, forget",
    [(("A plot.", "A plot about a quokka."), False), (("Alpha", "Alpha Two"), False),
     (("A plot.", "A plot about a quokka."), True)],
)  # fmt: skip
def test_the_search_index_goes_by_the_last_finished_build_not_one_cut_short(
    site, monkeypatch, edit, forget
):
    _quick_site(site)  # a record read by a build cut short: not read by the next one
    record = site / "content/films/a.md"
    record.write_text(record.read_text().replace(*edit))
    monkeypatch.setattr("filmpage.commands.output.render_page", _interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(site, jobs=1)
    monkeypatch.undo()
    if forget:  # the store's word of it lost: taken as records ahead all the same
        with sqlite3.connect(site / ".filmpage-cache/site.sqlite") as db:
            assert db.execute("DELETE FROM meta WHERE key = 'records_ahead'").rowcount == 1
    build(site)  # its new words in the index all the same
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


def test_an_edit_of_a_films_words_patches_the_search_index_to_the_full_builds(site):
    _quick_site(site)
    record = site / "content/films/a.md"  # "plot" gone from Alpha's words, "quokka" new
    record.write_text(record.read_text().replace("A plot.", "A quokka."))
    build(site)
    assert b"quokka" in (site / "site" / shard_file("quokka"[:2])).read_bytes()
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


def _interrupted(*args):
    raise KeyboardInterrupt


def test_a_rebuild_goes_by_the_last_finished_build_not_one_cut_short(site, monkeypatch):
    _quick_site(site)
    record = site / "content/films/a.md"
    record.write_text(record.read_text().replace("Alpha", "Alpha Two"))

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("filmpage.commands.output.render_page", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(site, jobs=1)
    monkeypatch.undo()
    build(site)
    assert "Alpha Two" in (site / "site/films/alpha/index.html").read_text()
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


def test_a_template_edit_renders_its_pages_and_a_details_edit_after_it_its_own(site):
    _quick_site(site)
    (site / "templates").mkdir()
    (site / "templates/person.html").write_text("{{ person.name }}")
    _age(site, time.time() - 5, time.time() - 60)
    assert build(site, jobs=1).rendered == 3  # the three person pages
    record = site / "content/films/c.md"
    record.write_text(record.read_text().replace("A plot.", "Another plot."))
    _age(site, time.time() - 5, time.time() - 30)
    assert build(site).rendered == 7  # the film, genre, person, year, decade, home, feed
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


def test_a_search_file_missing_from_the_output_is_made_again(site):
    _quick_site(site)
    shard = site / "site" / shard_file("zebra"[:2])
    assert not shard.exists()  # no film has a word in "ze" yet
    record = site / "content/films/c.md"
    record.write_text(record.read_text().replace("A plot.", "A zebra plot."))
    build(site)  # the quick way: the new word's file is made
    assert shard.exists()
    shard.unlink()  # gone from the output by hand
    record.write_text(record.read_text().replace("A zebra plot.", "A zebra zest plot."))
    _age(site, time.time() - 5, time.time() - 20)
    build(site)
    assert shard.exists()  # the index made whole again, as the patch could not read it
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


def test_an_edit_to_a_template_renders_only_its_pages(site):
    _quick_site(site)
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text("gone")
    assert build(site).rendered == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_deleted_from_the_output_by_hand_are_made_again_by_an_edit(site, jobs):
    """Pages, share cards, static files, indexes and search files gone from the output are
    made again by the next build that has an edit, with one process or with helpers
    (which look for them while the records are read), and the output is then as a clean
    build makes it."""
    films = {f"f{i:02}.md": film(f"Film {i}", 1990 + i, genres="[Drama]") for i in range(12)}
    write_site(site, films)
    (site / "static").mkdir()
    (site / "static/notes.txt").write_text("kept")
    build(site)
    gone = ["films/film-3/index.html", "genres/drama/index.html", "notes.txt", "films.json"]
    for folder in ("share", "search/words"):  # a share card, a file of the search index
        first = sorted((site / "site" / folder).iterdir())[0]
        gone.append(first.relative_to(site / "site").as_posix())
    for rel in gone:
        (site / "site" / rel).unlink()
    record = site / "content/films/f07.md"
    record.write_text(record.read_text().replace("A plot.", "Another plot."))
    _age(site, time.time() - 5, time.time() - 30)
    build(site, jobs=jobs)
    assert all((site / "site" / rel).is_file() for rel in gone)
    build(site, out=site / "clean", clean=True)
    assert digest(site / "site") == digest(site / "clean")


@pytest.mark.parametrize("kept", [False, True], ids=["new-process", "preview-server"])
def test_after_a_film_moves_between_lists_an_edit_renders_every_page_that_now_shows_a_film(
    site, tmp_path, kept
):
    """A film that joins a genre, first in its order, pushes the genre's other films
    along its pages ([D0, D1], [D2, D3], [D4] become [A, D0], [D1, D2], [D3, D4]): the
    plan is made again and kept where its pages are the same, and which pages show each
    film is brought up to date from the pages that changed. An edit of a film pushed onto
    another page (its score, which its card shows) then makes that page again, as a
    clean build makes it."""
    from filmpage.commands.memory import Memory

    def scored(title: str, year: int, genres: str, fresh: int) -> str:
        return film(title, year, genres=genres, critics=f"{{fresh: {fresh}, rotten: 5}}")

    films = {f"d{i}.md": scored(f"Drama {i}", 2000 + i, "[Drama]", 10) for i in range(5)}
    write_site(site, {**films, "x.md": scored("Aardvark", 2010, "[Comedy]", 10)},
               "base_url: https://example.org/\npage_size: 2\n")  # fmt: skip
    memory = Memory() if kept else None
    build(site, jobs=1, memory=memory)
    newest = site / "content/films/x.md"
    newest.write_text(newest.read_text().replace("[Comedy]", "[Drama, Comedy]"))
    build(site, jobs=1, memory=memory)
    assert "Drama 1" in (site / "site/genres/drama/page/2/index.html").read_text()
    record = site / "content/films/d1.md"  # (on the genre's second page now)
    record.write_text(record.read_text().replace("fresh: 10", "fresh: 95"))
    result = build(site, jobs=1, memory=memory)
    build(site, out=tmp_path / "clean", clean=True)
    assert digest(site / "site") == digest(tmp_path / "clean")
    assert result.rendered < result.pages
    assert "95%" in (site / "site/genres/drama/page/2/index.html").read_text()


@pytest.mark.parametrize("swept_by", ["the build", "the preview server"])
def test_files_put_in_the_output_by_hand_go_with_the_next_build(tmp_path, swept_by):
    # the build owns site/'s folders: a stray file, a link to a file elsewhere (which must
    # stay where it is) go with the next build that changes something, which then equals
    # --clean; a folder of someone's, and what starts with a dot at the top, stay
    from filmpage.commands.memory import Memory

    root = write_site(tmp_path / "s", {"a.md": film("Alpha"), "b.md": film("Beta")})
    memory = Memory()
    build(root, memory=memory)
    past = time.time() - 60  # the output's folders as a build long ago left them: only
    for folder in [root / "site", *(p for p in (root / "site").rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past))  # those changed since are looked into
    (root / "site/404.html").unlink()  # deleted by hand: made again
    (tmp_path / "elsewhere.txt").write_text("keep me")
    (root / "site/stray.txt").write_text("x")
    (root / "site/films/alpha/extra.html").write_text("z")
    (root / "site/passwd.html").symlink_to(tmp_path / "elsewhere.txt")
    (root / "site/mine").mkdir()
    (root / "site/mine/notes.txt").write_text("y")
    (root / "site/.well-known").mkdir()
    (root / "site/.well-known/security.txt").write_text("Contact: me")
    if swept_by == "the preview server":
        memory.sweep(root / "site")
    else:
        memory = Memory()
    (root / "content/films/b.md").write_text(film("Beta", tagline="Edited"))
    result = build(root, memory=memory)
    assert set(result.paths_removed) >= {"stray.txt", "films/alpha/extra.html", "passwd.html"}
    assert (tmp_path / "elsewhere.txt").read_text() == "keep me"
    assert (root / "site/mine/notes.txt").exists()
    assert (root / "site/.well-known/security.txt").exists()
    ours = lambda: {k: v for k, v in digest(root / "site").items()  # noqa: E731
                    if not k.startswith(("mine/", ".well-known/"))}  # fmt: skip
    kept = ours()
    build(root, clean=True)
    assert kept == ours()


def test_a_folder_of_the_output_replaced_by_a_link_is_refused_not_lost(tmp_path):
    root = write_site(tmp_path / "s", {"a.md": film("Alpha"), "b.md": film("Beta")})
    build(root)
    shutil.move(root / "site/css", tmp_path / "css")
    (root / "site/css").symlink_to(tmp_path / "css")
    (root / "content/films/b.md").write_text(film("Beta", tagline="Edited"))
    with pytest.raises(FilmpageError) as info:
        build(root)
    assert "a symbolic link in the output" in str(info.value)
    assert (tmp_path / "css/filmpage.css").is_file() and (root / "site/css").is_symlink()


def test_a_file_deleted_after_the_servers_last_sweep_still_comes_back(tmp_path):
    # the preview server sweeps while it waits; a file deleted after that sweep is not
    # seen by the next build, which goes by it, but the build after must look again
    from filmpage.commands.memory import Memory

    root = write_site(tmp_path / "s", {"a.md": film("Alpha"), "b.md": film("Beta")})
    server = Memory()
    build(root, memory=server)
    server.sweep(root / "site")
    (root / "site/css/filmpage.css").unlink()
    time.sleep(2.5)  # (more than the clock's slack after the deletion)
    (root / "content/films/a.md").write_text(film("Alpha", tagline="Saved"))
    build(root, memory=server)
    (root / "content/films/b.md").write_text(film("Beta", tagline="Saved"))
    build(root, memory=server)
    assert (root / "site/css/filmpage.css").is_file()


def test_a_link_put_in_place_of_one_of_the_builds_files_is_replaced_by_the_file(tmp_path):
    root = write_site(tmp_path / "s", {"a.md": film("Alpha"), "b.md": film("Beta")})
    build(root)
    (tmp_path / "other.css").write_bytes((root / "site/css/filmpage.css").read_bytes())
    (root / "site/css/filmpage.css").unlink()
    (root / "site/css/filmpage.css").symlink_to(tmp_path / "other.css")
    (root / "content/films/a.md").write_text(film("Alpha", tagline="Saved"))
    build(root)
    assert not (root / "site/css/filmpage.css").is_symlink()
    assert (root / "site/css/filmpage.css").is_file()


def test_relative_links_turned_off_leaves_no_data_script_behind(tmp_path):
    """With ``relative_links`` the indexes are also written as scripts; turned off, the
    next build patches the search index and keeps none of them (they stayed)."""
    settings = "base_url: https://example.org/\n"
    records = {f"{n}.md": film(f"Film {n}", 2000 + n, body=f"Words {n} here.") for n in range(8)}
    site = write_site(tmp_path / "site", records, settings + "relative_links: true\n")
    build(site)
    assert list((site / "site" / "search").rglob("*.js"))
    (site / "filmpage.yml").write_text(settings)
    (site / "content" / "films" / "1.md").write_text(film("Film 1", 2001, body="Other words."))
    build(site)
    clean = write_site(tmp_path / "clean", {**records, "1.md": film("Film 1", 2001,
                                                                    body="Other words.")},
                       settings)  # fmt: skip
    build(clean)
    assert digest(site / "site") == digest(clean / "site")


def test_a_template_included_by_a_value_is_followed_by_the_pages_that_include_it(site):
    """``{% include t %}`` names no template the build can see: every template may be
    the one, and an edit of any reaches the pages whose template includes that way."""
    from filmpage.theme import theme_dir

    write_site(site, {"a.md": film("A", 2001)})
    (site / "templates").mkdir()
    theme = (theme_dir() / "templates" / "film.html").read_text()
    (site / "templates" / "film.html").write_text(theme.replace(
        "{% block content %}", '{% block content %}{% set t = "_extra.html" %}{% include t %}', 1
    ))  # fmt: skip
    (site / "templates" / "_extra.html").write_text("<p>First words</p>\n")
    build(site)
    page = site / "site" / "films" / "a" / "index.html"
    assert "First words" in page.read_text()
    (site / "templates" / "_extra.html").write_text("<p>Other words</p>\n")
    build(site)
    assert "Other words" in page.read_text()


def test_a_second_change_with_the_same_size_and_time_is_seen(site):
    """Two saves in one clock tick (or on a file system that keeps times to two seconds)
    leave a file's size and time as they were: a build that took them less than two
    seconds after that time reads the file itself next time, for records and static
    files alike, however long that build took."""
    write_site(site, {"a.md": film("A", 2001, tagline="Tag one")})
    (site / "static").mkdir()
    css, record = site / "static" / "x.css", site / "content" / "films" / "a.md"
    css.write_text("body{a}")
    back = time.time_ns() - 1_900_000_000  # (within two seconds before the build)
    os.utime(record, ns=(back, back))
    times = {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in (css, record)}
    build(site)
    time.sleep(0.2)  # (the build's end further from the files' times than its start)
    css.write_text("body{b}")
    record.write_text(film("A", 2001, tagline="Tag two"))
    for path, stamp in times.items():
        os.utime(path, ns=stamp)
    build(site)
    assert (site / "site" / "x.css").read_text() == "body{b}"
    assert "Tag two" in (site / "site" / "films" / "a" / "index.html").read_text()


def test_a_runtime_read_by_a_build_that_failed_reaches_the_calendars_of_the_next(site, tmp_path):
    # the failed build keeps what it read; the next one, with nothing new to read of the
    # film, must still take its new runtime, which ends its screening, from there
    write_site(site, {"a.md": film("Film A", 2001, runtime="102"), "b.md": film("Film B", 2002)},
               "base_url: https://example.org/\ntimezone: Europe/London\n")  # fmt: skip
    (site / "content/programme").mkdir()
    (site / "content/programme/winter.yaml").write_text(
        "title: Winter\nscreenings:\n  - {film: film-a, start: 2027-01-09 19:30}\n"
    )
    today = dt.date(2026, 12, 1)
    build(site, today=today)
    (site / "content/films/b.md").write_text(film("Film B", 1200))
    (site / "content/films/a.md").write_text(film("Film A", 2001, runtime="120"))
    with pytest.raises(FilmpageError):
        build(site, today=today)
    (site / "content/films/b.md").write_text(film("Film B", 2002))
    build(site, today=today)
    build(site, out=tmp_path / "clean", clean=True, today=today)
    assert digest(site / "site") == digest(tmp_path / "clean")
    assert "DTEND;TZID=Europe/London:20270109T213000" in (site / "site/programme.ics").read_text()

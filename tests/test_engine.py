"""The build engine as a user meets it: any number of processes, any state of the
cache, the same site, byte for byte."""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jinja2
import pytest
from PIL import Image

from filmpage.commands.build import build

from .conftest import build_errors, digest, film, write_site


def colliding_catalogue(root, count: int = 600):
    """A catalogue large enough that a default build spreads its work over every process,
    with titles whose derived slugs collide (two films called Heat, two called Solaris),
    none with a poster: every film needs a share card."""
    films = {f"f{i:04}.md": film(f"Film number {i}", 1950 + i % 70) for i in range(count)}
    films["heat-a.md"] = film("Heat", 1986)
    films["heat-b.md"] = film("Heat", 1995)
    films["solaris-a.md"] = film("Solaris", 1972)
    films["solaris-b.md"] = film("Solaris", 2002)
    return write_site(root, films)


def test_cold_builds_with_every_process_are_byte_identical_to_one_process(tmp_path):
    root = colliding_catalogue(tmp_path / "site")
    build(root, out=tmp_path / "one", jobs=1)
    expected = digest(tmp_path / "one")
    assert "films/heat-1986/index.html" in expected
    for round_ in range(4):
        shutil.rmtree(root / ".filmpage-cache", ignore_errors=True)
        shutil.rmtree(tmp_path / ".filmpage-cache", ignore_errors=True)
        out = tmp_path / f"many-{round_}"
        build(root, out=out)  # the default: one process per core
        assert digest(out) == expected, f"round {round_}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_share_cards_are_named_by_what_they_show(tmp_path, jobs):
    root = colliding_catalogue(tmp_path / "site", count=40)
    build(root, jobs=jobs)
    page = (root / "site/films/heat-1995/index.html").read_text()
    cards = sorted(p.name for p in (root / "site/share").iterdir())
    assert len(cards) == len(set(cards)) == 44
    named = [c for c in cards if c in page]
    assert len(named) == 1 and "heat" not in named[0]  # not named by a guessed slug


def store_of(root):
    return root / ".filmpage-cache" / "site.sqlite"


def small_site(root):
    return write_site(
        root,
        {
            "a.md": film("Alpha", slug="alpha", genres="[Drama]"),
            "b.md": film("Beta", slug="beta", genres="[Drama]", body="Beta's plot."),
        },
    )


def test_a_damaged_store_is_started_afresh(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    expected = digest(root / "site")
    data = bytearray(store_of(root).read_bytes())
    for at in range(200, len(data), 997):  # a few bytes garbled all through the file
        data[at] ^= 0x5A
    store_of(root).write_bytes(bytes(data))
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Drama]"))
    build(root)
    assert digest(root / "site") == expected
    store_of(root).write_bytes(b"not a database at all")
    build(root)
    assert digest(root / "site") == expected


def test_a_store_with_a_byte_wrong_in_its_table_definitions_is_started_afresh(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    expected = digest(root / "site")
    with sqlite3.connect(store_of(root)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store_of(root).read_bytes())
    at = data.index(b"PRIMARY KEY, size INTEGER, mtime")  # (the inputs table's definition)
    data[at + 10] = 0xC5  # not UTF-8 there
    store_of(root).write_bytes(bytes(data))
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", body="New plot."))
    build(root)  # no error: the store is made again
    assert "New plot." in (root / "site/films/alpha/index.html").read_text()
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Drama]"))
    build(root)
    assert digest(root / "site") == expected


def test_a_stored_film_altered_behind_the_builds_back_is_not_published(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # the row changed (still a film), its hash not
        assert _forge(db, "film", "Beta's plot", "Forged") == 1
    (root / "templates").mkdir()  # every film page is rendered again, films from the store
    (root / "templates/film.html").write_text("{{ film.title }}: {{ film.plot_html|safe }}")
    build(root)
    page = (root / "site/films/beta/index.html").read_text()
    assert "Beta's plot" in page and "Forged" not in page


def _forged(data: bytes, old: str, new: str) -> bytes:
    """A stored film or derived data with ``old`` made ``new`` in its texts: still data
    the build could read, as a forger would make it."""

    def walk(value):
        if isinstance(value, str):
            return value.replace(old, new)
        if isinstance(value, list | tuple):
            return type(value)(map(walk, value))
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return marshal.dumps(walk(marshal.loads(data)))


def _forge(db: sqlite3.Connection, column: str, old: str, new: str) -> int:
    """Forge this column of every record that holds ``old``, its check left as it was;
    how many were forged."""
    rows = db.execute(f"SELECT file, {column} FROM records").fetchall()
    forged = [(_forged(data, old, new), file) for file, data in rows if old.encode() in data]
    db.executemany(f"UPDATE records SET {column} = ? WHERE file = ?", forged)
    return len(forged)


def _unkeyed(*values) -> bytes:
    """A row's check as anyone could make it who has the store but not the user's key."""
    return hashlib.blake2b(marshal.dumps(values, 0), digest_size=16).digest()


def test_a_stored_film_forged_with_its_hash_made_again_is_not_published(tmp_path):
    """A store is a file anyone may hand over (committed to a repository, in a shared
    folder): a row whose hash was made again without the user's key is not trusted."""
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:
        for file, digest_, key, problems, data in db.execute(
            "SELECT file, digest, key, problems, film FROM records"
        ).fetchall():
            forged = _forged(data, "<p>Beta", "<script>alert(1)</script><p>Beta")
            head = (file, digest_, key, problems)
            db.execute(
                "UPDATE records SET film = ?, film_check = ? WHERE file = ?",
                (forged, _unkeyed(*head, "film", forged), file),
            )
    shutil.rmtree(root / "site")  # every page made again, the films from the store
    build(root)
    page = (root / "site/films/beta/index.html").read_text()
    assert "Beta's plot" in page and "<script>alert" not in page


def test_a_store_made_with_someone_elses_key_is_started_afresh(tmp_path, monkeypatch):
    """A store handed over (committed to the site's repository, say) with the output it
    describes: nothing of it is trusted, not even which output files are as it says."""
    root = small_site(tmp_path / "s")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "theirs"))
    build(root)
    page = root / "site/films/beta/index.html"
    page.write_text(page.read_text().replace("<body", "<script>alert(1)</script><body", 1))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "mine"))
    result = build(root)
    assert result.rendered == result.pages
    assert "<script>alert" not in page.read_text()
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def test_a_records_entry_altered_behind_the_builds_back_is_not_trusted(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # no hash made again: the entry's key gone
        assert db.execute("UPDATE records SET key = x'' WHERE file LIKE '%b.md'").rowcount == 1
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", body="New plot."))
    result = build(root)
    assert result.films == 2 and (root / "site/films/beta/index.html").exists()
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def test_a_stored_poster_variant_forged_with_its_hash_made_again_is_not_published(tmp_path):
    root = poster_site(tmp_path / "s")
    expected = digest(root / "site")
    red = io.BytesIO()
    Image.new("RGB", (200, 300), (255, 0, 0)).save(red, "PNG")
    with sqlite3.connect(store_of(root)) as db:
        for (name,) in db.execute("SELECT name FROM images").fetchall():
            data = red.getvalue()
            db.execute(
                "UPDATE images SET data = ?, check_ = ? WHERE name = ?",
                (data, _unkeyed(name, data), name),
            )
    shutil.rmtree(root / "site")
    build(root)
    assert digest(root / "site") == expected


def test_a_stored_outline_altered_behind_the_builds_back_is_not_published(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # what was derived changed, its hash not
        assert _forge(db, "derived", "Drama", "Forged") == 2
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Comedy]"))
    build(root)  # a genre changed: the catalogue made again, Beta's outline from the store
    site = {p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*.html")}
    assert not [p for p in site if "forged" in p]
    assert "beta" in (root / "site/genres/drama/index.html").read_text()


def test_a_records_film_and_derived_data_swapped_with_their_hashes_are_not_trusted(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # each column's hash moved with it
        db.execute("UPDATE records SET film = derived, derived = film,"
                   " film_check = derived_check, derived_check = film_check")  # fmt: skip
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Comedy]"))
    (root / "templates").mkdir()  # every film page rendered again, films from the store
    (root / "templates/film.html").write_text("{{ film.title }}: {{ film.plot_html|safe }}")
    build(root)
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def test_a_page_plan_altered_behind_the_builds_back_is_made_again(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # a context changed, its hash not
        changed = db.execute("UPDATE plan_pages SET spec = replace(spec, 'Drama', 'Forged')")
        assert changed.rowcount > 0
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Drama]",
                                                  body="A new plot."))  # fmt: skip
    result = build(root)  # the pages that show Alpha want their contexts: all made again
    assert result.rendered == result.pages
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")
    assert "Forged" not in (root / "site/genres/drama/index.html").read_text()


def test_a_damaged_plan_found_in_the_preview_servers_build_leaves_its_memory_right(tmp_path):
    from filmpage.commands.memory import Memory

    root = small_site(tmp_path / "s")
    record = root / "content/films/a.md"
    build(root)
    memory = Memory()  # as the preview server keeps it from build to build
    build(root, memory=memory)
    with sqlite3.connect(store_of(root)) as db:
        db.execute("UPDATE plan_pages SET spec = replace(spec, 'Drama', 'Forged')")
    record.write_text(film("Alpha", slug="alpha", genres="[Drama]", body="Plot two."))
    build(root, memory=memory)  # the damage found: made again from nothing
    record.write_text(film("Alpha", slug="alpha", genres="[Drama]"))  # back as it was
    build(root, memory=memory)
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")
    assert "Plot two" not in (root / "site/films/alpha/index.html").read_text()


@pytest.mark.parametrize(
    "table, column, was",
    [
        ("plan_films", "title", "Beta"),
        ("film_parts", "row", "Beta"),
        ("plan_pages", "shows", "beta"),  # (not read whole: checked with its page's context)
    ],
)
def test_a_table_read_whole_altered_behind_the_builds_back_is_made_again(
    tmp_path, table, column, was
):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # a row changed, the table's seal not
        changed = db.execute(f"UPDATE {table} SET {column} = replace({column}, ?, 'forged') "
                             f"WHERE instr({column}, ?)", (was, was))  # fmt: skip
        assert changed.rowcount > 0
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Drama]",
                                                  body="A new plot."))  # fmt: skip
    build(root)
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def test_a_films_pages_altered_in_the_store_are_not_trusted(tmp_path):
    """Which pages name a film, as the store keeps it for an edit to find them: a row
    altered (a page left out of Alpha's) is found, and the edit's pages made afresh."""
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:
        changed = db.execute("UPDATE plan_shows SET pages = substr(pages, 1, instr(pages, ' '))"
                             " WHERE slug = 'alpha'")  # fmt: skip
        assert changed.rowcount == 1
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Drama]",
                                                  body="A new plot."))  # fmt: skip
    build(root)
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def digest_of_clean(root, out):
    build(root, out=out, clean=True)
    return digest(out)


def test_a_stored_card_altered_behind_the_builds_back_is_not_published(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:  # the cards changed, as anyone could: a
        # card is signed with the user's key, as it goes into pages as it is
        changed = db.execute("UPDATE pieces SET html = replace(html, 'Beta', 'Forged')")
        assert changed.rowcount > 0
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", genres="[Drama]",
                                                  body="A new plot."))  # fmt: skip
    build(root)  # the lists that show Alpha are rendered again, Beta's card with them
    page = (root / "site/genres/drama/index.html").read_text()
    assert "Forged" not in page and "Beta" in page


def test_a_pickle_planted_in_the_cache_folder_is_never_loaded(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    planted = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(planted), "w"))

    for name in ("site-build.pickle", "site-state.pickle", "site-records-00.pickle"):
        (root / ".filmpage-cache" / name).write_bytes(pickle.dumps(Payload()))
    (root / "content/films/a.md").write_text(film("Alpha Two", slug="alpha"))
    build(root)
    assert not planted.exists()


def _forged_code(stored: bytes) -> bytes:
    """Compiled code of a template that writes FORGED, for the source ``stored`` is the
    code of (Jinja reads back only code whose source's checksum it carries)."""
    head = len(jinja2.bccache.bc_magic)
    stream = io.BytesIO(stored[head:])
    checksum = pickle.load(stream)
    code = jinja2.Environment().compile("FORGED", "forged.html", "forged.html")
    return stored[:head] + pickle.dumps(checksum, 2) + marshal.dumps(code)


@pytest.mark.parametrize("signed", [False, True])
def test_compiled_templates_are_read_back_only_when_signed_with_the_users_key(tmp_path, signed):
    root = small_site(tmp_path / "s")
    build(root)
    key = (Path(os.environ["XDG_CACHE_HOME"]) / "filmpage/key").read_bytes()
    with sqlite3.connect(store_of(root)) as db:
        rows = db.execute("SELECT name, code FROM compiled").fetchall()
        assert rows
        for name, code in rows:
            forged = _forged_code(code)
            signature = hashlib.blake2b(name.encode() + b"\0" + forged, key=key).digest()
            db.execute(
                "UPDATE compiled SET code = ?, signature = ? WHERE name = ?",
                (forged, signature if signed else b"x" * 64, name),
            )
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", body="A new plot."))
    build(root)
    page = (root / "site/films/alpha/index.html").read_text()
    assert ("FORGED" in page) is signed  # read back when it verifies, else compiled again
    if not signed:
        assert "A new plot." in page


def test_without_a_place_for_the_users_key_templates_are_compiled_on_every_build(
    tmp_path, monkeypatch
):
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    root = small_site(tmp_path / "s")
    build(root)
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", body="A new plot."))
    build(root)
    with sqlite3.connect(store_of(root)) as db:
        assert db.execute("SELECT count(*) FROM compiled").fetchone() == (0,)
    build(root, out=tmp_path / "clean", clean=True)
    assert digest(root / "site") == digest(tmp_path / "clean")


def test_a_key_that_others_may_read_is_not_used(tmp_path, monkeypatch):
    (tmp_path / "cache/filmpage").mkdir(parents=True)
    key = tmp_path / "cache/filmpage/key"
    key.write_bytes(b"k" * 32)
    key.chmod(0o644)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = small_site(tmp_path / "s")
    build(root)
    with sqlite3.connect(store_of(root)) as db:
        assert db.execute("SELECT count(*) FROM compiled").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM pieces").fetchone() == (0,)


def test_a_cache_folder_that_is_a_link_is_refused_and_nothing_is_written_through_it(tmp_path):
    root = small_site(tmp_path / "s")
    elsewhere = tmp_path / "someone-elses"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me")
    (root / ".filmpage-cache").symlink_to(elsewhere)
    errors = build_errors(root)
    assert len(errors) == 1 and "symbolic link" in errors[0]
    assert [p.name for p in elsewhere.iterdir()] == ["precious.txt"]
    assert not (root / "site").exists()


@pytest.mark.parametrize("name", ["site.sqlite-wal", "site.sqlite-shm", "site.lock"])
def test_a_file_of_the_store_that_is_a_link_is_refused_by_its_name(tmp_path, name):
    root = small_site(tmp_path / "s")
    build(root)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (root / ".filmpage-cache" / name).unlink(missing_ok=True)
    (root / ".filmpage-cache" / name).symlink_to(victim)
    for clean in (False, True):
        errors = build_errors(root, clean=clean)
        assert errors == [
            f"filmpage: {root / '.filmpage-cache' / name}: the "
            + {"site.sqlite-wal": "build store's log", "site.sqlite-shm": "build store's index",
               "site.lock": "build's lock file"}[name]
            + " is a symbolic link; remove it (the cache is remade on the next build)"
        ]  # fmt: skip
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("name", ["site.sqlite", "site.lock"])
def test_a_folder_where_the_store_keeps_a_file_is_named_even_with_clean(tmp_path, name):
    root = small_site(tmp_path / "s")
    (root / ".filmpage-cache" / name).mkdir(parents=True)
    errors = build_errors(root, clean=True)
    place = root / ".filmpage-cache" / name
    assert len(errors) == 1 and errors[0].startswith(f"filmpage: {place}: ")
    assert errors[0].endswith("should be a file; remove it (the cache is remade on the next build)")


def poster_site(root: Path) -> Path:
    """The small site, Alpha with a poster (static/alpha.png), built."""
    small_site(root)
    (root / "static").mkdir()
    Image.new("RGB", (300, 450), (20, 90, 160)).save(root / "static/alpha.png")
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", poster="alpha.png"))
    build(root)
    return root


def test_an_edit_to_a_file_of_the_output_does_not_reach_later_builds(tmp_path):
    root = poster_site(tmp_path / "s")
    expected = digest(root / "site")
    for path in [*(root / "site/posters").iterdir(), *(root / "site/share").iterdir()]:
        path.write_bytes(b"edited in the output")  # in place: the same file
    shutil.rmtree(root / "site")
    build(root)
    assert digest(root / "site") == expected
    build(root, clean=True)
    assert digest(root / "site") == expected


def test_the_store_forgets_the_variants_of_a_poster_no_film_shows(tmp_path):
    root = poster_site(tmp_path / "s")
    Image.new("RGB", (300, 450), (200, 40, 10)).save(root / "static/alpha.png")  # replaced
    build(root)
    with sqlite3.connect(store_of(root)) as db:
        kept = {name for (name,) in db.execute("SELECT name FROM images")}
    shown = {p.name for p in (root / "site/posters").iterdir()}
    assert kept and len(kept) == len(shown)  # the first poster's variants gone


def test_a_second_build_of_the_same_output_while_one_runs_is_refused(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from filmpage.store import open_store\n"
        "with open_store(Path(sys.argv[1]), Path(sys.argv[1]).parent, fresh=False):\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(30)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(root / "site")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        errors = build_errors(root)
        assert errors == [
            f"{root / 'site'}: another filmpage build of this output is running "
            f"(process {holder.pid}); wait for it to finish, then build again"
        ]
    finally:
        holder.kill()
        holder.wait()
    build(root)  # the lock goes with the process


@pytest.mark.parametrize("change", ["edited", "deleted"])
def test_a_link_put_in_the_output_is_never_written_or_deleted_through(tmp_path, change):
    root = small_site(tmp_path / "s")
    (root / "content/films/c.md").write_text(film("Gamma", slug="gamma", genres="[Drama]"))
    build(root)
    elsewhere = tmp_path / "someone-elses"
    shutil.move(root / "site/films", elsewhere)  # the films' folder, reached by a link now
    (root / "site/films").symlink_to(elsewhere)
    theirs = digest(elsewhere)
    before = digest(root / "site")
    if change == "edited":
        (root / "content/films/b.md").write_text(film("Beta", slug="beta", body="New."))
    else:
        (root / "content/films/b.md").unlink()
    errors = build_errors(root)
    assert errors == [
        f"filmpage: {root / 'site/films'}: a symbolic link in the output; filmpage writes "
        "only its own files there. Remove the link: the next build makes that folder again."
    ]
    assert digest(elsewhere) == theirs and digest(root / "site") == before  # as they were
    (root / "site/films").unlink()
    build(root)
    assert digest(elsewhere) == theirs and not (root / "site/films").is_symlink()
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")


def test_only_a_builds_own_leftovers_beside_the_output_are_deleted(tmp_path):
    root = small_site(tmp_path / "s")
    build(root)
    mine = root / ".site.old-backup"  # someone's folder, named like a build's
    (mine / "notes").mkdir(parents=True)
    (mine / "notes/keep.txt").write_text("mine")
    staging = root / ".site.new-abcd1234"  # what a killed build leaves
    staging.mkdir()
    (staging / ".filmpage-staging").write_bytes(b"")
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", body="New."))
    build(root)
    assert (mine / "notes/keep.txt").read_text() == "mine"
    assert not staging.exists()


def test_one_output_named_two_ways_has_one_store_and_one_lock(tmp_path):
    root = small_site(tmp_path / "s")
    (tmp_path / "x").mkdir()
    first = build(root, out=tmp_path / "www")
    assert first.rendered == first.pages
    again = build(root, out=tmp_path / "x/../www")  # the same folder: nothing to do
    assert again.rendered == 0 and again.files == 0
    assert len(list((root / ".filmpage-cache").glob("*.lock"))) == 1


@pytest.mark.parametrize("broken", ["a.md", "b.md"])
def test_a_build_the_memory_kept_through_a_problem_and_an_undone_edit_is_the_clean_one(
    tmp_path, broken
):
    """What the preview server meets: a save with a problem (the edited record's own, or
    another's beside a good edit), the build stopped, the edit undone; the builds after,
    its own and a new process's, are the clean build's."""
    from filmpage.commands.memory import Memory
    from filmpage.errors import FilmpageError

    root = tmp_path / "s"
    alpha = film("Alpha", slug="alpha", body="A plot about a walrus.")
    write_site(root, {"a.md": alpha, "b.md": film("Beta", slug="beta")})
    old = time.time() - 300
    for path in root.rglob("*"):
        os.utime(path, (old, old))
    memory = Memory()
    build(root, jobs=1, memory=memory)
    a, b = root / "content/films/a.md", root / "content/films/b.md"
    a.write_text(alpha.replace("walrus", "quokka"))
    if broken == "a.md":
        a.write_text(film("Alpha", slug="alpha", year="19x5", body="A plot about a quokka."))
    else:
        b.write_text(film("Beta", slug="beta", year="19x5"))
    for path in (a, b):
        os.utime(path, (old + 10, old + 10))
    with pytest.raises(FilmpageError):
        build(root, jobs=1, memory=memory)
    a.write_text(alpha)  # the edit undone, the problem gone
    b.write_text(film("Beta", slug="beta"))
    for path in (a, b):
        os.utime(path, (old + 20, old + 20))
    build(root, jobs=1, memory=memory)
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean")
    b.write_text(film("Beta", slug="beta", body="Another plot."))
    os.utime(b, (old + 30, old + 30))
    build(root, jobs=1)  # a new process: the store alone
    assert digest(root / "site") == digest_of_clean(root, tmp_path / "clean-2")


def test_an_edit_with_the_memory_kept_reads_one_record_and_nothing_from_the_store(
    tmp_path, monkeypatch
):
    """What the preview server does: it keeps one Memory from build to build."""
    from filmpage.commands.memory import Memory
    from filmpage.load import read_file
    from filmpage.store import Store

    root = small_site(tmp_path / "s")
    (root / "content/films/c.md").write_text(film("Gamma", slug="gamma", genres="[Comedy]"))
    past = time.time() - 60  # written well before the build: their times can be trusted
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    memory = Memory()
    build(root, memory=memory)
    read, queried = [], []
    monkeypatch.setattr(
        "filmpage.commands.records.read_file",
        lambda r, file, problems: read.append(file) or read_file(r, file, problems),
    )
    for method in ("rows", "checked"):
        original = getattr(Store, method)
        monkeypatch.setattr(
            Store,
            method,
            lambda self, sql, *a, _o=original: queried.append(sql) or _o(self, sql, *a),
        )
    (root / "content/films/b.md").write_text(
        film("Beta", slug="beta", genres="[Drama]", body="New.")
    )
    result = build(root, memory=memory, jobs=1)
    assert read == ["content/films/b.md"] and queried == []
    assert "New." in (root / "site/films/beta/index.html").read_text()
    assert 0 < result.rendered < result.pages / 2


def test_without_a_key_of_the_users_the_preview_server_still_builds_by_its_memory(
    tmp_path, monkeypatch
):
    # no key to be had (one others may read): nothing of the store is kept for another
    # process, but a preview server's next build goes by its own build's store
    from filmpage.commands.memory import Memory

    (tmp_path / "cache/filmpage").mkdir(parents=True)
    (tmp_path / "cache/filmpage/key").write_bytes(b"k" * 32)
    (tmp_path / "cache/filmpage/key").chmod(0o644)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = small_site(tmp_path / "s")
    server = Memory()
    build(root, memory=server)
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", tagline="Saved"))
    result = build(root, memory=server)
    assert 0 < result.rendered < result.pages

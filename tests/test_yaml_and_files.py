"""YAML as users write it, and files as they arrive: every fault placed, nothing guessed."""

from __future__ import annotations

import time

import pytest

from filmpage import yamldoc
from filmpage.commands.build import build
from filmpage.errors import Problems
from filmpage.load import MAX_FILE_BYTES

from .conftest import SETTINGS, build_errors, film, read, text_of, write_site

F = "content/films/f.md"


def errors_for(site, data: bytes | str, name: str = "f.md") -> list[str]:
    folder = site / "content/films"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
    if not (site / "filmpage.yml").exists():
        (site / "filmpage.yml").write_text(SETTINGS)
    return build_errors(site)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: A\nyear: 2001\nyear: 2002\n---\n",
            [f"{F}:4:1: year: duplicate key (first defined at line 3); keep one"],
        ),
        (
            "---\ntitle: A\nyear: 2001\ntagline: &t x\nstudio: *t\n---\n",
            [
                f"{F}:4:10: YAML anchor 't' is not allowed; write the value out in full",
                f"{F}:5:9: YAML alias 't' is not allowed; write the value out in full",
            ],
        ),
        (
            "---\ntitle: A\nyear: 2001\nstudio: !!python/object:os.system x\n---\n",
            [
                f"{F}:4:9: YAML tag '!!python/object:os.system' is not allowed; write plain text, "
                "numbers, lists and mappings"
            ],
        ),
        (
            "---\ntitle: A\nyear: 2001\nstudio: !!binary aGk=\n---\n",
            [
                f"{F}:4:9: YAML tag '!!binary' is not allowed; write plain text, numbers, lists "
                "and mappings"
            ],
        ),
        (
            "---\ntitle: A\nyear: 2001\ngenres: !!set {a, b}\n---\n",
            [
                f"{F}:4:9: YAML tag '!!set' is not allowed; write plain text, numbers, lists and "
                "mappings"
            ],
        ),
        (
            "---\ntitle: A\nyear: 2001\nstudio: !local x\n---\n",
            [
                f"{F}:4:9: YAML tag '!local' is not allowed; write plain text, numbers, lists and "
                "mappings"
            ],
        ),
        (
            "---\ntitle: A\n\tyear: 2001\n---\n",
            [f"{F}:3:1: a tab character cannot indent YAML; use spaces"],
        ),
        (
            "---\ntitle: [A\nyear: 2001\n---\n",
            [
                f"{F}:3:5: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
                "sequence started at line 2)"
            ],
        ),
        (
            "---\ntitle: A\nyear: 2001\n",
            [f"{F}:1:1: the front matter opened here is never closed by a line '---'"],
        ),
        (
            "title: A\nyear: 2001\n",
            [f"{F}:1:1: expected YAML front matter: the file must start with a line '---'"],
        ),
        ("---\n- A\n- 2001\n---\n", [f"{F}:2:1: expected a mapping of fields, got a list"]),
        ("---\njust text\n---\n", [f"{F}:2:1: expected a mapping of fields, got 'just text'"]),
        (
            "---\n---\nPlot only.\n",
            [f"{F}:2: the front matter is empty; expected a mapping with at least title and year"],
        ),
        ("---\ntitle: A\nyear: 2001\n[1, 2]: x\n---\n", [f"{F}:4:1: a key must be plain text"]),
    ],
)
def test_yaml_faults_are_placed_from_the_top_of_the_file(site, text, expected):
    assert errors_for(site, text) == expected


def test_non_utf8_bytes(site):
    data = b"---\ntitle: Caf\xe9\nyear: 2001\n---\n"
    assert errors_for(site, data) == [
        f"{F}:2:11: not UTF-8 text: byte 0xe9 begins a character the bytes after it do not "
        "finish; save the file as UTF-8"
    ]


def test_nul_byte(site):
    assert errors_for(site, b"---\ntitle: A\x00\nyear: 2001\n---\n") == [
        f"{F}:2:9: title: U+0000 (NUL, a control character); XML 1.0 and HTML forbid it "
        "(feed readers reject the whole feed): remove it"
    ]


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("countries", "NO"),
        ("languages", "off"),
        ("languages", "yes"),
        ("tagline", "1e3"),
        ("studio", "0x1F"),
        ("distributor", "2001-01-01"),
        ("studio", "~no"),
        ("tagline", "1:20"),
    ],
)
def test_yaml11_values_are_the_text_typed(site, field, typed):
    write_site(site, {"f.md": film(**{field: typed})})
    build(site)
    assert f" {typed} " in f" {text_of(read(site, 'films/a-film/index.html'))} "


def test_yaml11_title_and_bool_title(site):
    write_site(site, {"a.md": film("No"), "b.md": film("1917", 2019), "c.md": film("3.14", 2020)})
    build(site)
    assert (site / "site/films/no/index.html").is_file()
    assert '<h1 class="film-title">1917 ' in read(site, "films/1917/index.html")
    assert '<h1 class="film-title">3.14 ' in read(site, "films/3-14/index.html")


def test_bom_and_crlf_give_the_same_output_as_lf(tmp_path):
    text = film("Same", credits="{directors: [X]}", body="Line one.\n\nLine two.")
    lf = write_site(tmp_path / "lf", {"f.md": text})
    crlf = write_site(tmp_path / "crlf", {})
    (crlf / "content/films/f.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    build(lf)
    build(crlf)
    for page in ("films/same/index.html", "index.html", "feed.xml"):
        assert read(lf, page) == read(crlf, page)


def test_crlf_errors_keep_their_lines(site):
    text = "---\r\ntitle: A\r\nyear: 1200\r\n---\r\n"
    assert errors_for(site, text) == [
        f"{F}:3:7: year: expected a whole number from 1870 to 2100, got 1200"
    ]


def test_file_size_limit_is_checked_before_parsing(site):
    big = "---\ntitle: Big\nyear: 2001\n---\n" + "x" * MAX_FILE_BYTES
    started = time.perf_counter()
    errors = errors_for(site, big)
    assert time.perf_counter() - started < 5
    size = len(big.encode())
    assert errors == [f"{F}: file is {size} bytes; the limit is {MAX_FILE_BYTES} (1 MiB)"]


def test_nesting_depth_limit(site):
    deep = "[" * (yamldoc.MAX_DEPTH + 5) + "]" * (yamldoc.MAX_DEPTH + 5)
    errors = errors_for(site, f"---\ntitle: A\nyear: 2001\ngenres: {deep}\n---\n")
    assert errors == [
        f"{F}:4:{8 + yamldoc.MAX_DEPTH}: nested more than {yamldoc.MAX_DEPTH} levels deep"
    ]


@pytest.mark.parametrize(("start", "opener"), [(" ", "["), (" ", "{a: "), ("\n  ", "- ")])
def test_hostile_nesting_within_the_size_limit_is_refused_quickly(site, start, opener):
    # libyaml's own composer recurses and crashes the process on this; ours does not.
    text = "---\ntitle: A\nyear: 2001\ngenres:" + start + opener * 200_000 + "\n---\n"
    started = time.perf_counter()
    errors = errors_for(site, text)
    assert time.perf_counter() - started < 2
    assert len(errors) == 1 and "nested more than" in errors[0]


def test_list_length_limit(site):
    many = ", ".join(["g"] * (yamldoc.MAX_ITEMS + 1))
    errors = errors_for(site, f"---\ntitle: A\nyear: 2001\ngenres: [{many}]\n---\n")
    assert errors == [f"{F}:4:9: more than {yamldoc.MAX_ITEMS} entries"]


def test_list_length_limit_counts_mappings_and_lists_too(site):
    # Entries that are themselves collections count as much as plain ones.
    many = ", ".join(["{name: A}"] * (yamldoc.MAX_ITEMS + 1))
    errors = errors_for(site, f"---\ntitle: A\nyear: 2001\ncritic_quotes: [{many}]\n---\n")
    assert errors == [f"{F}:4:16: more than {yamldoc.MAX_ITEMS} entries"]


def test_every_error_of_a_build_is_reported_sorted_by_file(site):
    write_site(
        site,
        {
            "b.md": film(runtime="-1"),
            "a.md": "---\ntitle: A\nyear: x\n---\n",
            "c/d.md": "---\ntitle: [\n---\n",
            "ok.md": film("Fine"),
        },
    )
    errors = build_errors(site)
    assert [e.split(":")[0] for e in errors] == [
        "content/films/a.md",
        "content/films/b.md",
        "content/films/c/d.md",
    ]


def test_reader_boolean_words():
    problems = Problems()
    read = yamldoc.Reader("f", problems)
    tree = yamldoc.parse("a: yes\nb: Off\nc: TRUE\nd: 'false'\n", "f", problems)
    assert [read.boolean(tree.get(k), k) for k in "abcd"] == [True, False, True, False]
    assert problems.items == []


def test_a_record_that_cannot_be_read_is_reported_with_the_reason(site):
    write_site(site, {"ok.md": film("Fine")})
    (site / "content/films/gone.md").symlink_to(site / "content/films/missing.md")
    assert build_errors(site) == [
        "content/films/gone.md: cannot read the file: No such file or directory"
    ]


def test_symlinked_record_outside_the_site_is_refused(site, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(film("Secret"))
    write_site(site, {"ok.md": film("Fine")})
    (site / "content/films/link.md").symlink_to(outside)
    assert build_errors(site) == [
        "content/films/link.md: a symlink leads outside the site; refused"
    ]


def test_folders_outside_the_site_and_symlink_loops_are_refused_or_walked_once(site, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/secret.md").write_text(film("Secret"))
    write_site(site, {"ok.md": film("Fine"), "sub/two.md": film("Two")})
    (site / "content/films/sub/loop").symlink_to(site / "content/films")
    assert build(site).films == 2  # the loop leads back to a folder already walked
    (site / "content/films/away").symlink_to(tmp_path / "elsewhere")
    assert build_errors(site) == ["content/films/away: a symlink leads outside the site; refused"]


def test_hidden_files_and_other_suffixes_are_ignored(site):
    write_site(site, {"ok.md": film("Fine"), ".draft.md": "broken", "notes.txt": "x"})
    assert build(site).films == 1


def test_control_character_is_placed(site):
    assert errors_for(site, "---\ntitle: A\nyear: 2001\ntagline: bad\x01char\n---\n") == [
        f"{F}:4:13: tagline: U+0001 (a control character); XML 1.0 and HTML forbid it "
        "(feed readers reject the whole feed): remove it"
    ]

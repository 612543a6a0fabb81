"""Property-based tests: no input makes filmpage fail in any way but its own error."""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filmpage.commands.build import build
from filmpage.derive import derive
from filmpage.errors import FilmpageError, Problems
from filmpage.filmdata import derived_data, derived_from_data, film_data, film_from_data
from filmpage.load import parse_record
from filmpage.markup import markdown_html, plain_paragraphs, render_markdown, sanitize
from filmpage.record import film_from_record
from filmpage.searchindex import fold, patch_search_files, search_files, words

FIELDS = [
    "title",
    "year",
    "slug",
    "runtime",
    "genres",
    "credits",
    "critics",
    "top_critics",
    "customer_reviews",
    "related",
    "offers",
    "draft",
    "poster",
    "trailer",
    "release_date",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["NO", "off", "1917", "2009-01-01", "~", "../x", "a-b"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from([*FIELDS, "quote", "body", "name", "title", "rating"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
records = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


def _build_bytes(data: bytes, name: str = "f.md") -> None:
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        (root / "content/films").mkdir(parents=True)
        (root / "content/films" / name).write_bytes(data)
        try:
            build(root)
        except FilmpageError as exc:
            assert exc.problems, "an error must say what is wrong"
            for problem in exc.problems:
                assert problem.file and problem.message
            assert not (root / "site").exists()
        else:
            assert (root / "site/index.html").is_file()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_site_or_our_error(data):
    _build_bytes(data)
    _build_bytes(b"---\n" + data + b"\n---\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_arbitrary_yaml_records_give_a_site_or_our_error(record):
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    _build_bytes(("---\n" + text + "---\nPlot.\n").encode())
    _build_bytes(text.encode(), "f.yaml")


FORBIDDEN_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "img",
    "svg",
    "math",
    "form",
    "input",
    "base",
    "meta",
    "link",
}


class _Audit(HTMLParser):
    """Every element and attribute of a fragment, for checking what a browser would run."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


def assert_inert(html: str) -> None:
    audit = _Audit()
    audit.feed(html)
    assert not FORBIDDEN_TAGS & set(audit.tags), html
    for name, value in audit.attrs:
        assert not name.startswith("on") and name not in ("style", "src", "srcdoc"), html
        if name == "href":
            scheme = urlsplit(value.strip()).scheme.lower()
            assert scheme in ("http", "https", "mailto"), html


html_bits = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:x'>a</a>",
        '<a href="JaVaScRiPt:alert(1)">b</a>',
        "<svg onload=alert(1)>",
        "<iframe src=x>",
        "[c](javascript:alert(1))",
        "[d](data:text/html;base64,PHNjcmlwdD4=)",
        "<b onclick=x>b</b>",
        "<a href='vbscript:x'>v</a>",
        "<style>*{}</style>",
        "<object data=x>",
        "**bold**",
        "`code`",
        "<scr<script>ipt>alert(1)</script>",
        '<a href="&#106;avascript:x">e</a>',
        "\n\n",
        "> q",
        "<p style='x'>s</p>",
        "<math><mtext><table><mglyph><style><img src=x onerror=1>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(html_bits, st.text(max_size=20)), max_size=8))
def test_sanitized_markdown_never_carries_script(parts):
    assert_inert(render_markdown("".join(parts)))
    assert_inert(sanitize("".join(parts)))


PLAIN_PIECES = [*"abcXYé中ß \n,.;:!?'\"()%$@/–—‘’“”…-1", "  ", "\n\n", "\n\n\n", "word", "a-b"]
MARKDOWN_PIECES = [*"*_#<>&[]`\t\r=+\\", "\u00a0", "\u0301", "1. ", "- ", "    "]
PROSE = st.builds(  # plain pieces, with at most one piece of Markdown put in somewhere
    lambda plain, markdown, at: "".join(plain[:at] + markdown + plain[at:]),
    st.lists(st.sampled_from(PLAIN_PIECES), max_size=30),
    st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=1),
    st.integers(0, 30),
)


@settings(max_examples=3000, deadline=None)
@given(PROSE)
def test_plain_paragraphs_are_what_markdown_and_the_sanitizer_make(text):
    plain = plain_paragraphs(text)
    if text.strip() and plain is not None:
        assert plain == markdown_html(text)


PLAIN_RULE = re.compile(  # what plain prose is, as first written: one search per rule
    r"[^\w \n,.;:!?'\"()%$@/\u2013\u2014\u2018\u2019\u201c\u201d\u2026-]|_|^[ \d-]|[ ]$",
    re.MULTILINE,
)


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        PROSE,
        st.lists(st.sampled_from([*PLAIN_PIECES, *MARKDOWN_PIECES, "٣", "\n1", "_"])).map("".join),
    )
)
def test_the_quick_prose_check_keeps_the_rule(text):
    assert (plain_paragraphs(text) is not None) == (PLAIN_RULE.search(text) is None)


def test_prose_takes_the_short_way_and_markdown_the_long_way():
    prose = "It's 1999, and Ana (a nurse) says: “go”.\nAgain—twice…\n\n\nThe end!"
    assert plain_paragraphs(prose) == (
        "<p>It's 1999, and Ana (a nurse) says: “go”.\nAgain—twice…</p>\n<p>The end!</p>"
    )
    for text in ["Some *emphasis*.", "a_b", "1. a list", "- item", "Line  \nbreak", "A &amp; B",
                 "<b>x</b>", "[a](http://x)", "    code", "Title\n===", "# Heading"]:  # fmt: skip
        assert plain_paragraphs(text) is None, text
    assert render_markdown("Some *emphasis*.") == "<p>Some <em>emphasis</em>.</p>"


@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_folds_as_the_general_rule_does(text):
    assert fold(text) == "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_words_are_what_the_general_rule_finds(text):
    assert words(text) == {w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 1}


WORDS = st.lists(st.sampled_from(["ab", "abc", "ac", "ba", "bb", "歸途", "途", "zz"]), max_size=4)


@given(
    before=st.lists(WORDS, min_size=1, max_size=6),
    edits=st.lists(st.tuples(st.integers(0, 5), WORDS), max_size=3),
)
def test_a_patched_search_index_is_the_index_made_afresh(before, edits):
    after = [" ".join(sorted(set(w))) for w in before]
    start = list(after)
    for number, new_words in edits:
        if number < len(after):
            after[number] = " ".join(sorted(set(new_words)))
    files = search_files(start)
    changes = [(n, start[n], after[n]) for n in range(len(after)) if start[n] != after[n]]
    for rel, data in patch_search_files(files.get, changes).items():
        if data is None:
            del files[rel]
        else:
            files[rel] = data
    assert files == search_files(after)


def test_a_film_read_back_is_the_film_written_and_its_outline_the_same_either_way():
    """The store keeps a film and what was derived from it as two pieces of data; a build
    that reads both back makes the outline of the film it read (sharing its parts) rather
    than of the second: the two must be the same, for every record the examples hold."""
    root = Path(__file__).resolve().parents[1] / "content" / "films"
    for path in sorted(root.glob("*.md")):
        problems = Problems()
        record = parse_record(path.read_bytes(), path.name, problems)
        film = film_from_record(record, problems) if record else None
        assert film is not None, problems.items
        derived = derive(film)
        back = film_from_data(film_data(film))
        assert back == film
        shared = derived_from_data(derived_data(derived), back)
        assert shared == derived_from_data(derived_data(derived)) == derived
        assert shared.outline.credits is back.credits  # held once

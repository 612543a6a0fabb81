"""The plain reader gives libyaml's tree for every text it accepts, and takes real records."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filmpage import plainyaml, yamldoc
from filmpage.errors import Problems
from filmpage.yamltree import Map, Scalar, Seq

ROOT = Path(__file__).resolve().parent.parent

RECORD = """\
title: Summer Year 9330
slug: film-009330
year: 1934
release_date: 1934-10-27
genres: [Animation, Science-Fiction]
content_rating: PG-13
credits:
  directors: [Ida Haddad]
  cast:
    - {name: Dee Fricke, character: Light Winter}
    - {name: Fay Glass, character: Is The}
critics: {reviews_counted: 31, fresh: 10, rotten: 21, average_rating: 4.4}
top_critics:
  - {verdict: rotten, critic: Ada Okafor, quote: "time by his, her house: summer."}
  - {verdict: fresh, critic: 'O''Hara', quote: 'It''s [fine], {really}'}
customer_reviews:
  - title: It's 'fine'
    author: 'O''Hara'
    rating: 4
    body: 'road house, world: dark'

related:
  - film-005132
  - {title: They Train, director: Hal Baichwal, year: 1980}
offers:
- {type: buy, price: 8.99, currency: USD, url: "https://shop.example.org/9330"}
- type: rent
  quality:
  extra: ~
"""


def shape(node):
    """Everything a tree holds, positions included, as plain values to compare."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return ("scalar", node.text, node.is_null, node.line, node.column)
    if isinstance(node, Seq):
        return ("list", node.line, node.column, [shape(item) for item in node.items])
    assert isinstance(node, Map)
    entries = [(text, shape(key), shape(value)) for text, (key, value) in node.entries.items()]
    return ("map", node.line, node.column, entries)


def same_as_libyaml(text: str, offset: int = 3) -> bool:
    """True when the plain reader accepts ``text``; then its tree must be libyaml's, and
    libyaml must find nothing wrong with it."""
    quick = plainyaml.read(text, offset)
    if quick is None:
        return False
    problems = Problems()
    reference = yamldoc.parse_libyaml(text, "f.md", problems, offset)
    assert problems.items == [], text
    assert shape(quick) == shape(reference), text
    return True


def test_records_as_written_take_the_plain_way_to_libyamls_tree():
    assert same_as_libyaml(RECORD)
    tree = plainyaml.read(RECORD, 1)
    offers = tree.get("offers")
    assert [shape(item)[0] for item in offers.items] == ["map", "map"]
    assert offers.items[1].get("quality").is_null and offers.items[1].get("quality").column == 11
    assert tree.get("top_critics").items[0].get("quote").text == "time by his, her house: summer."
    assert tree.get("customer_reviews").items[0].get("body").text == "road house, world: dark"
    for path in sorted((ROOT / "content" / "films").glob("*.md")):
        front = path.read_text(encoding="utf-8").split("\n---\n")[0].removeprefix("---\n")
        assert same_as_libyaml(front, 1), path.name


def test_the_example_settings_take_the_plain_way_too():
    assert same_as_libyaml((ROOT / "filmpage.yml").read_text(encoding="utf-8"), 0)


OUTSIDE = [
    "a: b # a comment\n",
    "a: |\n  block\n",
    "a: >\n  folded\n",
    "a: over\n  two lines\n",
    'a: "an \\q escape YAML has not"\n',
    'a: "\\x4"\n',
    'a: "over\n  lines"\n',
    "a:\tb\n",
    "a: b\r\n",
    "a: &x b\nc: *x\n",
    "a: !!str b\n",
    "a: b\na: c\n",
    "a: [b, c,]\n",
    "a: [b,\n  c]\n",
    "a: {b}\n",
    "a: [b: c]\n",
    "- - a\n",
    "a: b: c\n",
    "a\u2028b: c\n",
    "\ufeffa: b\n",
    "? a\n: b\n",
    "'a': b\n",
    "just text\n",
    "",
    "a: 1\n b: 2\n",
]


def test_escapes_in_double_quotes_read_as_libyaml_reads_them():
    """Exported and hand-written records write paragraphs as "\\n\\n" escapes: they are
    read here, into the text libyaml decodes."""
    for text in (
        'body: "One.\\n\\nTwo \\"quoted\\" \\\\ slash"\n',
        'a: ["tab\\there", "\\x41\\u00e9\\U0001F600", "\\/\\ \\_"]\n',
        'a: {b: "\\e\\N\\L\\P\\0\\a\\b\\v\\f\\r"}\n',
    ):
        assert same_as_libyaml(text, 0), text
    assert plainyaml.read('a: "x\\n\\ny"\n').get("a").text == "x\n\ny"


def test_outside_the_subset_libyaml_reads_it_and_reports_its_faults():
    for text in OUTSIDE:
        assert plainyaml.read(text, 0) is None, repr(text)
    problems = Problems()
    assert yamldoc.parse("a: b # note\n", "f.md", problems).get("a").text == "b"
    yamldoc.parse("a: 1\na: 2\n", "f.md", problems)
    (fault,) = problems.items
    assert "duplicate key" in fault.message and fault.line == 2


KEYS = st.sampled_from(["title", "a", "b", "Key two", "x.y", "no", "null", "k-1", "_", "é"])
WORDS = st.sampled_from(["word", "two words", "Amélie", "1917", "-5", "4.5", "it's", "a-b"])
ODD = st.sampled_from(
    [
        *["~", "null", "NULL", "", "yes", "a:b", "a: b", "a #b", "#c", "- x", "-", "?x", ":x"],
        *["x:", "[a", "a]", "{a", "b}", "a,b", "a, b", "&a", "*a", "!t", "|", ">", "%", "@"],
        *["`", "'", '"', "''", "---", "...", " ", "  ", "é…—", "\u2028", "\x85", "\x7f"],
        *["\\n", "http://x.org/?b=c", "\t", "\u00a0", "\u3000", "-.5", "-a", "a  b"],
        *["\\", '\\"', "\\\\", "\\x41", "\\x4", "\\u00e9", "\\U0001F600", "\\ud800"],
        *["\\e", "\\N", "\\_", "\\/", "\\ ", "\\q", "\\0", "\\L"],
    ]
)
BITS = st.one_of(WORDS, WORDS, ODD)
PLAIN = st.lists(BITS, min_size=1, max_size=3).map("".join)
SCALAR = st.one_of(
    PLAIN,
    PLAIN.map(lambda s: f'"{s}"'),
    PLAIN.map(lambda s: "'" + s.replace("'", "''") + "'"),
    PLAIN.map(lambda s: f"'{s}'"),
)
SEPARATORS = st.sampled_from([", ", ",", " , ", ",  "])
COLONS = st.sampled_from([": ", ": ", ": ", ":", " : ", ":  "])


def flow(inner):
    items = st.lists(inner, max_size=4)
    return st.one_of(
        st.tuples(items, SEPARATORS).map(lambda t: "[" + t[1].join(t[0]) + "]"),
        st.tuples(st.lists(st.tuples(KEYS, COLONS, inner), max_size=4), SEPARATORS).map(
            lambda t: "{" + t[1].join(k + c + v for k, c, v in t[0]) + "}"
        ),
        st.tuples(items, st.sampled_from(["[ ", "["]), st.sampled_from([" ]", "]", ", ]"])).map(
            lambda t: t[1] + ", ".join(t[0]) + t[2]
        ),
    )


INLINE = st.recursive(SCALAR, flow, max_leaves=6)


@st.composite
def blocks(draw, indent: int = 0, depth: int = 0) -> list[str]:
    """The lines of a block mapping or list at ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    is_map = draw(st.booleans())
    for _ in range(draw(st.integers(1, 4))):
        head = pad + (
            draw(KEYS) + draw(COLONS) if is_map else draw(st.sampled_from(["- ", "- ", "-", "-  "]))
        )
        choice = draw(st.integers(0, 5 if depth < 3 else 1))
        if choice == 0:
            lines.append(head + draw(INLINE) + draw(st.sampled_from(["", " ", "  "])))
        elif choice == 1:
            lines.append(head.rstrip(" ") + draw(st.sampled_from(["", " "])))
        elif choice in (2, 3):
            lines.append(head.rstrip(" "))
            step = draw(st.sampled_from([1, 2, 4] if choice == 2 else [0]))
            lines.extend(draw(blocks(indent + step, depth + 1)))
        elif choice == 4 and not is_map:  # "- key: value" and the keys under it
            inner = draw(blocks(indent + len(head) - len(pad), depth + 1))
            lines.append(head + inner[0].lstrip(" "))
            lines.extend(inner[1:])
        else:
            lines.append("")
            lines.append(head + draw(SCALAR))
    return lines


@st.composite
def documents(draw) -> str:
    text = "\n".join(draw(blocks())) + draw(st.sampled_from(["\n", "", "\n\n"]))
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):  # a stray character somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([*" -:,#'\"[]{}\n\t?&", "  ", "\n  "])) + text[at:]
    return text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_whatever_the_plain_reader_accepts_it_reads_as_libyaml_does(text):
    same_as_libyaml(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(RECORD) - 1), st.text(min_size=1, max_size=3))
def test_a_record_changed_anywhere_still_reads_as_libyaml_does(at, inserted):
    same_as_libyaml(RECORD[:at] + inserted + RECORD[at:])
    same_as_libyaml(RECORD[:at] + RECORD[at + len(inserted) :])


def test_every_one_character_slip_in_a_record_reads_as_libyaml_does():
    """Each insertion of a character YAML cares about, and each deletion, at every place
    of a record: the reader accepts about 40% of these texts, and must read each one right."""
    inserts = [*" -:,#'\"[]{}\n\t?&*!|>%@`~.", "  ", "\n  ", "\n- ", ": ", "- ", "\u00a0", "é"]
    accepted = 0
    for at in range(len(RECORD)):
        for text in inserts:
            accepted += same_as_libyaml(RECORD[:at] + text + RECORD[at:])
        for length in (1, 2):
            accepted += same_as_libyaml(RECORD[:at] + RECORD[at + length :])
    assert accepted > 5000  # most slips that leave valid YAML stay in the subset

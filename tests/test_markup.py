"""Untrusted Markdown: the sanitizing policy, and input that would stall the parser."""

from __future__ import annotations

import time

import pytest

from filmpage.markup import MAX_MARKDOWN_CHARS, MAX_MARKDOWN_TOTAL, defuse, render_markdown

from .conftest import build_errors, film, write_site


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("Plain *text*.", "<p>Plain <em>text</em>.</p>"),
        (
            "[ok](https://a.example/) [mail](mailto:x@y.z)",
            '<p><a href="https://a.example/" rel="nofollow ugc noopener noreferrer">ok</a> '
            '<a href="mailto:x@y.z" rel="nofollow ugc noopener noreferrer">mail</a></p>',
        ),
        ("[js](javascript:alert(1))", '<p><a rel="nofollow ugc noopener noreferrer">js</a></p>'),
        (
            "[rel](/films/x/) [proto](//evil.example/)",
            '<p><a rel="nofollow ugc noopener noreferrer">rel</a> '
            '<a rel="nofollow ugc noopener noreferrer">proto</a></p>',
        ),
        ("![pic](https://tracker.example/p.gif)", "<p></p>"),
        ("<script>alert(1)</script>Hi", "<p>Hi</p>"),
        ("<em onclick='x'>raw</em> <b style='color:red'>b</b>", "<p><em>raw</em> <b>b</b></p>"),
        ("<iframe src='https://x.example'></iframe>Text", "<p>Text</p>"),
        ("a < b and c > d", "<p>a &lt; b and c &gt; d</p>"),
        (
            'A (parenthetical) remark [with a link](https://a.example/ "t").',
            '<p>A (parenthetical) remark <a href="https://a.example/" title="t" '
            'rel="nofollow ugc noopener noreferrer">with a link</a>.</p>',
        ),
        ("Unclosed [bracket and (paren", "<p>Unclosed [bracket and (paren</p>"),
        (
            "> quoted\n\n- one\n- two",
            "<blockquote>\n<p>quoted</p>\n</blockquote>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
        ),
    ],
)
def test_sanitizing_policy(markdown, html):
    assert render_markdown(markdown) == html


def test_defuse_leaves_ordinary_text_alone():
    text = "He said (quietly) that [the film](https://x.example/) <em>moved</em> him."
    assert defuse(text) == text


@pytest.mark.parametrize("unit", ["[", "(", "<", "<a ", "[a](", "![", "[^", "&#", "`a", "> "])
def test_hostile_markdown_within_the_limit_does_not_stall(unit):
    text = unit * (MAX_MARKDOWN_CHARS // len(unit))
    started = time.perf_counter()
    render_markdown(text)
    assert time.perf_counter() - started < 5  # a guard against hangs, not a benchmark


def test_markdown_longer_than_the_limit_is_an_error(site):
    body = "x" * MAX_MARKDOWN_CHARS  # the file's final newline makes it one too many
    write_site(site, {"f.md": film(body=body)})
    assert build_errors(site) == [
        f"content/films/f.md:5:1: plot: {MAX_MARKDOWN_CHARS + 1} characters of Markdown; "
        f"the limit is {MAX_MARKDOWN_CHARS}"
    ]


def test_total_markdown_of_a_record_is_limited(site):
    count = MAX_MARKDOWN_TOTAL // MAX_MARKDOWN_CHARS + 1
    reviews = "".join(f"\n  - body: {'y' * MAX_MARKDOWN_CHARS}" for _ in range(count))
    write_site(site, {"f.md": f"---\ntitle: T\nyear: 2000\ncustomer_reviews:{reviews}\n---\n"})
    errors = build_errors(site)
    assert errors == [
        f"content/films/f.md:{4 + count}:11: customer_reviews[{count - 1}].body: the record "
        f"holds more than {MAX_MARKDOWN_TOTAL} characters of Markdown in all"
    ]


def test_markdown_nested_too_deeply_is_a_placed_error(site):
    write_site(site, {"f.md": film(body="1. " * 3000)})
    assert build_errors(site) == [
        "content/films/f.md:5:1: plot: Markdown nested too deeply (lists or quotes inside "
        "each other)"
    ]


def test_a_failed_conversion_does_not_spoil_the_next_one():
    from filmpage.markup import MarkupError

    with pytest.raises(MarkupError):
        render_markdown("1. " * 3000)
    assert render_markdown("A plot.<script>x</script> **Still** here.") == (
        "<p>A plot. <strong>Still</strong> here.</p>"
    )


def test_markdown_nested_too_deeply_in_a_season_or_a_page_is_a_placed_error(site):
    """A season's description and a page's text go through the records' Markdown rule."""
    write_site(site, {"f.md": film()})
    for folder in ("programme", "pages"):
        (site / "content" / folder).mkdir()
    deep = "1. " * 3000
    (site / "content/programme/june.yaml").write_text(
        f'title: June\ndescription: "{deep}"\nscreenings:\n'
        "  - {film: a-film, start: 2027-06-10 19:30}\n"
    )
    (site / "content/pages/about.md").write_text(f"---\ntitle: About\n---\n{deep}\n")
    nested = "Markdown nested too deeply (lists or quotes inside each other)"
    assert build_errors(site) == [
        f"content/pages/about.md:4:1: body: {nested}",
        f"content/programme/june.yaml:2:14: description: {nested}",
    ]

"""Bad input found by attacking the content format: each is an error placed on its
field (never a traceback, never a build that passes), and a warning a build gave is
given again by every later build of the same input."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from filmpage.cli import main as cli
from filmpage.commands.build import build

from .conftest import build_errors, film, write_site

SETTINGS = "base_url: https://example.org/\ntimezone: Europe/London\n"


def test_a_screening_in_a_year_no_calendar_reaches_is_an_error(site):
    write_site(site, {"a.md": film("A", 2001)}, SETTINGS)
    (site / "content" / "programme").mkdir()
    (site / "content" / "programme" / "s.yaml").write_text(
        "title: S\nscreenings:\n  - {film: a, start: 9999-12-31 23:00}\n"
        "  - {film: a, start: 9999-12-31 20:00}\n  - {film: a, start: 1492-10-12 20:00}\n"
    )
    errors = build_errors(site)
    assert errors == [
        "content/programme/s.yaml:3:22: screenings[0].start: year 9999 is not between 1870 "
        "and 2100",
        "content/programme/s.yaml:4:22: screenings[1].start: year 9999 is not between 1870 "
        "and 2100",
        "content/programme/s.yaml:5:22: screenings[2].start: year 1492 is not between 1870 "
        "and 2100",
    ]
    result = subprocess.run([sys.executable, "-m", "filmpage", "check"], cwd=site,
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_an_address_python_cannot_split_is_an_error_not_a_traceback(site):
    write_site(site, {"a.md": film("A", 2001, trailer="'http://[::1/'")},
               'base_url: "http://[::1/"\n')  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "filmpage", "build"], cwd=site,
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "filmpage.yml:1:11: base_url: expected an http(s) URL" in result.stderr
    assert "trailer: expected an http or https URL, got 'http://[::1/'" in result.stderr
    for wrong in ("https://example.org:abc/", "https://example.org:99999/"):
        (site / "filmpage.yml").write_text(f"base_url: '{wrong}'\n")
        expected = (
            "filmpage.yml:1:11: base_url: expected an http(s) URL or a path starting with "
            f"'/', got {wrong!r}"
        )
        assert expected in build_errors(site)
        outcome = CliRunner().invoke(cli, ["build", "--root", str(site), "--base-url", wrong])
        assert outcome.exit_code == 2 and "Invalid value for '--base-url'" in outcome.output


def test_a_menu_link_with_a_backslash_cannot_leave_the_site(site):
    write_site(site, {"a.md": film("A", 2001)},
               "base_url: /\nmenu:\n  - {title: C, url: '/\\evil.example/x'}\n"
               "  - {title: D, url: '/visit/#hours'}\n")  # fmt: skip
    assert build_errors(site) == [
        "filmpage.yml:3:21: menu[0].url: expected a path of the site (without spaces or "
        "backslashes) or an http(s) URL, got '/\\\\evil.example/x'"
    ]


def test_critics_counts_cannot_exceed_the_reviews_counted(site):
    write_site(site, {
        "a.md": film("A", 2001, critics="{reviews_counted: 5, fresh: 10}"),
        "b.md": film("B", 2002, critics="{reviews_counted: 5, rotten: 10}"),
        "c.md": film("C", 2003, critics="{reviews_counted: 5, rotten: 2}"),
    })  # fmt: skip
    assert build_errors(site) == [
        "content/films/a.md:4:38: critics.fresh: 10 is more than reviews_counted (5)",
        "content/films/b.md:4:39: critics.rotten: 10 is more than reviews_counted (5)",
    ]
    (site / "content" / "films" / "a.md").unlink()
    (site / "content" / "films" / "b.md").unlink()
    build(site)
    page = (site / "site" / "films" / "c" / "index.html").read_text()
    assert "60%" in page  # 3 fresh of 5


def test_a_build_that_keeps_the_catalogue_gives_its_warnings_again(site):
    """Warnings about the catalogue as a whole (two films whose titles make one slug, a
    translation into a language the site does not have) come from making the catalogue;
    a later build that keeps it gives them as the first did, and ``--strict`` fails."""
    write_site(site, {
        "x.md": film("X", 2001, translations="{de: {title: Y}}"),
        "heat-1.md": film("Heat", 1986), "heat-2.md": film("Heat", 1995),
    })  # fmt: skip
    first = sorted(str(w) for w in build(site).warnings)
    assert len(first) == 3 and any("'de' is not one of the site's languages" in w for w in first)
    (site / "content" / "films" / "x.md").write_text(
        film("X", 2001, body="Another plot.", translations="{de: {title: Y}}")
    )  # an edit that keeps the catalogue (its plot is not in it)
    again = build(site)
    assert again.rendered and sorted(str(w) for w in again.warnings) == first
    assert sorted(str(w) for w in build(site).warnings) == first  # (nothing changed)
    result = CliRunner().invoke(cli, ["build", "--root", str(site), "--strict"])
    assert result.exit_code == 1
    assert "translations.de: 'de' is not one of the site's languages" in result.output


def _check(site):
    return CliRunner().invoke(cli, ["check", "--root", str(site)])


def test_check_finds_what_the_build_would_refuse(site):
    """``check`` reads and checks as the build does: a poster that is no image, a static
    file where the build writes one, a template that cannot be parsed are its errors too
    (each was "OK" from ``check``, then a failed build)."""
    write_site(site, {"a.md": film("A", 2001, poster="posters/a.png")})
    (site / "static" / "posters").mkdir(parents=True)
    (site / "static" / "posters" / "a.png").write_bytes(b"not a picture")
    result = _check(site)
    assert result.exit_code == 1
    assert "content/films/a.md:4:1: poster: static/posters/a.png is not an image" in result.output
    (site / "static" / "posters" / "a.png").unlink()
    (site / "content" / "films" / "a.md").write_text(film("A", 2001))
    for clash in ("films.json", "films/a/index.html", "index.html"):
        (site / "static" / clash).parent.mkdir(parents=True, exist_ok=True)
        (site / "static" / clash).write_text("{}")
        result = _check(site)
        assert result.exit_code == 1
        assert f"static/{clash}: would overwrite the generated page {clash}" in result.output
        (site / "static" / clash).unlink()
    (site / "templates").mkdir()
    (site / "templates" / "unused.html").write_text("<p>\n{{ x.y }\n</p>\n")
    result = _check(site)
    assert result.exit_code == 1
    assert "templates/unused.html:2: template syntax: unexpected '}'" in result.output
    assert not (site / "site").exists()
    assert build_errors(site) == ["templates/unused.html:2: template syntax: unexpected '}'"]
    (site / "templates" / "unused.html").write_text("<p>{{ 1 }}</p>\n")
    assert _check(site).exit_code == 0
    build(site)


def test_a_picture_too_large_to_read_safely_says_so(site):
    """A PNG whose header claims 30000×30000 pixels: Pillow refuses to read it as a
    possible decompression bomb, which the error names as the size it is."""
    from PIL import Image

    write_site(site, {"a.md": film("A", 2001, poster="big.png")})
    (site / "static").mkdir()
    Image.new("1", (30000, 30000)).save(site / "static" / "big.png")
    result = _check(site)
    assert result.exit_code == 1
    assert "poster: static/big.png is too large to read safely; expected at most 50 " in (
        result.output
    )


def test_errors_name_the_entry_as_written_after_a_duplicate_or_a_wrong_one(site):
    write_site(site, {
        "a.md": film("A", 2001, related="[{director: D}, nope]"),
        "b.md": film("B", 2002),
    })  # fmt: skip
    (site / "content" / "collections").mkdir()
    (site / "content" / "collections" / "c.md").write_text(
        "---\ntitle: C\nfilms: [b, b, nope]\n---\n"
    )
    errors = build_errors(site)
    assert "content/collections/c.md:3:15: films[2]: no film with slug 'nope' in this " in (
        "\n".join(errors)
    )
    assert any(e.startswith("content/films/a.md:4:26: related[1]: no film with slug 'nope'")
               for e in errors)  # fmt: skip
    assert any(e.startswith("content/films/a.md:4:11: related[0].title: required") for e in errors)


def test_a_related_draft_shows_its_title_unlinked(site):
    write_site(site, {
        "a.md": film("A", 2001, related="[the-draft]"),
        "d.md": film("The Draft", 2002, slug="the-draft", draft="true"),
    })  # fmt: skip
    build(site)
    page = (site / "site" / "films" / "a" / "index.html").read_text()
    assert "The Draft" in page and "/films/the-draft/" not in page


def test_an_error_hides_no_other(site):
    """A collection or season without a title still has its films checked; a venue
    without a name still has its address and zone checked, and what names it is not an
    error; a title that is a list is one error, not two."""
    settings = "base_url: /\nvenues:\n  hall: {url: 'javascript:x', timezone: Mars/Base}\n"
    write_site(site, {"a.md": film("A", 2001), "b.md": "---\ntitle: [a, b]\nyear: 2002\n---\n"},
               settings)  # fmt: skip
    for folder, name, text in (
        ("collections", "c.md", "---\nfilms: [nope]\n---\n"),
        (
            "programme",
            "s.yaml",
            "screenings:\n  - {film: nope, start: 2027-01-01 20:00, venue: hall}\n",
        ),
        ("pages", "p.md", "---\ntitle: [x]\n---\nText.\n"),
    ):
        (site / "content" / folder).mkdir(parents=True)
        (site / "content" / folder / name).write_text(text)
    errors = build_errors(site)
    assert [e for e in errors if e.startswith("filmpage.yml")] == [
        "filmpage.yml:3:9: venues.hall.name: required field is missing",
        "filmpage.yml:3:15: venues.hall.url: expected an http or https URL, got 'javascript:x'",
        "filmpage.yml:3:41: venues.hall.timezone: "
        + next(e.split("timezone: ", 1)[1] for e in errors if "venues.hall.timezone" in e),
    ]
    assert "content/collections/c.md:2:1: title: required field is missing" in errors
    assert "content/collections/c.md:2:9: films[0]: no film with slug 'nope' in this " \
           "catalogue" in errors  # fmt: skip
    assert "content/programme/s.yaml:1:1: title: required field is missing" in errors
    assert any(e.startswith("content/programme/s.yaml:2:12: screenings[0].film: no film with")
               for e in errors)  # fmt: skip
    assert not any("no venue" in e for e in errors)
    assert [e for e in errors if e.startswith("content/films/b.md")] == [
        "content/films/b.md:2:8: title: expected text, got a list"
    ]
    assert [e for e in errors if e.startswith("content/pages/p.md")] == [
        "content/pages/p.md:2:8: title: expected text, got a list"
    ]


def test_settings_that_cannot_be_read_are_not_echoed_by_what_names_them(site):
    """filmpage.yml with a duplicate key cannot be read: its error, and none of the false
    ones the default settings would give (no venue 'hall', no language 'fr')."""
    write_site(site, {"a.md": film("A", 2001, translations="{fr: {title: B}}")},
               "title: X\ntitle: Y\nlanguages: [en, fr]\nvenues:\n  hall: {name: H}\n")  # fmt: skip
    (site / "content" / "programme").mkdir()
    (site / "content" / "programme" / "s.yaml").write_text(
        "title: S\nscreenings:\n  - {film: a, start: 2027-01-01 20:00, venue: hall}\n"
    )
    problems = build_errors(site)
    assert len(problems) == 1 and problems[0].startswith("filmpage.yml:2:1: ")


def test_a_currency_by_name_and_a_plot_written_twice(site):
    write_site(site, {
        "a.md": film("A", 2001, offers="[{type: buy, price: 8, currency: POUNDS}]"),
        "b.md": film("B", 2002, body="The plot.", plot="Another plot."),
    })  # fmt: skip
    errors = build_errors(site)
    assert errors[0].endswith("got 'POUNDS'; did you mean 'GBP'?")
    (site / "content" / "films" / "a.md").write_text(film("A", 2001))
    warnings = [str(w) for w in build(site).warnings]
    assert warnings == [
        "content/films/b.md:4:7: warning: plot: the text below the front matter is the plot; "
        "this one is not shown: keep one of the two"
    ]


def test_an_alias_id_or_translation_found_wrong_later_is_placed_on_its_own_line(site):
    write_site(site, {
        "a.md": "---\ntitle: A\nyear: 2001\naliases:\n  - old\n  - a\nids:\n"
                "  imdb: tt0113277\ntranslations:\n  de:\n    title: Y\n---\n",
        "b.md": film("B", 2002, ids="{imdb: tt0113277}"),
    })  # fmt: skip
    assert build_errors(site) == [
        "content/films/a.md:6:5: aliases: 'a' is this film's own slug; an alias is a URL it "
        "had before",
        "content/films/a.md:10:3: warning: translations.de: 'de' is not one of the site's "
        "languages (en), so no page shows this translation; add it to 'languages' in "
        "filmpage.yml",
        "content/films/b.md:4:7: ids.imdb: 'tt0113277' is also the IMDb id of "
        "content/films/a.md; two records of one film? Keep one, or correct the id",
    ]


def test_records_beside_the_settings_rather_than_in_content_films_are_pointed_at(site):
    site.mkdir()
    (site / "filmpage.yml").write_text("base_url: https://example.org/\n")
    (site / "heat.md").write_text(film("Heat", 1995))
    assert [str(w) for w in build(site).warnings] == [
        "content/films: warning: no such folder, so the site has no films; each film's record "
        "goes in it, as content/films/<slug>.md: move heat.md there?"
    ]

"""Catalogue rules: slugs and their collisions, related titles, indexes and scores."""

from __future__ import annotations

import pytest

from filmpage.catalogue import build_catalogue, name_slug
from filmpage.errors import Problems
from filmpage.load import parse_record
from filmpage.model import Film, outline, tomatometer
from filmpage.record import film_from_record
from filmpage.slugs import is_slug, slugify

from .conftest import build_errors, film, write_site


def films_from(records: dict[str, str]) -> tuple[list[Film], Problems]:
    problems = Problems()
    out = []
    for name, text in records.items():
        record = parse_record(text.encode(), f"content/films/{name}", problems)
        out.append(film_from_record(record, problems))
    return out, problems


def catalogue_of(records: dict[str, str], static=frozenset(), drafts=False):
    films, problems = films_from(records)
    return build_catalogue([outline(f) for f in films], problems, static, drafts), problems


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Last Train Home", "last-train-home"),
        ("归途列车", "gui-tu-lie-che"),
        ("Amélie", "amelie"),
        ("Schindler's List", "schindlers-list"),
        ("Москва слезам не верит", "moskva-slezam-ne-verit"),
        ("WALL·E", "wall-e"),
        ("  Spaces -- and -- dashes ", "spaces-and-dashes"),
        ("!!!", ""),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug
    assert slug == "" or is_slug(slug)


def test_derived_slug_collision_appends_the_year_to_both_and_warns_that_urls_moved():
    cat, problems = catalogue_of({"a.md": film("Heat", 1986), "b.md": film("Heat", 1995)})
    assert sorted(cat.by_slug) == ["heat-1986", "heat-1995"]
    assert problems.errors == []
    assert [str(p) for p in problems.warnings] == [
        "content/films/a.md:2:1: warning: title: makes the same slug as content/films/b.md, "
        "so its URL is /films/heat-1986/, and it moves whenever a film of that title comes "
        "or goes; pin it with 'slug: heat-1986' (and 'aliases: [heat]' if /films/heat/ was "
        "its address)",
        "content/films/b.md:2:1: warning: title: makes the same slug as content/films/a.md, "
        "so its URL is /films/heat-1995/, and it moves whenever a film of that title comes "
        "or goes; pin it with 'slug: heat-1995' (and 'aliases: [heat]' if /films/heat/ was "
        "its address)",
    ]


def test_pinned_slugs_make_no_collision_warning():
    _, problems = catalogue_of(
        {"a.md": film("Heat", 1986, slug="heat-1986"), "b.md": film("Heat", 1995, slug="heat")}
    )
    assert problems.items == []


def test_collision_that_remains_is_an_error_naming_both_files():
    _, problems = catalogue_of({"a.md": film("Heat", 1995), "b.md": film("HEAT", 1995)})
    assert [str(p) for p in problems.errors] == [
        "content/films/b.md:2:1: slug: slug 'heat-1995' is already used by content/films/a.md; "
        "set a different 'slug' in one of them"
    ]


def test_collision_with_an_explicit_slug_is_an_error():
    _, problems = catalogue_of(
        {"a.md": film("Heat", 1995), "b.md": film("Other", 2000, slug="heat")}
    )
    assert [str(p) for p in problems.errors] == [
        "content/films/b.md:4:1: slug: slug 'heat' is already used by content/films/a.md; "
        "set a different 'slug' in one of them"
    ]


def test_derived_slug_with_year_colliding_with_explicit_slug_is_an_error():
    _, problems = catalogue_of(
        {
            "a.md": film("Heat", 1995),
            "b.md": film("Heat", 1986),
            "c.md": film("X", 2000, slug="heat-1995"),
        }
    )
    assert len(problems.errors) == 1
    assert "slug 'heat-1995' is already used by content/films/a.md" in str(problems.errors[0])


def test_title_without_letters_needs_a_slug():
    _, problems = catalogue_of({"a.md": film("???", 2000)})
    assert [str(p) for p in problems.errors] == [
        "content/films/a.md:2:1: title: cannot make a URL slug from '???'; add a 'slug' field"
    ]


def test_drafts_keep_their_slugs_stable():
    cat, _ = catalogue_of({"a.md": film("Heat", 1995), "b.md": film("Heat", 1986, draft="true")})
    assert list(cat.by_slug) == ["heat-1995"]


def test_related_by_slug_takes_the_target_title_director_and_year():
    cat, problems = catalogue_of(
        {
            "a.md": film("Alpha", related="[beta]"),
            "b.md": film("Beta", 1999, credits="{directors: [Dee, Eve]}"),
        }
    )
    assert problems.items == []
    (rel,) = cat.by_slug["alpha"].related
    assert (rel.slug, rel.title, rel.director, rel.year) == ("beta", "Beta", "Dee, Eve", 1999)


def test_external_related_title_links_to_the_one_matching_film():
    cat, _ = catalogue_of(
        {
            "a.md": film(
                "Alpha",
                related="[{title: beta, director: Dee}, {title: Beta, "
                "director: Someone Else}, {title: Gamma}, {title: Beta, url: 'https://x.y/'}]",
            ),
            "b.md": film("Beta", 1999, credits="{directors: [Dee]}"),
        }
    )
    slugs = [r.slug for r in cat.by_slug["alpha"].related]
    assert slugs == ["beta", None, None, None]


def test_ambiguous_external_title_stays_external():
    cat, _ = catalogue_of(
        {
            "a.md": film("Alpha", related="[{title: Heat}]"),
            "b.md": film("Heat", 1986),
            "c.md": film("Heat", 1995),
        }
    )
    assert cat.by_slug["alpha"].related[0].slug is None


def test_related_to_a_draft_is_shown_unlinked_when_drafts_are_left_out():
    records = {"a.md": film("Alpha", related="[beta]"), "b.md": film("Beta", draft="yes")}
    cat, problems = catalogue_of(records)
    assert problems.items == [] and cat.by_slug["alpha"].related[0].slug is None
    cat, _ = catalogue_of(records, drafts=True)
    assert cat.by_slug["alpha"].related[0].slug == "beta"


def test_indexes_of_genres_people_and_years():
    cat, _ = catalogue_of(
        {
            "a.md": film(
                "Alpha",
                2001,
                genres="[Drama, Sci-Fi]",
                credits="{directors: [Ann], cast: [{name: Bob, character: X}, Ann]}",
            ),
            "b.md": film("Beta", 1999, genres="[drama]", credits="{writers: [Ann]}"),
        }
    )
    assert [(g.slug, g.name, [f.slug for f in g.films]) for g in cat.genres] == [
        ("drama", "Drama", ["alpha", "beta"]),
        ("sci-fi", "Sci-Fi", ["alpha"]),
    ]
    ann = next(p for p in cat.people if p.slug == "ann")
    assert [(r.label, [f.slug for f in r.films]) for r in ann.roles] == [
        ("Director", ["alpha"]),
        ("Writer", ["beta"]),
        ("Cast", ["alpha"]),
    ]
    assert ann.film_count == 2
    assert [(y.name, len(y.films)) for y in cat.years] == [("1999", 1), ("2001", 1)]


def test_name_slug_of_a_name_without_letters_is_stable():
    assert name_slug("???") == name_slug("???") != name_slug("!!!")
    assert is_slug(name_slug("???"))


@pytest.mark.parametrize(
    ("fresh", "counted", "score"),
    [
        (51, 51, 100),
        (0, 10, 0),
        (1, 8, 13),
        (1, 200, 1),
        (1, 201, 0),
        (3, 8, 38),
        (5, 8, 63),
        (2, 3, 67),
        (1, 3, 33),
    ],
)
def test_tomatometer_rounds_halves_up(fresh, counted, score):
    assert tomatometer(fresh, counted) == score


def test_fresh_and_rotten_states_at_the_threshold():
    films, _ = films_from(
        {"a.md": film(critics="{tomatometer: 60}"), "b.md": film("B", critics="{tomatometer: 59}")}
    )
    assert [f.critics.state for f in films] == ["fresh", "rotten"]


def test_customer_rating_average_and_count():
    (f,), _ = films_from(
        {
            "a.md": film(
                customer_reviews="[{body: a, rating: 5}, "
                "{body: b, rating: 4}, {body: c, rating: 4}, {body: d}]"
            )
        }
    )
    assert f.customer_rating == pytest.approx(13 / 3)
    assert f.customer_rating_count == 3


def test_unknown_related_slug_fails_the_build(site):
    write_site(site, {"a.md": film(related="[ghost]")})
    assert build_errors(site) == [
        "content/films/a.md:4:11: related[0]: no film with slug 'ghost' in this catalogue; "
        "expected the slug of a film here, or an external title {title, director, year, url}"
    ]


def test_more_like_this_keeps_a_person_and_a_genre_of_the_same_name_apart():
    # a person called "Drama" and the genre Drama, each on more films than the nearest
    # few that are compared: each list is ordered by its own years
    records = {"a.md": film("Alone", 2000, credits="{cast: [Drama]}", genres="[Drama]")}
    for i in range(30):
        records[f"p{i:02}.md"] = film(f"Person {i:02}", 1960 + i, credits="{cast: [Drama]}")
    for i in range(26):
        records[f"g{i:02}.md"] = film(f"Genre {i:02}", 2001 + i, genres="[Drama]")
    cat, problems = catalogue_of(records)
    assert not problems.items
    picked = [s.slug for s in cat.suggestions["alone"]]
    # sharing the person scores 2, the genre 1: the six people's films nearest 2000
    assert picked == [f"person-{i:02}" for i in range(29, 23, -1)]


def test_films_listed_are_the_cards_of_list_pages_and_none_of_film_pages():
    from filmpage.pages import films_listed, plan_pages
    from filmpage.settings import Settings
    from filmpage.stats import catalogue_stats

    catalogue, _ = catalogue_of(
        {
            "a.md": film("Alpha", 2001, genres="[Drama]", credits="{directors: [Ann Dir]}"),
            "b.md": film("Beta", 2002, genres="[Drama, Comedy]"),
        }
    )
    stats = catalogue_stats(catalogue)
    pages = {p.path: p for p in plan_pages(catalogue, Settings(), stats)}
    slugs = {path: list(films_listed(page)) for path, page in pages.items()}
    assert slugs["index.html"] == ["alpha", "beta"]
    assert slugs["genres/comedy/index.html"] == ["beta"]
    assert slugs["people/ann-dir/index.html"] == ["alpha"]  # by role, on a person's page
    assert slugs["films/alpha/index.html"] == [] and slugs["genres/index.html"] == []

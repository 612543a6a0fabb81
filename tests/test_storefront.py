"""Issue 6 on built sites: structured data, facets and pagination, statistics, posters,
share cards, the search index and "More like this"."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from filmpage.commands.build import build
from filmpage.searchindex import shard_file, shard_key
from filmpage.structured import plain_text

from .browser import provision
from .conftest import build_errors, film, json_ld, links_of, read, section, text_of, write_site

FULL = film(
    "Night Train",
    2012,
    "A *night* on a train. <b>Bold</b>",
    original_title="夜行列车",
    release_date="2012-03-04",
    runtime="95",
    genres="[Drama, Mystery]",
    countries="[France, China]",
    languages="[French, Mandarin]",
    content_rating="PG-13",
    studio="Rail Films",
    trailer="https://example.org/trailer",
    credits="{directors: [Ann Dir], producers: [Pat Prod], cast: [{name: Cas One, character: "
    "Guard}, Cas Two], music: [Mo Music], writers: [Wri Ter]}",
    critics="{reviews_counted: 10, fresh: 9, rotten: 1, average_rating: 8.1}",
    customer_reviews="[{title: Great, body: '**Loved** it', rating: 5, author: Kim, "
    "date: 2013-01-02}, {body: 'Fine', rating: 2}, {body: 'No stars here'}]",
    offers="[{type: buy, price: 9.99, currency: usd, quality: HD, url: 'https://shop.example/b'},"
    " {type: rent, price: 3, currency: EUR}]",
)
SETTINGS = "title: Club\nbase_url: https://films.example.org/club/\n"


def movie_of(site: Path, slug: str) -> dict:
    [data] = json_ld(read(site, f"films/{slug}/index.html"))
    return data


def test_movie_json_ld_carries_every_property_of_the_record(site):
    write_site(site, {"n.md": FULL}, SETTINGS)
    build(site)
    data = movie_of(site, "night-train")
    base = "https://films.example.org/club/"
    assert data["@context"] == "https://schema.org" and data["@type"] == "Movie"
    assert data["name"] == "Night Train" and data["alternateName"] == "夜行列车"
    assert data["url"] == base + "films/night-train/"
    assert re.fullmatch(re.escape(base) + r"share/[0-9a-f]{16}\.png", data["image"])
    assert data["datePublished"] == "2012-03-04" and data["dateCreated"] == "2012"
    assert data["description"] == "A night on a train. Bold"
    people = lambda key: [p["name"] for p in data[key]]  # noqa: E731
    assert people("director") == ["Ann Dir"] and people("producer") == ["Pat Prod"]
    assert people("actor") == ["Cas One", "Cas Two"] and people("musicBy") == ["Mo Music"]
    assert all(p["@type"] == "Person" for p in data["actor"])
    assert data["genre"] == ["Drama", "Mystery"]
    assert data["duration"] == "PT1H35M"
    assert data["contentRating"] == "PG-13"
    assert [c["name"] for c in data["countryOfOrigin"]] == ["France", "China"]
    assert data["inLanguage"] == ["French", "Mandarin"]
    assert data["productionCompany"] == {"@type": "Organization", "name": "Rail Films"}
    assert data["trailer"]["url"] == "https://example.org/trailer"
    assert data["offers"] == [
        {"@type": "Offer", "category": "buy", "price": "9.99", "priceCurrency": "USD",
         "url": "https://shop.example/b", "name": "Buy HD"},
        {"@type": "Offer", "category": "rent", "price": "3", "priceCurrency": "EUR"},
    ]  # fmt: skip
    # only the reviews with a rating, and the aggregate from the site's own customers
    assert [r["reviewBody"] for r in data["review"]] == ["Loved it", "Fine"]
    first = data["review"][0]
    assert first["author"] == {"@type": "Person", "name": "Kim"}
    assert first["reviewRating"]["ratingValue"] == 5 and first["datePublished"] == "2013-01-02"
    assert "author" not in data["review"][1]
    assert data["aggregateRating"] == {
        "@type": "AggregateRating", "ratingValue": 3.5, "ratingCount": 2,
        "bestRating": 5, "worstRating": 1,
    }  # fmt: skip
    # the Tomatometer (a third party's score) is shown, never marked up as our rating
    assert "90" not in json.dumps(data) and "8.1" not in json.dumps(data)
    assert "90%" in text_of(section(read(site, "films/night-train/index.html"), "critics"))


def test_no_aggregate_rating_without_customer_ratings(site):
    write_site(site, {"a.md": film(critics="{tomatometer: 80}", customer_reviews="[{body: Hi}]")})
    build(site)
    data = movie_of(site, "a-film")
    assert "aggregateRating" not in data and "review" not in data
    assert set(data) == {"@context", "@type", "name", "url", "image", "dateCreated", "description",
                         "mainEntityOfPage"}  # fmt: skip


def test_a_site_without_a_host_names_no_canonical_url_nor_a_relative_sitemap(site):
    """Both must be absolute URLs (search engines, and Lighthouse, refuse relative ones):
    with the default base_url, "/", the pages and robots.txt leave them out."""
    write_site(site, {"a.md": film()}, settings="title: Club\n")
    build(site)
    assert "canonical" not in read(site, "films/a-film/index.html")
    assert read(site, "robots.txt") == "User-agent: *\nAllow: /\n"


def test_every_page_has_canonical_open_graph_and_twitter_tags(site):
    write_site(site, {"n.md": FULL, "b.md": film("Other")}, SETTINGS)
    build(site)
    pages = sorted((site / "site").rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        html = path.read_text(encoding="utf-8")
        rel = path.relative_to(site / "site").as_posix()
        for tag in ("og:type", "og:title", "og:site_name", "twitter:card", "twitter:title"):
            assert f'"{tag}" content="' in html, (rel, tag)
        if rel != "404.html":
            url = "https://films.example.org/club/" + rel.removesuffix("index.html")
            assert f'<link rel="canonical" href="{url}">' in html, rel
            assert f'<meta property="og:url" content="{url}">' in html, rel
    page = read(site, "films/night-train/index.html")
    assert '<meta property="og:type" content="video.movie">' in page
    image = re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)
    assert image == movie_of(site, "night-train")["image"]


def test_home_page_item_list_numbers_films_across_pages(site):
    films = {f"{c}.md": film(f"{c.upper()} film", 2000) for c in "abcde"}
    write_site(site, films, "page_size: 2\nbase_url: https://example.org/club/\n")
    build(site)
    [first] = json_ld(read(site, "index.html"))
    [third] = json_ld(read(site, "page/3/index.html"))
    assert first["@type"] == "ItemList"
    assert [(i["position"], i["url"]) for i in first["itemListElement"]] == [
        (1, "https://example.org/club/films/a-film/"),
        (2, "https://example.org/club/films/b-film/"),
    ]
    assert [(i["position"], i["url"]) for i in third["itemListElement"]] == [
        (5, "https://example.org/club/films/e-film/")
    ]


def _pager_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    return [url for _, _, url in links_of(nav.group(0))] if nav else []


def test_lists_are_paginated_with_numbered_links_that_reach_every_page(site):
    films = {
        f"f{i:02}.md": film(f"Film {i:02}", 1990 + i % 20, genres="[Drama]",
                            credits="{directors: [Ann Dir]}")
        for i in range(23)
    }  # fmt: skip
    write_site(site, films, "page_size: 3\n")
    build(site)
    for base, title_count in (("", 23), ("genres/drama/", 23), ("people/ann-dir/", 23),
                              ("decades/2000s/", 10)):  # fmt: skip
        pages = -(-title_count // 3)
        seen_titles, reached, todo = [], set(), [f"/{base}"]
        while todo:
            url = todo.pop()
            if url in reached:
                continue
            reached.add(url)
            html = read(site, url.lstrip("/") + "index.html")
            grid = re.findall(r'<h3 class="card-title">([^<]+)</h3>', html)
            assert 1 <= len(grid) <= 3
            seen_titles += grid
            links = _pager_links(html)
            for link in links:
                assert (site / "site" / link.lstrip("/") / "index.html").is_file(), link
            todo += links
        expected = {f"/{base}"} | {f"/{base}page/{n}/" for n in range(2, pages + 1)}
        assert reached == expected, base
        assert len(seen_titles) == title_count and len(set(seen_titles)) == title_count
    page5 = read(site, "page/5/index.html")
    assert '<a aria-current="page" href="/page/5/">' in page5
    assert 'rel="prev" href="/page/4/"' in page5 and 'rel="next" href="/page/6/"' in page5
    assert "Page 5" in re.search(r"<title>(.*?)</title>", page5).group(1)
    assert not (site / "site/page/9").exists()
    # without JavaScript the first page is sorted by title, like the facet index
    assert re.findall(r'card-title">([^<]+)<', read(site, "index.html")) == [
        "Film 00", "Film 01", "Film 02"
    ]  # fmt: skip


def test_page_size_setting_is_checked(site):
    write_site(site, {"a.md": film()}, "page_size: 0\nbase_url: https://example.org/\n")
    assert build_errors(site) == [
        "filmpage.yml:1:12: page_size: expected a whole number from 1 to 1000, got 0"
    ]
    (site / "filmpage.yml").write_text("feed_size: -1\nbase_url: https://example.org/\n")
    assert build_errors(site) == [
        "filmpage.yml:1:12: feed_size: expected a whole number from 0 to 100000, got -1"
    ]


def test_facet_index_matches_the_catalogue(site):
    write_site(
        site,
        {"n.md": FULL, "b.md": film("Beta", 1977, genres="[Comedy]", runtime="80"),
         "c.md": film("Gamma", 1977, critics="{tomatometer: 40}", content_rating="R")},
    )  # fmt: skip
    build(site)
    index = json.loads(read(site, "films.json"))
    fields = index["fields"]
    rows = [dict(zip(fields, row, strict=True)) for row in index["films"]]
    assert [r["slug"] for r in rows] == ["beta", "gamma", "night-train"]
    assert index["genres"] == [["comedy", "Comedy"], ["drama", "Drama"], ["mystery", "Mystery"]]
    assert index["ratings"] == ["PG-13", "R"]
    night = rows[2]
    assert [index["genres"][g][1] for g in night["genres"]] == ["Drama", "Mystery"]
    assert (night["tomatometer"], night["customer_rating"], night["runtime"]) == (90, 3.5, 95)
    assert index["ratings"][night["content_rating"]] == "PG-13"
    assert night["original_title"] == "夜行列车" and night["directors"] == ["Ann Dir"]
    assert (rows[0]["tomatometer"], rows[0]["runtime"], rows[0]["content_rating"]) == (
        None,
        80,
        None,
    )
    assert rows[1]["tomatometer"] == 40
    # the home page offers exactly the catalogue's genres, decades and ratings
    home = read(site, "index.html")
    form = re.search(r'<form class="facets".*?</form>', home, re.S).group(0)
    # shown only where the script runs, by a class the page's head sets before the first
    # paint (the browser tests check both ways); never revealed later, moving the films
    assert "hidden" not in form.split(">")[0]
    options = lambda name: re.findall(  # noqa: E731
        r'<option value="([^"]+)">',
        re.search(rf'name="{name}">(.*?)</select>', form, re.S).group(1),
    )
    assert options("genre") == ["comedy", "drama", "mystery"]
    assert options("decade") == ["2010s", "1970s"]
    assert options("rated") == ["PG-13", "R"]
    assert options("sort") == ["title", "year-desc", "year", "tomatometer", "customer", "runtime",
                               "runtime-desc"]  # fmt: skip


def test_statistics_page_summarises_the_catalogue(site):
    write_site(
        site,
        {
            "a.md": film("A", 1994, genres="[Drama]", runtime="100", critics="{tomatometer: 80}",
                         credits="{directors: [Ann], cast: [Bo]}",
                         customer_reviews="[{body: x, rating: 4}, {body: y, rating: 5}]"),
            "b.md": film("B", 1998, genres="[Drama, War]", runtime="120",
                         critics="{tomatometer: 60, average_rating: 7}", credits="{cast: [Bo]}"),
            "c.md": film("C", 2003, genres="[War]", credits="{directors: [Ann], cast: [Cy]}"),
        },
    )  # fmt: skip
    build(site)
    text = text_of(read(site, "stats/index.html"))
    assert "Films 3" in text
    assert "Average Tomatometer 70% over 2 films" in text
    assert "Average critics' rating 7/10 over 1 film" in text
    assert "Average customer rating 4.5/5 from 2 ratings" in text
    assert "Average runtime 1 hr 50 min 3 hr 40 min in all" in text
    assert "Films by genre Drama 2 War 2" in text
    assert "Films by decade 1990s 2 2000s 1" in text
    assert "Most credited people Ann 2 films · Director Bo 2 films · Cast Cy 1 film · Cast" in text


def poster_site(site: Path, size=(900, 1350), mode="RGB", name="p.jpg") -> Path:
    (site / "static/posters").mkdir(parents=True, exist_ok=True)
    path = site / "static/posters" / name
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else (10, 120, 200, 128)).save(path)
    write_site(site, {"a.md": film(poster=f"posters/{name}"), "b.md": film("Bare")})
    return path


def test_poster_variants_exist_with_the_sizes_declared(site):
    poster_site(site)
    build(site)
    page = read(site, "films/a-film/index.html")
    picture = re.search(r"<picture>.*?</picture>", page, re.S).group(0)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture).group(1)
    fallback = re.search(r'<img [^>]*srcset="([^"]+)"', picture).group(1)
    assert 'width="600" height="900"' in picture and 'loading="eager"' in picture
    for srcset, kind in ((webp, "WEBP"), (fallback, "JPEG")):
        entries = [e.split() for e in srcset.split(", ")]
        assert [w for _, w in entries] == ["200w", "400w", "600w"]
        for url, w in entries:
            with Image.open(site / "site" / url.lstrip("/")) as image:
                assert image.format == kind
                assert image.size == (int(w[:-1]), int(w[:-1]) * 3 // 2)
    src = re.search(r'<img [^>]*\bsrc="([^"]+)"', picture).group(1)
    assert src.endswith("-400.jpg")
    card = re.search(r'<li class="card">.*?</li>', read(site, "index.html"), re.S).group(0)
    assert 'loading="lazy"' in card and "sizes=" in card


def test_small_and_transparent_posters_are_never_upscaled_and_keep_alpha(site):
    poster_site(site, size=(300, 450), mode="RGBA", name="p.png")
    build(site)
    page = read(site, "films/a-film/index.html")
    fallback = re.search(r'<img [^>]*srcset="([^"]+)"', page).group(1)
    assert [e.split()[1] for e in fallback.split(", ")] == ["200w", "300w"]
    assert all(e.split()[0].endswith(".png") for e in fallback.split(", "))
    with Image.open(site / "site" / fallback.split(", ")[-1].split()[0].lstrip("/")) as image:
        assert image.mode == "RGBA"


def test_posters_are_made_only_when_their_source_changes(site, monkeypatch):
    from filmpage.images import poster_variants

    made_from = []
    monkeypatch.setattr(
        "filmpage.commands.media.poster_variants",
        lambda data: made_from.append(len(data)) or poster_variants(data),
    )
    source = poster_site(site)
    build(site)
    made = sorted((site / "site/posters").glob("a-film-*"))
    stamps = [p.stat().st_mtime_ns for p in made]
    (site / "content/films/b.md").write_text(film("Bare", body="Another plot."))
    build(site)
    assert sorted((site / "site/posters").glob("a-film-*")) == made
    assert [p.stat().st_mtime_ns for p in made] == stamps and len(made_from) == 1
    shutil.rmtree(site / "site/posters")
    build(site)  # put back from the store, not made again
    assert sorted((site / "site/posters").glob("a-film-*")) == made and len(made_from) == 1
    Image.new("RGB", (900, 1350), (250, 0, 0)).save(source)
    build(site)
    remade = sorted((site / "site/posters").glob("a-film-*"))
    assert len(remade) == len(made) and not set(remade) & set(made)  # new hash, new URLs
    assert digest_names(remade) != digest_names(made) and len(made_from) == 2


def digest_names(paths):
    return {p.name.split("-")[-2] for p in paths}


def test_an_unreadable_poster_is_an_error_on_the_film(site):
    (site / "static").mkdir(parents=True)
    (site / "static/bad.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    write_site(site, {"a.md": film(poster="bad.jpg")})
    assert build_errors(site) == [
        "content/films/a.md:4:1: poster: static/bad.jpg is not an image Pillow can read "
        "(UnidentifiedImageError)"
    ]
    assert not (site / "site").exists()


def test_a_film_without_poster_gets_a_placeholder_and_a_share_card(site):
    poster_site(site)
    build(site)
    card = re.findall(r'<li class="card">.*?</li>', read(site, "index.html"), re.S)
    bare = next(c for c in card if "Bare" in c)
    assert "poster-placeholder" in bare and "<img" not in bare and "--hue:" in bare
    page = read(site, "films/bare/index.html")
    image = re.search(
        r'<meta property="og:image" content="https://example.org/(share/[0-9a-f]{16}\.png)">',
        page,
    )
    with Image.open(site / "site" / image.group(1)) as share:
        assert share.size == (600, 315) and share.format == "PNG"
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    poster = read(site, "films/a-film/index.html")
    og = re.search(r'<meta property="og:image" content="https://example.org/([^"]+)">', poster)[1]
    assert og.startswith("posters/a-film-") and og.endswith("-600.jpg")


def _lit_columns(card: Image.Image, top: int, bottom: int) -> set[int]:
    """The columns of a band of a share card where anything lighter than its colour is."""
    grey = card.convert("L")
    ground = grey.getpixel((0, 0))
    return {
        x
        for x in range(card.width)
        for y in range(top, bottom)
        if grey.getpixel((x, y)) > ground + 40
    }


def test_text_from_markdown_has_no_space_before_punctuation():
    """An emphasis or a link sits inside the text: "the *catadores*, the pickers" reads
    "the catadores, the pickers" in descriptions, JSON-LD and the search index."""
    assert plain_text("<p>the <em>catadores</em>, the pickers</p>") == "the catadores, the pickers"
    assert plain_text('<p>see <a href="https://x.example">this</a>.</p>') == "see this."
    assert plain_text("<ul><li>one</li><li>two</li></ul><p>three</p>") == "one two three"


def test_a_films_description_is_its_plot_cut_at_a_word(site):
    plot = "A *long* night, on a train. " * 12
    write_site(site, {"a.md": film(body=plot), "b.md": film("Bare", body="", tagline="Going home"),
                      "c.md": film("Empty", body="", credits="{directors: [Ann]}")})  # fmt: skip
    build(site)
    described = re.search(r'<meta name="description" content="([^"]+)">',
                          read(site, "films/a-film/index.html")).group(1)  # fmt: skip
    assert described.startswith("A long night, on a train. A long night")
    assert described.endswith("…") and len(described) <= 155 and " …" not in described
    assert '<meta name="description" content="Going home">' in read(site, "films/bare/index.html")
    assert '<meta name="description" content="Empty (2001), directed by Ann.">' in read(
        site, "films/empty/index.html"
    )


def test_list_pages_share_an_image_described_for_every_card_and_list_entries_are_named(site):
    write_site(site, {"n.md": FULL, "b.md": film("Other", genres="[Drama]")}, SETTINGS)
    build(site)
    for path in ("index.html", "genres/drama/index.html", "people/ann-dir/index.html"):
        html = read(site, path)
        assert '<meta property="og:image" content="https://films.example.org/club/share/' in html
        assert '<meta name="twitter:image:alt" content="' in html, path
        [listed] = json_ld(html)
        assert all(item["name"] for item in listed["itemListElement"]), path
    assert [i["name"] for i in json_ld(read(site, "index.html"))[0]["itemListElement"]] == [
        "Night Train", "Other"
    ]  # fmt: skip
    film_page = read(site, "films/night-train/index.html")
    assert '<meta name="twitter:image:alt" content="Night Train (2012)">' in film_page


def test_a_person_page_shows_each_film_once_with_every_role(site):
    roles = "{directors: [Lix], cinematography: [Lix], editors: [Mary, Lix], cast: [{name: Lix, "
    write_site(site, {"a.md": film("Alpha", 2009, credits=roles + "character: Self}]}"),
                      "b.md": film("Beta", 2012, credits="{producers: [Lix]}")})  # fmt: skip
    build(site)
    html = read(site, "people/lix/index.html")
    assert re.findall(r'card-title">([^<]+)<', html) == ["Beta", "Alpha"]  # newest first
    assert re.findall(r'card-note">([^<]+)<', html) == [
        "Producer", "Director, Cast (Self), Cinematography, Editor"
    ]  # fmt: skip


def test_plain_text_drops_tags_reads_entities_and_puts_the_text_on_one_line():
    fragment = "<p>Tom &amp; <em>Jerry</em></p>\n<p>  a&nbsp;&nbsp;b\t&lt;i&gt;</p>\n"
    assert plain_text(fragment) == "Tom & Jerry a b <i>"
    assert plain_text("<p>one<br>two</p>") == "one two"  # a tag between words parts them
    assert plain_text("<p> </p>") == ""


def test_a_share_card_shows_the_title_and_year_in_the_films_colour(tmp_path):
    from filmpage.images import share_card_png

    (tmp_path / "heat.png").write_bytes(share_card_png("Heat", 1995, 120))
    (tmp_path / "wave.png").write_bytes(share_card_png("Heat Wave", 1995, 120))
    with Image.open(tmp_path / "heat.png") as heat, Image.open(tmp_path / "wave.png") as wave:
        assert heat.size == (600, 315) and heat.format == "PNG"
        red, green, blue = heat.convert("RGB").getpixel((0, 0))
        assert green > red and green > blue  # hue 120 is green
        title, longer = _lit_columns(heat, 60, 110), _lit_columns(wave, 60, 110)
        assert title and min(title) >= 40 and longer > title  # "Heat", then " Wave" after it
        assert _lit_columns(heat, 245, 285)  # the year


def _title_band(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as card:
        return card.convert("L").crop((0, 50, 600, 240))


@pytest.mark.parametrize(
    "title", ["Amélie", "Ænima Ørsted Łódź", "Лавина", "Ζορμπάς", "归途列车", "千と千尋の神隠し",
              "기생충", "عن الآباء والأبناء", "पाथेर पांचाली"],
)  # fmt: skip
def test_share_cards_draw_every_script_of_a_title(title):
    """No letter is left out or drawn as the box of a missing glyph: the bundled font
    has Latin, Greek and Cyrillic, the system's fonts the rest (tests/provision.sh installs
    Noto and WenQuanYi), and each glyph drawn differs from the font's box."""
    from filmpage.images import card_digest, share_card_png

    provision()
    drawn = _title_band(share_card_png(title, 2001, 30))
    assert drawn.getbbox() is not None
    # every letter counts: one letter fewer is another picture
    assert drawn.tobytes() != _title_band(share_card_png(title[:-1], 2001, 30)).tobytes()
    # the same film, the same bytes and name
    assert share_card_png(title, 2001, 30) == share_card_png(title, 2001, 30)
    assert card_digest(title, 2001, 30) == card_digest(title, 2001, 30)


def test_a_title_no_font_here_can_draw_is_written_in_latin_letters(tmp_path):
    """Without the system's fonts (here: none are looked for), a Chinese title is drawn
    as its transliteration, never as boxes; its card has another name than the card drawn
    with the font, so a font installed later gives a new card."""
    script = """
import sys
import filmpage.cardtext as text
from filmpage.images import card_digest, share_card_png
if sys.argv[1] == "none":
    text.FONT_DIRS = ()
out = sys.stdout.buffer
out.write(card_digest("归途列车", 2009, 10).encode() + b"\\n")
out.write(share_card_png("归途列车", 2009, 10) == share_card_png("Gui Tu Lie Che", 2009, 10)
          and b"transliterated" or b"drawn")
"""
    runs = {
        which: subprocess.run([sys.executable, "-c", script, which], capture_output=True,
                              check=True).stdout.split()
        for which in ("none", "system")
    }  # fmt: skip
    assert runs["none"][1] == b"transliterated" and runs["system"][1] == b"drawn"
    assert runs["none"][0] != runs["system"][0]


def test_share_cards_are_drawn_only_when_the_output_lacks_them(site, monkeypatch):
    from filmpage.images import share_card_png

    write_site(site, {f"{n}.md": film(f"Card {n}") for n in range(3)})
    build(site)
    shared = sorted((site / "site/share").glob("*.png"))
    before = {p: p.read_bytes() for p in shared}
    drawn = []
    monkeypatch.setattr(
        "filmpage.commands.media.share_card_png",
        lambda *card: drawn.append(card[0]) or share_card_png(*card),
    )
    build(site, clean=True)  # every page again; the cards, named by what they show, kept
    assert drawn == [] and {p: p.read_bytes() for p in shared} == before
    shared[0].unlink()  # a card gone from the output is drawn again, and only that one
    build(site, clean=True)
    assert len(drawn) == 1 and shared[0].read_bytes() == before[shared[0]]


def test_png_4bit_writes_a_palette_png_that_decodes_to_its_pixels(tmp_path):
    from filmpage.images import png_4bit

    palette = [value for k in range(16) for value in (k * 16, 255 - k * 16, 7)]
    pixels = [[0, 1, 2, 15, 9], [15, 14, 0, 3, 8], [4, 4, 4, 4, 4]]  # 5 wide: odd
    rows = b"".join(
        b"\0" + bytes(row[i] << 4 | (row[i + 1] if i + 1 < 5 else 0) for i in range(0, 5, 2))
        for row in pixels
    )
    (tmp_path / "small.png").write_bytes(png_4bit((5, 3), palette, rows))
    with Image.open(tmp_path / "small.png") as image:
        assert image.format == "PNG" and image.mode == "P" and image.size == (5, 3)
        assert [[image.getpixel((x, y)) for x in range(5)] for y in range(3)] == pixels
        rgb = image.convert("RGB")
        assert rgb.getpixel((3, 0)) == (240, 15, 7) and rgb.getpixel((1, 0)) == (16, 239, 7)


def _search(site: Path, word: str) -> list[str]:
    """The slugs of the films the index gives for a word (exactly, not by prefix)."""
    shard = site / "site" / shard_file(shard_key(word))
    slugs = [row[0] for row in json.loads(read(site, "films.json"))["films"]]
    postings = json.loads(shard.read_text(encoding="utf-8")) if shard.is_file() else {}
    return [slugs[i] for i in postings.get(word, [])]


def test_search_index_holds_titles_original_titles_people_and_plot_words(site):
    write_site(
        site,
        {"n.md": FULL, "b.md": film("Amélie Beta", credits="{cast: [Cas One]}", body="Trains.")},
    )
    build(site)
    assert _search(site, "night") == ["night-train"]  # title
    assert _search(site, "夜行") == ["night-train"] and _search(site, "列车") == ["night-train"]
    assert _search(site, "amelie") == ["amelie-beta"]  # accents folded away
    assert _search(site, "cas") == ["amelie-beta", "night-train"]  # people
    assert _search(site, "bold") == ["night-train"]  # plot words, without the markup
    assert _search(site, "trains") == ["amelie-beta"]
    assert _search(site, "loved") == []  # customer reviews are not searched
    files = sorted((site / "site/search/words").iterdir())
    assert all(f.stat().st_size < 2000 for f in files) and len(files) > 10


def test_search_index_follows_edits(site):
    write_site(site, {"a.md": film("Alpha", body="A zeppelin."), "b.md": film("Beta")})
    build(site)
    assert _search(site, "zeppelin") == ["alpha"]
    (site / "content/films/a.md").write_text(film("Alpha", body="A balloon."))
    build(site)
    assert _search(site, "zeppelin") == [] and _search(site, "balloon") == ["alpha"]


def test_more_like_this_suggests_by_director_then_cast_then_genre(site):
    write_site(
        site,
        {
            "a.md": film("Alpha", 2000, genres="[Drama]", credits="{directors: [Dee], cast: [Cy]}"),
            "b.md": film("Same Director", 1980, credits="{directors: [Dee]}"),
            "c.md": film("Same Cast", 2000, credits="{cast: [Cy]}"),
            "d.md": film("Same Genre", 2000, genres="[Drama]"),
            "e.md": film("Nothing Shared", 2000, genres="[Comedy]"),
            "f.md": film("Listed", 2000, genres="[Drama]", related="[same-genre]"),
        },
    )
    build(site)
    more = section(read(site, "films/alpha/index.html"), "related suggested")
    titles = re.findall(r'related-title">([^<]+)<', more)
    assert titles == ["Same Director", "Same Cast", "Listed", "Same Genre"]
    assert "More Like This" in more and "filmpage" not in text_of(more)  # not the tool's name
    reasons = re.findall(r'related-reason">([^<]+)<', more)
    assert reasons == ["Also directed by Dee", "Also with Cy", "Also in Drama", "Also in Drama"]
    # the record's own list always wins, under its own heading
    listed = read(site, "films/listed/index.html")
    assert "More Like This" not in listed
    own = section(listed, "related")
    assert "Viewers Also Bought" in own and re.findall(r'related-title">([^<]+)<', own) == [
        "Same Genre"
    ]
    assert "More Like This" not in read(site, "films/nothing-shared/index.html")


def test_suggestions_are_the_same_on_every_build(tmp_path):
    records = {
        f"f{i}.md": film(f"Film {i}", 1990 + i % 7, genres=f"[G{i % 3}, G{i % 5}]",
                         credits=f"{{directors: [D{i % 4}], cast: [C{i % 6}, C{i % 9}]}}")
        for i in range(40)
    }  # fmt: skip
    pages = []
    for name in ("one", "two"):
        write_site(tmp_path / name, records)
        build(tmp_path / name, jobs=1 if name == "one" else 2)
        pages.append(read(tmp_path / name, "films/film-7/index.html"))
    assert pages[0] == pages[1]
    assert len(re.findall(r'related-title">', section(pages[0], "related suggested"))) == 6


def test_an_oversized_poster_is_refused_before_it_is_decoded(site):
    (site / "static").mkdir(parents=True)
    Image.new("1", (8000, 7000)).save(site / "static/huge.png")
    write_site(site, {"a.md": film(poster="huge.png")})
    assert build_errors(site) == [
        "content/films/a.md:4:1: poster: static/huge.png is 8000×7000 pixels; "
        "expected at most 50 megapixels"
    ]


def test_an_svg_poster_is_used_as_it_is(site):
    (site / "static").mkdir(parents=True)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="3"/>'
    (site / "static/p.svg").write_text(svg)
    write_site(site, {"a.md": film(poster="p.svg")}, SETTINGS)
    build(site)
    page = read(site, "films/a-film/index.html")
    assert '<img class="poster-img" src="/club/p.svg" alt="Poster of A Film"' in page
    assert "<picture>" not in page and not (site / "site/posters").exists()
    assert movie_of(site, "a-film")["image"] == "https://films.example.org/club/p.svg"
    assert not list((site / "site").glob("share/*"))  # it has a poster: no share card

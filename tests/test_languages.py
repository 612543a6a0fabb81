"""Sites in other languages and in several: the theme's words from the catalogues, local
formats, a site's own strings, and every page again in each language, with the links
between them."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.errors import Problems
from filmpage.formats import Words
from filmpage.i18n import load_catalogue

from .conftest import build_errors, digest, read, text_of, write_site
from .test_whatson import BEFORE, example_site

LOCALES = Path(__file__).resolve().parents[1] / "src" / "filmpage" / "locales"
NNBSP, NBSP = "\u202f", "\u00a0"

FRENCH_FILM = """---
title: Le Dernier Métro
year: 1980
runtime: 131
release_date: 1980-09-17
tagline: Paris, 1942. Un théâtre, une troupe, un secret.
genres: [Drame, Romance]
countries: [France]
languages: [Français, Allemand]
content_rating: Tous publics
studio: Les Films du Carrosse
distributor: Gaumont
trailer: https://video.example.org/metro
ids: {imdb: tt0080610}
credits:
  directors: [François Truffaut]
  writers: [François Truffaut, Suzanne Schiffman]
  producers: [François Truffaut]
  cast:
    - {name: Catherine Deneuve, character: Marion Steiner}
    - {name: Gérard Depardieu, character: Bernard Granger}
  cinematography: [Néstor Almendros]
  editors: [Martine Barraqué]
  music: [Georges Delerue]
  scripte: [Christine Pellé]
critics: {reviews_counted: 1234, fresh: 1074, average_rating: 8.42}
top_critics:
  - quote: "Un chef-d'œuvre de délicatesse."
    verdict: fresh
    critic: Jeanne
    publication: Le Monde
    url: https://example.org/a
  - {quote: "Trop sage.", verdict: rotten, critic: Paul}
customer_reviews:
  - {title: Magnifique, body: "Deneuve au sommet.", rating: 5, author: Marie, date: 2020-03-01}
  - {body: "Très beau.", rating: 4}
related:
  - {title: Jules et Jim, director: François Truffaut, year: 1962}
  - l-enfant-sauvage
offers:
  - {type: buy, price: 12.99, currency: USD, quality: HD, url: https://shop.example.org/metro}
  - {type: rent, price: 8.00, currency: GBP}
---
Sous l'Occupation, Marion Steiner dirige le théâtre de son mari, caché dans la cave.
"""
OTHER_FILM = """---
title: L'Enfant sauvage
slug: l-enfant-sauvage
year: 1970
credits: {directors: [François Truffaut]}
genres: [Drame]
---
Un enfant trouvé dans les bois de l'Aveyron.
"""


def messages(language: str) -> list[tuple[str | tuple, str | tuple]]:
    from babel.messages.pofile import read_po

    with open(LOCALES / language / "LC_MESSAGES" / "filmpage.po", "rb") as handle:
        return [(m.id, m.string) for m in read_po(handle) if m.id]


def _english_phrases(message: str) -> list[str]:
    """The words of an English message a reader would see: its text between its
    placeholders and tags."""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"%\(\w+\)s|\{\w+\}", "|", message))
    return [p.strip(" .,:;()“”") for p in text.split("|") if re.search(r"[A-Za-z]{3}", p)]


def _english_left(seen: str) -> set[str]:
    """The phrases of the theme's English messages that French says otherwise found in
    ``seen``."""
    french_words = " ".join(" ".join(s) if isinstance(s, tuple) else s for _, s in messages("fr"))
    left = set()
    for english, _ in messages("fr"):
        for message in english if isinstance(english, tuple) else (english,):
            for phrase in _english_phrases(message):
                pattern = rf"(?<![\w-]){re.escape(phrase)}(?![\w-])"
                if re.search(pattern, french_words):
                    continue  # French writes it so too ("Films", "Studio")
                if re.search(pattern, seen):
                    left.add(phrase)
    return left


class _Attributes(HTMLParser):
    """The values of the attributes a reader meets: alt text, labels, placeholders,
    titles and the meta descriptions."""

    def __init__(self):
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("alt", "aria-label", "placeholder", "title", "content"):
                self.values.append(value)


def _seen(html: str) -> str:
    parser = _Attributes()
    parser.feed(html)
    return text_of(html) + " " + " ".join(parser.values)


@pytest.fixture
def french(site):
    write_site(
        site,
        {"metro.md": FRENCH_FILM, "enfant.md": OTHER_FILM},
        "title: Ciné-club\nbase_url: https://example.org/\nlanguage: fr\n",
    )
    build(site)
    return site


def test_a_french_film_page_has_no_english_label_left(french):
    """Every section of the page is there, and no phrase of any of the theme's English
    messages that French says otherwise is left on it."""
    html = read(french, "films/le-dernier-metro/index.html")
    seen = _seen(html)
    labels = (
        "Résumé", "Distribution et équipe", "Réalisation", "Scénario", "Montage",
        "Avis des spectateurs", "Critiques de référence", "Tomatomètre", "Voir la bande-annonce",
        "Acheter HD", "Louer", "Date de sortie", "Pays", "Langues", "Distributeur", "Voir aussi",
        "Note moyenne", "Scripte", "Les spectateurs ont aussi acheté", "Aller au contenu",
        "Rechercher",
    )  # fmt: skip
    for label in labels:
        assert label in seen, label
    assert _english_left(seen) == set()
    assert '<html lang="fr">' in html


def test_french_dates_prices_runtimes_and_scores(french):
    html = read(french, "films/le-dernier-metro/index.html")
    seen = text_of(html)  # its spaces folded: the page has French typography's own
    assert f"12,99{NBSP}$US" in html and f"8,00{NBSP}£GB" in html
    assert f"87{NBSP}%" in html and f"1{NNBSP}234" in html and f"2{NNBSP}h 11{NBSP}min" in html
    assert "17 septembre 1980" in seen
    assert "12,99 $US" in seen and "8,00 £GB" in seen
    assert "2 h 11 min" in seen
    assert "87 % Frais" in seen  # 1074 fresh of 1234
    assert "Critiques recensées 1 234" in seen
    assert "8,42/10" in seen and "4,5" in seen  # the critics' and the customers' averages
    assert "1 mars 2020" in seen
    assert "2 avis" in seen and "Marion Steiner" in seen
    stats = text_of(read(french, "stats/index.html"))
    assert "Durée moyenne 2 h 11 min" in stats and "Tomatomètre moyen 87 % sur 1 film" in stats
    assert "années 1980" in text_of(read(french, "years/index.html"))


def test_plurals_follow_each_languages_rules(site):
    one = "---\ntitle: A\nyear: 2001\ncustomer_reviews: [{body: Good., rating: 4}]\n---\n"
    two = "---\ntitle: B\nyear: 2002\ncustomer_reviews: [{body: Good.}, {body: Bad.}]\n---\n"
    write_site(site, {"a.md": one, "b.md": two})
    build(site)
    assert "1 review" in text_of(read(site, "films/a/index.html"))
    assert "2 reviews" in text_of(read(site, "films/b/index.html"))
    fr, ja = (Words(c, load_catalogue(c, None, Problems()).translations) for c in ("fr", "ja"))
    assert fr.ngettext("%(n)s film", "%(n)s films", 0) == "%(n)s film"  # 0 is singular
    assert fr.ngettext("%(n)s film", "%(n)s films", 2) == "%(n)s films"
    assert fr.ngettext("%(n)s film", "%(n)s films", 10**6) == "%(n)s de films"
    assert ja.ngettext("%(n)s film", "%(n)s films", 2) == "%(n)s作品"  # one form
    assert set(fr.plural_samples()) == {"one", "many", "other"}
    assert set(ja.plural_samples()) == {"other"}


def test_every_shipped_language_builds_its_own_labels_and_formats(site):
    write_site(site, {"metro.md": FRENCH_FILM, "enfant.md": OTHER_FILM})
    expected = {
        "en": ("Plot Summary", "September 17, 1980", "$12.99", "2 hr 11 min"),
        "en-GB": ("Plot Summary", "17 September 1980", "US$12.99", "2 hrs 11 mins"),
        "de": ("Handlung", "17. September 1980", "12,99", "Regie"),
        "es": ("Sinopsis", "17 de septiembre de 1980", "12,99", "Dirección"),
        "it": ("Trama", "17 settembre 1980", "12,99", "Regia"),
        "pt": ("Sinopse", "17 de setembro de 1980", "US$", "Direção"),
        "pt-BR": ("Sinopse", "17 de setembro de 1980", "US$", "Direção"),
        "nl": ("Verhaal", "17 september 1980", "US$", "Regie"),
        "zh-Hans": ("剧情简介", "1980年9月17日", "US$12.99", "导演"),
        "zh-CN": ("剧情简介", "1980年9月17日", "US$12.99", "导演"),
        "ja": ("あらすじ", "1980年9月17日", "$12.99", "監督"),
    }
    for code, labels in expected.items():
        (site / "filmpage.yml").write_text(f"base_url: https://example.org/\nlanguage: {code}\n")
        build(site)
        seen = text_of(read(site, "films/le-dernier-metro/index.html"))
        for label in labels:
            assert label in seen, (code, label)


def test_an_unknown_language_is_an_error_naming_it_and_the_languages_there_are(site):
    write_site(site, {"a.md": OTHER_FILM}, "language: xx\nlanguages: [en, fr_FR, fr, fr]\n")
    errors = build_errors(site)
    assert any("'xx'" in e and "fr (Français)" in e and "ja (日本語)" in e for e in errors)
    assert any("filmpage.yml:2" in e and "write it 'fr-FR'" in e for e in errors)
    assert any("languages[3]" in e and "listed twice" in e for e in errors)
    (site / "filmpage.yml").write_text("language: fr\nlanguages: [en, fr]\n")
    (error,) = build_errors(site)
    assert "filmpage.yml:1" in error and "not the first of languages" in error


def test_a_site_changes_any_string_and_adds_a_language_with_its_own_catalogues(site):
    write_site(
        site,
        {"a.md": FRENCH_FILM.replace("  - l-enfant-sauvage\n", "")},
        "title: Film Club\nbase_url: https://example.org/\nlanguages: [fr, sv]\n",
    )
    (site / "locales").mkdir()
    (site / "locales" / "fr.po").write_text(
        'msgid "Plot Summary"\nmsgstr "Synopsis"\n\nmsgid "Film Club"\nmsgstr "Ciné-club"\n\n'
        'msgid "%(n)s review"\nmsgid_plural "%(n)s reviews"\n'
        'msgstr[0] "%(n)s critique"\nmsgstr[1] "%(n)s de critiques"\nmsgstr[2] "%(n)s critiques"\n'
    )
    (site / "locales" / "sv.po").write_text('msgid "Plot Summary"\nmsgstr "Handling"\n')
    build(site)
    fr = text_of(read(site, "films/le-dernier-metro/index.html"))
    assert "Synopsis" in fr and "Résumé" not in fr and "Ciné-club" in fr and "2 critiques" in fr
    assert "Réalisation" in fr  # the rest from the shipped catalogue
    sv = read(site, "sv/films/le-dernier-metro/index.html")
    assert "Handling" in text_of(sv) and "Cast &amp; Crew" in sv  # English where sv has none
    assert '<html lang="sv">' in sv and "17 september 1980" in text_of(sv)


def test_a_site_catalogue_with_a_fault_is_an_error_naming_its_line(site):
    write_site(site, {"a.md": OTHER_FILM}, "base_url: https://example.org/\nlanguage: fr\n")
    (site / "locales").mkdir()
    (site / "locales" / "fr.po").write_text('msgid "Plot Summary"\nmsgstr "Synopsis"\nmsgid "x"\n')
    (error,) = build_errors(site)
    assert error.startswith("locales/fr.po:3: not a PO catalogue: missing msgstr"), error
    (site / "locales" / "fr.po").write_text('\nmsgid "Plot Summary"\nmsgstr "Résumé de %(film)s"\n')
    (error,) = build_errors(site)
    assert error.startswith("locales/fr.po:2") and "uses film, which its message does not" in error


def test_a_record_translation_into_a_language_the_site_lacks_is_a_warning(site):
    record = OTHER_FILM.replace("year: 1970\n", "year: 1970\ntranslations:\n  de: {title: X}\n")
    write_site(site, {"a.md": record})
    warnings = [str(w) for w in build(site).warnings]
    assert any("translations.de" in w and "not one of the site's languages" in w for w in warnings)


TRANSLATED = """---
title: Last Train Home
original_title: 归途列车
year: 2009
credits: {directors: [Lixin Fan], cast: [{name: Zhang Changhua, character: Self}]}
genres: [Documentary]
customer_reviews: [{body: Moving., rating: 5, date: 2011-01-02}]
offers: [{type: buy, price: 9.99, currency: EUR}]
related: [up-the-yangtze]
translations:
  fr:
    title: Le Dernier Train
    tagline: Le plus grand voyage du monde
    plot: Chaque printemps, **130 millions** d'ouvriers rentrent chez eux. Été.
---
Every spring, 130 million workers travel home.
"""
UNTRANSLATED = """---
title: Up the Yangtze
year: 2007
credits: {directors: [Yung Chang]}
genres: [Documentary]
related: [last-train-home]
---
A luxury cruise boat motors up the Yangtze.
"""


@pytest.fixture
def bilingual(site):
    write_site(
        site,
        {"last.md": TRANSLATED, "up.md": UNTRANSLATED},
        "title: Club\nbase_url: https://example.org/club/\nlanguages: [en, fr]\n",
    )
    build(site)
    return site


def _pages(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*.html")}


def test_each_language_has_every_page_with_the_records_translations(bilingual):
    out = bilingual / "site"
    english = {p for p in _pages(out) if not p.startswith("fr/")}
    assert {f"fr/{p}" for p in english} == {p for p in _pages(out) if p.startswith("fr/")}
    fr = read(bilingual, "fr/films/last-train-home/index.html")
    seen = text_of(fr)
    assert "Le Dernier Train" in seen and "Le plus grand voyage du monde" in seen
    assert "130 millions" in seen and "Every spring" not in seen
    assert "Réalisation" in seen and "9,99" in seen
    assert "Up the Yangtze" in seen  # its related title, in French as it has no other
    other = text_of(read(bilingual, "fr/films/up-the-yangtze/index.html"))
    assert "Up the Yangtze" in other and "A luxury cruise" in other  # the record's own text
    assert "Le Dernier Train" in other  # the title French gives the film it names
    en = text_of(read(bilingual, "films/last-train-home/index.html"))
    assert "Last Train Home" in en and "Le Dernier Train" not in en and "Plot Summary" in en
    # lists in French are in the order of the titles French readers see
    home = text_of(read(bilingual, "fr/index.html"))
    assert home.index("Le Dernier Train") < home.index("Up the Yangtze")
    index = json.loads(read(bilingual, "fr/films.json"))
    assert [f[1] for f in index["films"]] == ["Le Dernier Train", "Up the Yangtze"]
    assert index["root"] == "../"
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', fr).group(1))
    assert data["name"] == "Le Dernier Train"
    assert data["mainEntityOfPage"]["inLanguage"] == "fr"
    assert data["url"] == "https://example.org/club/fr/films/last-train-home/"


def test_the_switcher_and_alternates_go_to_the_same_page_in_each_language(bilingual):
    out = bilingual / "site"
    for page in _pages(out):
        path = page.removeprefix("fr/")
        here = "fr" if page.startswith("fr/") else "en"
        html = (out / page).read_text()
        url_path = path.removesuffix("index.html")
        switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
        links = dict(re.findall(r'href="([^"]*)" hreflang="([^"]*)"', switcher))
        assert links == {f"/club/{url_path}": "en", f"/club/fr/{url_path}": "fr"}, page
        assert re.search(rf'hreflang="{here}" lang="{here}" aria-current="true"', switcher)
        if path == "404.html":
            continue
        pattern = r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"'
        alternates = dict(re.findall(pattern, html))
        assert alternates == {
            "en": f"https://example.org/club/{url_path}",
            "fr": f"https://example.org/club/fr/{url_path}",
            "x-default": f"https://example.org/club/{url_path}",
        }, page


def test_every_link_of_every_language_resolves_under_the_sub_path(bilingual):
    out = bilingual / "site"
    for page in _pages(out):
        html = (out / page).read_text()
        for url in re.findall(r'(?:href|src)="(/[^"#?]*)', html):
            assert url.startswith("/club/"), (page, url)
            target = out / url.removeprefix("/club/")
            assert target.is_file() or (target / "index.html").is_file(), (page, url)
        if page.startswith("fr/") and not page.endswith("404.html"):
            assert '<link rel="stylesheet" href="/club/css/filmpage.css">' in html
            assert 'data-base="/club/fr/"' in html
            assert '<script src="/club/fr/js/messages.js" defer></script>' in html


def test_sitemap_feeds_and_search_indexes_per_language(bilingual):
    sitemap = read(bilingual, "sitemap.xml")
    assert not (bilingual / "site" / "fr" / "sitemap.xml").exists()
    entry = re.search(
        r"<url><loc>https://example.org/club/fr/films/last-train-home/</loc>(.*?)</url>", sitemap
    ).group(1)
    assert 'hreflang="en" href="https://example.org/club/films/last-train-home/"' in entry
    assert 'hreflang="x-default" href="https://example.org/club/films/last-train-home/"' in entry
    feed = read(bilingual, "fr/feed.xml")
    assert 'xml:lang="fr"' in feed and "<title>Le Dernier Train (2009)</title>" in feed
    assert "https://example.org/club/fr/films/last-train-home/" in feed
    assert set(re.findall(r"<id>(urn:[^<]+)</id>", feed)).isdisjoint(
        re.findall(r"<id>(urn:[^<]+)</id>", read(bilingual, "feed.xml"))
    )
    words = bilingual / "site" / "fr" / "search" / "words"

    def found(word: str) -> list[int]:
        key = word[:2] if word.isascii() else word[0]
        shard = words / f"{key.encode().hex()}.json"
        return json.loads(shard.read_text()).get(word, []) if shard.exists() else []

    assert found("ete") == [0] and found("dernier") == [0]  # Été, accents folded
    assert found("last") == [0]  # the record's own title finds it too
    assert found("归途") == [0]  # non-Latin text
    messages = read(bilingual, "fr/js/messages.js")
    assert '"fresh":"Frais"' in messages and '"many":"{count} de films"' in messages


def test_a_record_is_read_once_for_every_language_and_an_edit_reaches_each(bilingual, monkeypatch):
    from filmpage.commands import records

    read_now = []
    loaded = records._loaded

    def counted(file, *rest):
        read_now.append(file)
        return loaded(file, *rest)

    monkeypatch.setattr(records, "_loaded", counted)
    record = bilingual / "content" / "films" / "last.md"
    record.write_text(record.read_text().replace("Le plus grand voyage", "Le long voyage"))
    english = read(bilingual, "films/last-train-home/index.html")
    result = build(bilingual, jobs=1)
    assert read_now == ["content/films/last.md"]
    assert result.rendered < result.pages  # the film's page in each language, and its lists
    assert read(bilingual, "films/last-train-home/index.html") == english
    assert "Le long voyage" in read(bilingual, "fr/films/last-train-home/index.html")
    assert "Le long voyage" not in read(bilingual, "films/last-train-home/index.html")
    record.write_text(record.read_text().replace("Été", "Automne"))
    build(bilingual)
    index = bilingual / "site" / "fr" / "search" / "words"
    assert (index / f"{b'au'.hex()}.json").read_text().count("automne") == 1


def test_the_first_language_changed_gives_the_full_builds_site(bilingual):
    settings = bilingual / "filmpage.yml"  # French at the root now, its search index too
    settings.write_text(settings.read_text().replace("[en, fr]", "[fr, en]"))
    build(bilingual)
    build(bilingual, out=bilingual / "clean", clean=True)
    assert digest(bilingual / "site") == digest(bilingual / "clean")


def test_a_bilingual_site_opened_from_disk_links_every_language(site):
    """With relative links, a French page reaches its own pages, the shared files at the
    root and the English pages, from any depth."""
    write_site(
        site,
        {"last.md": TRANSLATED, "up.md": UNTRANSLATED},
        "base_url: https://example.org/club/\nlanguages: [en, fr]\nrelative_links: true\n",
    )
    build(site)
    out = site / "site"
    page = out / "fr" / "films" / "last-train-home" / "index.html"
    html = page.read_text()
    assert 'data-base="../../../fr/"' in html
    assert 'href="../../../css/filmpage.css"' in html
    assert 'href="../../../films/last-train-home/index.html" hreflang="en"' in html
    for url in re.findall(r'(?:href|src)="([^"#?:]+)"', html):
        assert (page.parent / url).resolve().is_file(), url
    assert json.loads(read(site, "fr/films.json"))["root"] == "../"
    assert (out / "fr" / "films.js").is_file() and (out / "fr" / "js" / "messages.js").is_file()


def test_the_programme_and_a_film_s_screenings_in_french(site):
    """What's on in French: the programme, a season, the collections and a film page's
    screenings have the theme's words in French, its dates as Babel writes them, and no
    English of the theme left; the English pages keep theirs."""
    example_site(site)
    settings = site / "filmpage.yml"
    settings.write_text(settings.read_text().replace("language: en", "languages: [en, fr]"))
    build(site, today=BEFORE)
    programme = read(site, "fr/programme/index.html")
    seen = _seen(programme)
    for phrase in (
        "Programme", "Les prochaines séances, jour par jour", "Cycles :",
        "S'abonner au calendrier du programme", "Autumn 2026", "samedi 3 octobre 2026", "19:30",
        "ouverture des portes à 19:00",
        "8,00 £GB", "6,00 £GB tarif réduit", "Sous-titres English", "Sous-titres en English",
        "Sous-titres pour sourds et malentendants", "Accessible en fauteuil roulant",
        "Audiodescription", "Séance relax", "Complet", "À confirmer", "Billets",
        "pour Last Train Home, samedi 3 octobre 2026 à 19:30", "Ajouter au calendrier",
        "Les prochaines séances de Documentary Store",
    ):  # fmt: skip
        assert phrase in seen, phrase
    # shown by the script once every screening has begun
    assert '<p class="no-coming" hidden>Aucune séance à venir pour le moment.</p>' in programme
    film = read(site, "fr/films/last-train-home/index.html")
    # what's on adds to the film page (the rest of it is the record's English reviews)
    whatson = _seen(" ".join(re.findall(r'<section class="film-[sc].*?</section>', film, re.S)))
    for phrase in (
        "Prochaines séances", "samedi 3 octobre 2026 à 19:30", "samedi 6 février 2027 à 19:30",
        "Tout le programme", "Dans les collections", "Journeys Home",
    ):  # fmt: skip
        assert phrase in whatson, phrase
    collections = _seen(read(site, "fr/collections/index.html"))
    collection = _seen(read(site, "fr/collections/journeys-home/index.html"))
    season = read(site, "fr/programme/autumn-2026/index.html")
    assert "Films about <strong>work and home</strong>" in season  # its own words, as written
    season = _seen(re.sub(r'<div class="lede prose">.*?</div>', "", season, flags=re.S))
    assert "Collections" in collections and "1 film" in collections
    assert "Les sélections de films de Documentary Store." in collections
    assert "Fil d'Ariane" in collection and "Collections Journeys Home" in collection
    assert "S'abonner au calendrier de ce cycle" in season and "Complet" in season
    english = ("Coming screenings", "Sold out", "To be confirmed", "Tickets", "Add to calendar",
               "concession", "subtitles", "Captioned", "Wheelchair accessible", "doors",
               "No screenings to come", "In collections", "The whole programme", "Saturday",
               "October")  # fmt: skip
    for page in (seen, whatson, season, collections, collection):
        assert [word for word in english if word in page] == []
        assert _english_left(page) == set()
    assert "samedi 3 octobre 2026 à 19:30 : Last Train Home, Main Hall" in read(site, "fr/feed.xml")
    en = text_of(read(site, "programme/index.html"))
    assert "Saturday, October 3, 2026" in en and "£6.00 concession" in en and "Sold out" in en


def test_lists_name_each_film_by_its_title_in_the_language_after_any_edit(bilingual):
    def listed(page: str) -> list[str]:
        html = read(bilingual, page)
        data = json.loads(re.search(r'ld\+json">(.*?)</script>', html).group(1))
        return [item["name"] for item in data["itemListElement"]]

    for _ in range(2):  # built whole, then after an edit of another film (cards kept)
        assert listed("fr/index.html") == ["Le Dernier Train", "Up the Yangtze"]
        assert listed("index.html") == ["Last Train Home", "Up the Yangtze"]
        assert "Le Dernier Train" in text_of(read(bilingual, "fr/index.html"))
        record = bilingual / "content/films/up.md"
        record.write_text(record.read_text().replace("A luxury cruise", "A grand cruise"))
        build(bilingual)
    assert "A grand cruise" in text_of(read(bilingual, "fr/films/up-the-yangtze/index.html"))

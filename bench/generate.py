"""Generate a synthetic catalogue of N realistic film records (about 5 KB each).

    python bench/generate.py 10000 /tmp/cat10k [--seed 1] [--programme 2000]

Deterministic for a given N and seed: full credits, four critic quotes, three customer
reviews, related titles (slugs of other films and external titles), offers and a plot.
With --escaped, the review bodies are two paragraphs each, written with YAML's "\n\n"
escapes, as many exported and hand-written records are.
With --programme S, the site also gets S screenings of its films in eight seasons
(content/programme/), at four venues (one in another time zone), three a day at each,
from 1 September 2026 on, with prices, ticket links, statuses, subtitles and
accessibility as a cinema's programme has them.
With --languages en,fr the site is published in those languages, and every record gives
its title, tagline and plot in each language after the first (its own text is the first's).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "it",
    "was",
    "for",
    "on",
    "with",
    "as",
    "his",
    "her",
    "they",
    "at",
    "be",
    "this",
    "from",
    "by",
    "film",
    "story",
    "family",
    "city",
    "night",
    "river",
    "train",
    "home",
    "love",
    "war",
    "time",
    "year",
    "world",
    "life",
    "light",
    "dark",
    "house",
    "road",
    "journey",
    "memory",
    "winter",
    "summer",
    "secret",
    "letter",
    "music",
    "stranger",
    "village",
    "factory",
    "worker",
    "mother",
    "father",
    "brother",
    "sister",
    "daughter",
    "son",
    "friend",
    "enemy",
    "dream",
    "silence",
]
FIRST = [
    "Ada",
    "Ben",
    "Cai",
    "Dee",
    "Eli",
    "Fay",
    "Gus",
    "Hal",
    "Ida",
    "Jun",
    "Kai",
    "Lea",
    "Max",
    "Noa",
    "Oli",
    "Pia",
    "Quinn",
    "Ray",
    "Sam",
    "Tia",
]
LAST = [
    "Fan",
    "Chang",
    "Walker",
    "Gaudet",
    "Wang",
    "Kinnane",
    "Baichwal",
    "Fricke",
    "Reggio",
    "Glass",
    "Stearns",
    "Moreau",
    "Ode",
    "Bakr",
    "Lind",
    "Reyes",
    "Marlowe",
    "Tanaka",
    "Okafor",
    "Silva",
    "Novak",
    "Haddad",
    "Kowalski",
    "Ivanova",
]
GENRES = [
    "Drama",
    "Documentary",
    "Comedy",
    "Thriller",
    "Crime",
    "Romance",
    "Horror",
    "Animation",
    "Western",
    "Musical",
    "Mystery",
    "War",
    "History",
    "Family",
    "Fantasy",
    "Science-Fiction",
]
COUNTRIES = [
    "France",
    "China",
    "Canada",
    "Japan",
    "Brazil",
    "India",
    "Nigeria",
    "Mexico",
    "Germany",
    "Italy",
]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def record(i: int, n: int, rng: random.Random, escaped: bool = False) -> str:
    """One record; ``escaped``: its review bodies in two paragraphs, written as exported
    records write them (a double-quoted text with "\\n\\n" escapes)."""
    title = f"{words(rng, 2).title()} {i}"
    year = rng.randint(1920, 2024)
    cast = "\n".join(
        f"    - {{name: {person(rng)}, character: {words(rng, 2).title()}}}" for _ in range(8)
    )
    counted = rng.randint(5, 300)
    fresh = rng.randint(0, counted)
    critics = (
        f"{{reviews_counted: {counted}, fresh: {fresh}, rotten: {counted - fresh}, "
        f"average_rating: {rng.randint(20, 95) / 10}}}"
    )
    quotes = "\n".join(
        f"  - {{verdict: {rng.choice(['fresh', 'rotten'])}, critic: {person(rng)}, "
        f'publication: The {words(rng, 1).title()} Review, quote: "{words(rng, 35)}."}}'
        for _ in range(4)
    )
    paragraph = "\\n\\n" if escaped else " "
    reviews = "\n".join(
        f'  - {{title: "{words(rng, 4).capitalize()}", rating: {rng.randint(1, 5)}, '
        f'author: {rng.choice(FIRST)}, body: "{words(rng, 30)}.{paragraph}{words(rng, 30)}."}}'
        for _ in range(3)
    )
    related = [f"film-{rng.randrange(n):06d}" for _ in range(3)]
    related_yaml = "\n".join(f"  - {slug}" for slug in related)
    return f"""---
title: {title}
slug: film-{i:06d}
year: {year}
runtime: {rng.randint(70, 190)}
release_date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}
genres: [{", ".join(sorted(rng.sample(GENRES, 2)))}]
countries: [{rng.choice(COUNTRIES)}]
languages: [English]
content_rating: {rng.choice(["G", "PG", "PG-13", "R", "NR"])}
studio: {words(rng, 1).title()} Pictures
credits:
  directors: [{person(rng)}]
  writers: [{person(rng)}, {person(rng)}]
  producers: [{person(rng)}, {person(rng)}]
  cinematography: [{person(rng)}]
  editors: [{person(rng)}]
  music: [{person(rng)}]
  cast:
{cast}
critics: {critics}
top_critics:
{quotes}
customer_reviews:
{reviews}
related:
{related_yaml}
  - {{title: {words(rng, 2).title()}, director: {person(rng)}, year: {rng.randint(1950, 2020)}}}
offers:
  - {{type: buy, price: {rng.randint(5, 20)}.99, currency: USD, url: "https://shop.example.org/{i}"}}
  - {{type: rent, price: 3.99, currency: USD, quality: SD}}
---
{words(rng, 90).capitalize()}.

{words(rng, 70).capitalize()}.
"""


VENUES = """\
timezone: Europe/London
venues:
  main-hall: {name: Main Hall, address: 12 Mill Lane, city: Hebden Bridge, url: "https://example.org/visit/"}
  studio: {name: The Studio, city: Hebden Bridge}
  garden: {name: The Garden Screen, city: Todmorden}
  paris: {name: Salle Paris, city: Paris, timezone: Europe/Paris}
"""
SLOTS = ("13:00", "16:30", "20:00")  # 210 minutes apart: longer than any generated film
STATUSES = ["scheduled"] * 16 + ["sold-out", "cancelled", "postponed", "tbc"]
ACCESS = ["captioned", "audio-described", "relaxed", "wheelchair"]


def screening(rng: random.Random, n: int, day, venue: str, slot: str) -> str:
    standard = rng.randint(5, 12)
    lines = [
        f"  - film: film-{rng.randrange(n):06d}",
        f"    start: {day.isoformat()} {slot}",
        f"    venue: {venue}",
        f"    price: {{standard: {standard}.50, concession: {standard - 2}.00}}",
        "    currency: GBP",
        f"    tickets: https://tickets.example.org/{day.isoformat()}-{venue}-{slot[:2]}",
    ]
    status = rng.choice(STATUSES)
    if status != "scheduled":
        lines.append(f"    status: {status}")
    if rng.random() < 0.5:
        lines.append("    subtitles: [English]")
    if rng.random() < 0.5:
        lines.append(f"    accessibility: [{', '.join(sorted(rng.sample(ACCESS, 2)))}]")
    if rng.random() < 0.3:
        lines.append(f"    note: {words(rng, 6).capitalize()}")
    return "\n".join(lines) + "\n"


def programme(root: Path, n: int, count: int, rng: random.Random) -> None:
    """``count`` screenings of the ``n`` films, in eight seasons of content/programme/."""
    import datetime as dt

    folder = root / "content" / "programme"
    folder.mkdir(parents=True, exist_ok=True)
    venues = ("main-hall", "studio", "garden", "paris")
    slots = [(d, v, s) for d in range(count // 12 + 1) for v in venues for s in SLOTS][:count]
    seasons: dict[int, list[str]] = {}
    start = dt.date(2026, 9, 1)
    for offset, venue, slot in slots:
        season = offset * 8 // (count // 12 + 1)
        day = start + dt.timedelta(days=offset)
        seasons.setdefault(season, []).append(screening(rng, n, day, venue, slot))
    for number, items in seasons.items():
        text = f"title: Season {number + 1}\ndescription: {words(rng, 12).capitalize()}.\n"
        (folder / f"season-{number + 1}.yaml").write_text(text + "screenings:\n" + "".join(items))


def translations(i: int, languages: list[str], seed: int) -> str:
    """The record's ``translations`` into each language after the first (from a random
    stream of their own, so the records' other fields are those of a one-language run)."""
    if len(languages) < 2:
        return ""
    rng = random.Random(f"{seed}-{i}-translations")
    lines = ["translations:"]
    for code in languages[1:]:
        lines += [
            f"  {code}:",
            f"    title: {words(rng, 2).title()} {i} ({code})",
            f"    tagline: {words(rng, 8).capitalize()}.",
            f"    plot: {words(rng, 90).capitalize()}. {words(rng, 70).capitalize()}.",
        ]
    return "\n".join(lines) + "\n"


def generate(
    n: int, root: Path, seed: int = 1, escaped: bool = False, screenings: int = 0,
    languages: list[str] | None = None,
) -> None:  # fmt: skip
    rng = random.Random(seed)
    languages = languages or []
    films = root / "content" / "films"
    films.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = record(i, n, rng, escaped)
        extra = translations(i, languages, seed)
        if extra:  # before the closing line of the front matter
            head, _, body = text.partition("\n---\n")
            text = f"{head}\n{extra}---\n{body}"
        (films / f"film-{i:06d}.md").write_text(text, encoding="utf-8")
    settings = "title: Benchmark Catalogue\nbase_url: /\n"
    if languages:
        settings += f"languages: [{', '.join(languages)}]\n"
    if screenings:
        programme(root, n, screenings, random.Random(seed + 1))
        settings += VENUES
    (root / "filmpage.yml").write_text(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("root", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--escaped",
        action="store_true",
        help='review bodies in two paragraphs, as double-quoted texts with "\\n\\n" escapes',
    )
    parser.add_argument(
        "--programme",
        type=int,
        default=0,
        metavar="S",
        help="S screenings in eight seasons of content/programme/",
    )
    parser.add_argument(
        "--languages",
        default="",
        help="the site's languages, comma-separated (en,fr): each record translated into all "
        "but the first",
    )
    args = parser.parse_args()
    languages = [code for code in args.languages.split(",") if code]
    generate(args.n, args.root, args.seed, args.escaped, args.programme, languages)


if __name__ == "__main__":
    main()

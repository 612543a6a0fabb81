"""One record to one Film: every per-record rule of the content contract.

``film_from_record`` reports each violation with its file, line, column and field, and
goes on, so one run reports everything. Rules that need the whole catalogue (slug
collisions, related slugs, poster files) belong to :mod:`filmpage.catalogue`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from . import yamldoc
from .errors import Problems
from .identity import entry_positions, read_aliases, read_ids
from .load import Record
from .localized import read_translations
from .markup import MAX_MARKDOWN_CHARS, MAX_MARKDOWN_TOTAL
from .model import (
    KNOWN_ROLES,
    LATER_CHECKED,
    RUNTIME_RANGE,
    YEAR_RANGE,
    Credit,
    CriticQuote,
    Critics,
    CustomerReview,
    Film,
    Offer,
    RelatedTitle,
    Role,
    tomatometer,
)
from .money import currency_problem
from .slugs import MAX_SLUG, is_slug

FIELDS = (
    "title", "year", "slug", "original_title", "tagline", "runtime", "release_date",
    "genres", "countries", "languages", "content_rating", "studio", "distributor",
    "poster", "trailer", "credits", "critics", "top_critics", "customer_reviews",
    "related", "offers", "source", "draft", "plot", "aliases", "ids", "translations",
)  # fmt: skip
CRITICS_FIELDS = ("reviews_counted", "fresh", "rotten", "average_rating", "tomatometer")
QUOTE_FIELDS = ("quote", "verdict", "critic", "publication", "url")
REVIEW_FIELDS = ("title", "body", "rating", "author", "date")
RELATED_FIELDS = ("title", "director", "year", "url", "slug")
OFFER_FIELDS = ("type", "price", "currency", "quality", "url")


def film_from_record(record: Record, problems: Problems) -> Film | None:
    """Check one record against the contract; a Film, or None with every problem reported."""
    tree, read = record.tree, yamldoc.Reader(record.file, problems)
    read.warn_unknown(tree, FIELDS)
    get = tree.get

    title, year = _title_and_year(read, tree)
    slug = _slug(read, get("slug"))
    poster = read.text(get("poster"), "poster")
    if poster is not None and not safe_relative_path(poster):
        read.error(get("poster"), "poster", f"expected a path inside static/, got {poster!r}")
        poster = None
    budget = [MAX_MARKDOWN_TOTAL]
    plot_html = _plot(read, record, budget)
    film = Film(
        file=record.file,
        title=title or "",
        year=year or 0,
        slug=slug or "",
        slug_given=slug is not None,
        original_title=read.text(get("original_title"), "original_title"),
        tagline=read.text(get("tagline"), "tagline"),
        runtime=read.integer(get("runtime"), "runtime", *RUNTIME_RANGE),
        release_date=read.date(get("release_date"), "release_date"),
        genres=read.text_list(get("genres"), "genres"),
        countries=read.text_list(get("countries"), "countries"),
        languages=read.text_list(get("languages"), "languages"),
        content_rating=read.text(get("content_rating"), "content_rating"),
        studio=read.text(get("studio"), "studio"),
        distributor=read.text(get("distributor"), "distributor"),
        poster=poster,
        trailer=read.url(get("trailer"), "trailer"),
        credits=_credits(read, read.mapping(get("credits"), "credits")),
        critics=_critics(read, read.mapping(get("critics"), "critics")),
        top_critics=tuple(_quotes(read, read.seq(get("top_critics"), "top_critics"))),
        customer_reviews=tuple(
            _reviews(read, read.seq(get("customer_reviews"), "customer_reviews"), budget)
        ),
        related=tuple(_related(read, read.seq(get("related"), "related"))),
        offers=tuple(_offers(read, read.seq(get("offers"), "offers"))),
        source=_source(read, read.mapping(get("source"), "source")),
        draft=bool(read.boolean(get("draft"), "draft")),
        plot_html=plot_html,
        aliases=read_aliases(read, read.seq(get("aliases"), "aliases")),
        ids=read_ids(read, read.mapping(get("ids"), "ids")),
        translations=read_translations(
            read, read.mapping(get("translations"), "translations"), budget, _markdown
        ),
        positions=entry_positions(tree, LATER_CHECKED),
    )
    # A film with a bad field still goes on to the catalogue checks (related slugs,
    # collisions), so one run reports everything; the build fails on the errors anyway.
    return film if title else None


def _title_and_year(read: yamldoc.Reader, tree: yamldoc.Map) -> tuple[str | None, int | None]:
    """The two required fields, each reported when missing or wrong."""
    get = tree.get
    title = read.text(get("title"), "title")
    if title is None and "title" not in tree.entries:
        read.error(None, "title", "required field is missing", fallback=tree)
    elif title is None and isinstance(get("title"), yamldoc.Scalar):  # ("title:", 'title: ""')
        read.error(get("title"), "title", "expected text, got nothing")
    year = read.integer(get("year"), "year", *YEAR_RANGE)
    if "year" not in tree.entries:
        read.error(None, "year", "required field is missing", fallback=tree)
    elif isinstance(node := get("year"), yamldoc.Scalar) and node.is_null:  # "year:"
        low, high = YEAR_RANGE
        read.error(node, "year", f"expected a whole number from {low} to {high}, got nothing")
    return title, year


def _slug(read: yamldoc.Reader, node: yamldoc.Node | None) -> str | None:
    """A written slug, or None when there is none or it is wrong (reported): a wrong one
    is never a name for a file (a share card is named before the errors stop)."""
    slug = read.text(node, "slug")
    if slug is not None and not is_slug(slug):
        read.error(
            node,
            "slug",
            f"expected lowercase ASCII letters, digits and single "
            f"hyphens (like 'last-train-home'), got {_quoted(slug)}",
        )
        return None
    if slug is not None and len(slug) > MAX_SLUG:
        read.error(
            node,
            "slug",
            f"{len(slug)} characters; the limit is {MAX_SLUG}, as the slug names the "
            "film's folder and files in the site (a file name may have 255 bytes)",
        )
        return None
    return slug


def _plot(read: yamldoc.Reader, record: Record, budget: list[int]) -> str:
    """The plot as sanitized HTML: a Markdown file's body, else a YAML record's ``plot``."""
    node = record.tree.get("plot")
    if record.body.strip():
        if node is not None and read.text(node, "plot"):
            read.problems.warning(read.file, node.line, node.column, "plot", "the text below "
                                  "the front matter is the plot; this one is not shown: keep "
                                  "one of the two")  # fmt: skip
        return _markdown(read, record.body, "plot", (record.body_line, 1), budget)
    plot = read.text(node, "plot") or ""
    at = (node.line, node.column) if node else (0, 0)
    return _markdown(read, plot, "plot", at, budget)


def _quoted(text: str) -> str:
    """A value as a message quotes it: in full, or its start when it is long."""
    return repr(text) if len(text) <= 60 else f"{text[:40]!r}... ({len(text)} characters)"


_PRICE = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
_UNSAFE_PATH = re.compile(r"(^|/)\.\.?(/|$)|\\|%|\x00|^/|^[a-zA-Z]:|//")


def safe_relative_path(path: str) -> bool:
    """A relative POSIX path with no ``..``, ``.``, backslash, percent, NUL or drive."""
    return bool(path) and not _UNSAFE_PATH.search(path) and not path.endswith("/")


def _credits(read: yamldoc.Reader, node: yamldoc.Map | None) -> tuple[Role, ...]:
    if node is None:
        return ()
    roles = []
    for key, (_, value) in node.entries.items():
        where = f"credits.{key}"
        items = value.items if isinstance(value, yamldoc.Seq) else [value]
        people = []
        for i, item in enumerate(items):
            at = f"{where}[{i}]" if isinstance(value, yamldoc.Seq) else where
            if isinstance(item, yamldoc.Map):
                read.warn_unknown(item, ("name", "character"), f"{at}.")
                name = read.text(item.get("name"), f"{at}.name")
                if name is None:
                    read.error(
                        item.get("name"), f"{at}.name", "required field is missing", fallback=item
                    )
                    continue
                people.append(
                    Credit(name, read.text(item.get("character"), f"{at}.character") or "")
                )
            elif item is not None:
                name = read.text(item, at)
                if name is not None:
                    people.append(Credit(name))
        if people:
            singular, plural = KNOWN_ROLES.get(key) or (_humanize(key), _humanize(key))
            roles.append(Role(key, singular if len(people) == 1 else plural, tuple(people)))
    return tuple(roles)


def _humanize(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _critics(read: yamldoc.Reader, node: yamldoc.Map | None) -> Critics | None:
    if node is None:
        return None
    read.warn_unknown(node, CRITICS_FIELDS, "critics.")
    counted = read.integer(node.get("reviews_counted"), "critics.reviews_counted", 0)
    fresh = read.integer(node.get("fresh"), "critics.fresh", 0)
    rotten = read.integer(node.get("rotten"), "critics.rotten", 0)
    average = read.number(node.get("average_rating"), "critics.average_rating", 0, 10)
    given = read.integer(node.get("tomatometer"), "critics.tomatometer", 0, 100)
    if counted is None and fresh is not None and rotten is not None:
        counted = fresh + rotten
    if counted is not None:
        split = _split(read, node, counted, fresh, rotten)
        if split is None:
            return None
        fresh, rotten = split
    score = given
    if counted and fresh is not None:
        score = tomatometer(fresh, counted)
        if given is not None and given != score:
            read.error(node.get("tomatometer"), "critics.tomatometer", f"{given} disagrees "
                       f"with {score} computed from fresh/reviews_counted ({fresh}/{counted})",
                       )  # fmt: skip
            return None
    return Critics(counted, fresh, rotten, average, score)


def _split(
    read: yamldoc.Reader, node: yamldoc.Map, counted: int, fresh: int | None, rotten: int | None
) -> tuple[int | None, int | None] | None:
    """The fresh and rotten reviews of ``counted``, the one not given worked out from the
    other; None (reported) when they cannot be."""
    for name, value in (("fresh", fresh), ("rotten", rotten)):
        if value is not None and value > counted:
            read.error(node.get(name), f"critics.{name}",
                       f"{value} is more than reviews_counted ({counted})")  # fmt: skip
            return None
    if fresh is None and rotten is not None:
        fresh = counted - rotten
    if rotten is None and fresh is not None:
        rotten = counted - fresh
    if fresh is not None and rotten is not None and fresh + rotten != counted:
        read.error(node.get("reviews_counted") or node.get("fresh"), "critics.reviews_counted",
                   f"fresh + rotten must equal reviews_counted: {fresh} + {rotten} is not "
                   f"{counted}")  # fmt: skip
        return None
    return fresh, rotten


def _items(read: yamldoc.Reader, nodes: list, field: str, known: tuple[str, ...]):
    """Yield (path, mapping) for each list entry that is a mapping; report the others."""
    for i, node in enumerate(nodes):
        at = f"{field}[{i}]"
        item = read.mapping(node, at)
        if item is not None:
            read.warn_unknown(item, known, f"{at}.")
            yield at, item


def _choice(read: yamldoc.Reader, node, field: str, choices: tuple[str, ...]) -> str | None:
    value = read.text(node, field)
    if value is not None and value.lower() not in choices:
        return read.error(node, field, f"expected {' or '.join(choices)}, got {value!r}")
    return value.lower() if value else None


def _quotes(read, nodes):
    for at, item in _items(read, nodes, "top_critics", QUOTE_FIELDS):
        quote = read.required_text(item, "quote", f"{at}.quote")
        verdict = _choice(read, item.get("verdict"), f"{at}.verdict", ("fresh", "rotten"))
        critic = read.text(item.get("critic"), f"{at}.critic")
        publication = read.text(item.get("publication"), f"{at}.publication")
        url = read.url(item.get("url"), f"{at}.url")
        if quote:
            yield CriticQuote(quote, verdict, critic, publication, url)


def _markdown(read, text: str, field: str, at: tuple[int, int], budget: list[int]) -> str:
    """Render untrusted Markdown within the documented limits, reporting what exceeds them:
    each text's (:meth:`yamldoc.Reader.markdown`) and the record's in all."""
    line, column = at
    if len(text) <= MAX_MARKDOWN_CHARS:  # (a longer one is refused alone, below)
        budget[0] -= len(text)
        if budget[0] < 0:
            message = f"the record holds more than {MAX_MARKDOWN_TOTAL} characters of Markdown"
            message += " in all"
            read.problems.error(read.file, line, column, field, message)
            return ""
    return read.markdown(text, field, line, column)


def _reviews(read, nodes, budget: list[int]):
    for at, item in _items(read, nodes, "customer_reviews", REVIEW_FIELDS):
        body = read.required_text(item, "body", f"{at}.body")
        title = read.text(item.get("title"), f"{at}.title")
        rating = read.number(item.get("rating"), f"{at}.rating", 1, 5)
        author = read.text(item.get("author"), f"{at}.author")
        date = read.date(item.get("date"), f"{at}.date")
        if body:
            node = item.get("body")
            html = _markdown(read, body, f"{at}.body", (node.line, node.column), budget)
            yield CustomerReview(html, title, rating, author, date)


def _related(read, nodes):
    for i, node in enumerate(nodes):
        at = f"related[{i}]"
        if isinstance(node, yamldoc.Scalar):
            slug = read.text(node, at)
            if slug is not None and not is_slug(slug):
                read.error(
                    node,
                    at,
                    f"expected the slug of a film in this catalogue or a "
                    f"mapping with a title, got {slug!r}",
                )
            elif slug:
                yield RelatedTitle("", slug=slug, line=node.line, column=node.column, index=i)
            continue
        item = read.mapping(node, at)
        if item is None:
            continue
        read.warn_unknown(item, RELATED_FIELDS, f"{at}.")
        slug = read.text(item.get("slug"), f"{at}.slug")
        title = read.text(item.get("title"), f"{at}.title")
        if slug is None and title is None:
            read.error(item.get("title"), f"{at}.title", "required field is missing", fallback=item)
            continue
        yield RelatedTitle(
            title=title or "",
            slug=slug,
            director=read.text(item.get("director"), f"{at}.director"),
            year=read.integer(item.get("year"), f"{at}.year", *YEAR_RANGE),
            url=read.url(item.get("url"), f"{at}.url"),
            line=item.line,
            column=item.column,
            index=i,
        )


def _offers(read, nodes):
    for at, item in _items(read, nodes, "offers", OFFER_FIELDS):
        kind = _choice(read, item.get("type"), f"{at}.type", ("buy", "rent"))
        price = None
        price_node = item.get("price")
        if price_node is not None:
            text = price_node.text.strip() if isinstance(price_node, yamldoc.Scalar) else ""
            try:
                price = Decimal(text) if _PRICE.fullmatch(text) else None
            except InvalidOperation:  # pragma: no cover - the pattern rules it out
                price = None
            if price is None and not (
                isinstance(price_node, yamldoc.Scalar) and price_node.is_null
            ):
                read.error(
                    price_node,
                    f"{at}.price",
                    "expected a price like 12.99 (at most 12 digits before the point and "
                    f"6 after it), got {yamldoc.describe(price_node)}",
                )
        yield Offer(
            type=kind,
            price=price,
            currency=_currency(read, item.get("currency"), f"{at}.currency"),
            quality=read.text(item.get("quality"), f"{at}.quality"),
            url=read.url(item.get("url"), f"{at}.url"),
        )


def _currency(read: yamldoc.Reader, node, field: str) -> str | None:
    text = read.text(node, field)
    problem = currency_problem(text) if text else None
    if problem:
        read.error(node, field, problem)
        return None
    return text.upper() if text else text


def _source(read, node: yamldoc.Map | None) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    pairs = []
    for key, (_, value) in node.entries.items():
        text = read.text(value, f"source.{key}")
        if text is not None:
            pairs.append((key, text))
    return tuple(pairs)

"""schema.org data for search engines: a ``Movie`` per film page, an ``ItemList`` per
catalogue page.

``aggregateRating`` and ``review`` come only from the site's own customer reviews: the
critics' Tomatometer is a third party's score, shown on the page with its attribution but
never marked up as this site's rating (search engines' review-snippet guidelines).
"""

from __future__ import annotations

import html
import re
from typing import Any

from .formats import ENGLISH, Words
from .i18n import N_
from .model import Film
from .programme import Screening
from .settings import Settings

# Tags that end a block of text (a paragraph, a list item, a line break) part the words on
# either side; any other tag (emphasis, a link) sits inside a word's run of text and goes.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|li|ul|ol|blockquote|pre|hr|h[1-6]|div|table|tr|td|th|dd|dt)\b[^>]*>", re.I
)
_TAG = re.compile(r"<[^>]*>")
SUMMARY_LENGTH = 155  # what search engines show of a description

ROLE_PROPERTIES = {"directors": "director", "producers": "producer", "cast": "actor",
                   "music": "musicBy"}  # fmt: skip


def plain_text(fragment: str) -> str:
    """The text of a sanitized HTML fragment, on one line: "the *catadores*, the
    pickers" reads "the catadores, the pickers", with no space before the comma
    (``str.split`` collapses the whitespace: three times as fast as a regular expression)."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", fragment))).split())


def summary(film: Film, limit: int = SUMMARY_LENGTH, words: Words = ENGLISH) -> str:
    """A film's description for search results and link previews: its plot, cut at a
    word under ``limit`` characters; else its tagline; else what the record says of it
    (in ``words``' language)."""
    text = plain_text(film.plot_html)
    if len(text) > limit:
        cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
        return cut + "…"
    if text:
        return text
    if film.tagline:
        return film.tagline
    made = f"{film.title} ({film.year})"
    if film.directors:
        # Translators: a film's description where its record has no plot or tagline.
        pattern = words.translate(N_("%(film)s, directed by %(names)s"))
        made = pattern % {"film": made, "names": words.join(film.directors)}
    if film.genres:
        made += ". " + ", ".join(film.genres)
    return made + "."


def iso_duration(minutes: int) -> str:
    """87 -> 'PT1H27M', 60 -> 'PT1H', 45 -> 'PT45M'."""
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def movie(
    film: Film,
    settings: Settings,
    image: str | None,
    words: Words = ENGLISH,
    root: Settings | None = None,
) -> dict:
    """The ``Movie`` object of a film page, with only the properties the record gives;
    ``image`` is the site path of its share image. Its ``url`` and ``image`` are full
    URLs, given only when ``base_url`` names a host; ``sameAs`` links the film's pages on
    the sites its ``ids`` name. The page it is the main entity of is in the settings'
    ``language`` (its ``inLanguage``; the Movie's own is the film's languages). Images
    are at the address of the site's ``root`` settings (every language shares them)."""
    host = settings.has_host
    address = settings.absolute(f"films/{film.slug}/") if host else None
    page = {"@type": "WebPage", "inLanguage": settings.language} | _given(**{"@id": address})
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Movie", "name": film.title}
    data |= _given(
        url=address,
        mainEntityOfPage=page,
        sameAs=[url for _, url in film.links_out],
        alternateName=film.original_title,
        image=(root or settings).absolute(image) if image and host else None,
        datePublished=film.release_date.isoformat() if film.release_date else None,
        dateCreated=str(film.year),
        description=plain_text(film.plot_html) or film.tagline,
    )
    for role in film.credits:
        prop = ROLE_PROPERTIES.get(role.key)
        if prop:
            data[prop] = [{"@type": "Person", "name": c.name} for c in role.people]
    data |= _facts(film, words)
    data |= _given(offers=[_offer(o, words) for o in film.offers if o.price is not None or o.url])
    return data | _reviews(film)


def _given(**values: Any) -> dict[str, Any]:
    """The properties that have a value (neither None nor empty)."""
    return {name: value for name, value in values.items() if value}


def _facts(film: Film, words: Words) -> dict[str, Any]:
    """What the record says of the film as a work: genres, length, certificate, origin,
    languages, studio, trailer."""
    name = words.translate(N_("%(title)s trailer")) % {"title": film.title}
    trailer = film.trailer and {"@type": "VideoObject", "name": name, "url": film.trailer}
    return _given(
        genre=list(film.genres),
        duration=iso_duration(film.runtime) if film.runtime else None,
        contentRating=film.content_rating,
        countryOfOrigin=[{"@type": "Country", "name": c} for c in film.countries],
        inLanguage=list(film.languages),
        productionCompany=film.studio and {"@type": "Organization", "name": film.studio},
        trailer=trailer,
    )


def _reviews(film: Film) -> dict[str, Any]:
    """The customer reviews that have a rating, and their aggregate (the site's own
    rating: never the critics')."""
    reviews = [_review(r) for r in film.customer_reviews if r.rating is not None]
    if not reviews:
        return {}
    aggregate = {
        "@type": "AggregateRating",
        "ratingValue": _number(round(film.customer_rating or 0, 2)),
        "ratingCount": film.customer_rating_count,
        "bestRating": 5,
        "worstRating": 1,
    }
    return {"review": reviews, "aggregateRating": aggregate}


OFFER_LABELS = {"buy": N_("Buy"), "rent": N_("Rent")}


def offer_label(kind: str | None, words: Words = ENGLISH) -> str:
    """What an offer's button says it does: "Buy", "Rent" ("Get" for an offer of no type)."""
    return words.translate(OFFER_LABELS.get(kind or "", N_("Get")))


def _offer(offer, words: Words) -> dict:
    data: dict[str, Any] = {"@type": "Offer"}
    if offer.type:
        data["category"] = offer.type
    if offer.price is not None:
        data["price"] = str(offer.price)
        if offer.currency:
            data["priceCurrency"] = offer.currency.upper()
    if offer.url:
        data["url"] = offer.url
    if offer.quality:
        data["name"] = f"{offer_label(offer.type, words)} {offer.quality}"
    return data


def _review(review) -> dict:
    data: dict[str, Any] = {
        "@type": "Review",
        "reviewRating": {"@type": "Rating", "ratingValue": _number(review.rating),
                         "bestRating": 5, "worstRating": 1},
        "reviewBody": plain_text(review.body_html),
    }  # fmt: skip
    if review.author:
        data["author"] = {"@type": "Person", "name": review.author}
    if review.title:
        data["name"] = review.title
    if review.date:
        data["datePublished"] = review.date.isoformat()
    return data


def item_list(films, settings: Settings, first_position: int = 1) -> dict:
    """The ``ItemList`` of the films on one catalogue page, numbered across all pages."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": first_position + i, "name": f.title,
             "url": settings.absolute(f"films/{f.slug}/")}
            for i, f in enumerate(films)
        ],
    }  # fmt: skip


SCHEMA = "https://schema.org/"
EVENT_STATUS = {"cancelled": "EventCancelled", "postponed": "EventPostponed"}
AVAILABILITY = {"sold-out": "SoldOut", "cancelled": "Discontinued", "tbc": "PreOrder"}


def screening_event(s: Screening, film: Film, settings: Settings) -> dict:
    """The ``ScreeningEvent`` of one screening: its times with their offsets, status,
    place, the film as a ``Movie``, its prices as offers, its subtitles."""
    page = settings.absolute(f"films/{film.slug}/")
    movie: dict[str, Any] = {"@type": "Movie", "name": film.title, "url": page,
                             "dateCreated": str(film.year)}  # fmt: skip
    if film.directors:
        movie["director"] = [{"@type": "Person", "name": d} for d in film.directors]
    if film.runtime:
        movie["duration"] = iso_duration(film.runtime)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScreeningEvent",
        "name": film.title,
        "url": settings.absolute(s.page_path),
        "startDate": s.starts.isoformat(),
        "eventStatus": SCHEMA + EVENT_STATUS.get(s.status, "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "workPresented": movie,
    }
    end = s.ends(film.runtime)
    if end is not None:
        data["endDate"] = end.isoformat()
    if s.opens:
        data["doorTime"] = s.opens.isoformat()
    place = _place(settings.venue(s.venue))
    if place:
        data["location"] = place
    offers = _offers(s)
    if offers:
        data["offers"] = offers
    if s.subtitles:
        data["subtitleLanguage"] = list(s.subtitles)
    if s.note:
        data["description"] = s.note
    return data


def _place(venue) -> dict | None:
    if venue is None:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": venue.name}
    address = {"@type": "PostalAddress"}
    if venue.address:
        address["streetAddress"] = venue.address
    if venue.city:
        address["addressLocality"] = venue.city
    place["address"] = address if len(address) > 1 else venue.name
    if venue.url:
        place["url"] = venue.url
    return place


def _offers(s: Screening) -> list[dict]:
    found = []
    availability = SCHEMA + AVAILABILITY.get(s.status, "InStock")
    for name, price in (("Standard", s.price), ("Concession", s.concession)):
        if price is None and not (name == "Standard" and s.tickets):
            continue
        offer: dict[str, Any] = {"@type": "Offer", "name": name, "availability": availability}
        if price is not None:
            offer["price"] = f"{price:.2f}"
            if s.currency:
                offer["priceCurrency"] = s.currency
        if s.tickets:
            offer["url"] = s.tickets
        found.append(offer)
    return found

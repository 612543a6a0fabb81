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

from .model import Film
from .settings import Settings

_TAG = re.compile(r"<[^>]*>")

ROLE_PROPERTIES = {"directors": "director", "producers": "producer", "cast": "actor",
                   "music": "musicBy"}  # fmt: skip


def plain_text(fragment: str) -> str:
    """The text of a sanitized HTML fragment, on one line (``str.split`` collapses the
    whitespace: three times as fast as a regular expression here)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def iso_duration(minutes: int) -> str:
    """87 -> 'PT1H27M', 60 -> 'PT1H', 45 -> 'PT45M'."""
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def movie(film: Film, settings: Settings, image: str | None) -> dict:
    """The ``Movie`` object of a film page, with only the properties the record gives;
    ``image`` is the site path of its share image. Its ``url`` and ``image`` are full
    URLs, given only when ``base_url`` names a host; ``sameAs`` links the film's pages on
    the sites its ``ids`` name."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Movie", "name": film.title}
    if settings.has_host:
        data["url"] = settings.absolute(f"films/{film.slug}/")
    if film.ids:
        data["sameAs"] = [url for _, url in film.links_out]
    if film.original_title:
        data["alternateName"] = film.original_title
    if image and settings.has_host:
        data["image"] = settings.absolute(image)
    if film.release_date:
        data["datePublished"] = film.release_date.isoformat()
    data["dateCreated"] = str(film.year)
    description = plain_text(film.plot_html) or film.tagline
    if description:
        data["description"] = description
    for role in film.credits:
        prop = ROLE_PROPERTIES.get(role.key)
        if prop:
            data[prop] = [{"@type": "Person", "name": c.name} for c in role.people]
    if film.genres:
        data["genre"] = list(film.genres)
    if film.runtime:
        data["duration"] = iso_duration(film.runtime)
    if film.content_rating:
        data["contentRating"] = film.content_rating
    if film.countries:
        data["countryOfOrigin"] = [{"@type": "Country", "name": c} for c in film.countries]
    if film.languages:
        data["inLanguage"] = list(film.languages)
    if film.studio:
        data["productionCompany"] = {"@type": "Organization", "name": film.studio}
    if film.trailer:
        data["trailer"] = {"@type": "VideoObject", "name": f"{film.title} trailer",
                           "url": film.trailer}  # fmt: skip
    offers = [_offer(o) for o in film.offers if o.price is not None or o.url]
    if offers:
        data["offers"] = offers
    reviews = [_review(r) for r in film.customer_reviews if r.rating is not None]
    if reviews:
        data["review"] = reviews
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": _number(round(film.customer_rating or 0, 2)),
            "ratingCount": film.customer_rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


def _offer(offer) -> dict:
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
        data["name"] = f"{(offer.type or 'get').capitalize()} {offer.quality}"
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
            {"@type": "ListItem", "position": first_position + i,
             "url": settings.absolute(f"films/{f.slug}/")}
            for i, f in enumerate(films)
        ],
    }  # fmt: skip

"""Posters and share images, made with Pillow.

Each poster under ``static/`` becomes resized variants in WebP and in a fallback format
(JPEG, or PNG when the image has transparency), named by a hash of the source so a
changed poster gets new URLs. A film without a poster gets a generated share card
(title, year, a colour from the title) for Open Graph.

The functions here are pure, bytes in and bytes out: the build decides what to make,
spreads the work over processes, keeps what it made and reports problems.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import struct
import warnings
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from .cardtext import draw_line, drawable, fonts_key, wrap

try:  # the "fast" extra: ISA-L's deflate, a share card's pixels in half zlib's time
    from isal.isal_zlib import compress as _deflate
except ImportError:
    from zlib import compress as _deflate

POSTER_WIDTHS = (200, 400, 600)
DISPLAY_WIDTH = 400  # the width of the <img src> for browsers without srcset
MAX_PIXELS = 50_000_000  # refuse larger sources: a decompression bomb, or a mistake
RASTER = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif")
CARD_SIZE = (600, 315)  # share card for films without a poster (1.91:1, as Open Graph wants)
LEVELS = 16  # grey levels of a share card's text, from the film's colour to white
VERSION = "1"  # bump when the way images are made changes, so cached ones are remade
CARD_VERSION = "5"  # the same for share cards (5: every script, with the fonts in the name)
TITLE_SIZE = 42  # pixels, a share card's title
MARGIN = 44


@dataclass(frozen=True)
class Variant:
    path: str  # site path, e.g. posters/last-train-home-1a2b3c4d5e6f7a8b-400.webp
    width: int
    height: int
    stored: str  # its file in the image store, named by the source: 1a2b3c4d5e6f7a8b-400.webp


@dataclass(frozen=True)
class PosterSet:
    """The variants of one film's poster, smallest first, and the size they share."""

    webp: tuple[Variant, ...]
    fallback: tuple[Variant, ...]

    @property
    def width(self) -> int:
        return self.fallback[-1].width

    @property
    def height(self) -> int:
        return self.fallback[-1].height

    @property
    def src(self) -> Variant:
        """The fallback variant for plain ``src``: the largest no wider than DISPLAY_WIDTH."""
        fitting = [v for v in self.fallback if v.width <= DISPLAY_WIDTH]
        return fitting[-1] if fitting else self.fallback[0]

    @property
    def share(self) -> Variant:
        return self.fallback[-1]


@dataclass(frozen=True)
class SourceInfo:
    """What a poster source is, as read once: its hash, size and whether it has alpha."""

    digest: str
    width: int
    height: int
    alpha: bool


class Card(NamedTuple):
    """A share card: what it shows, and its path in the site, named by the hash of that
    (cards are drawn before the catalogue settles slugs, and two films that show the
    same card share its file). Plain values: cards are handed to other processes."""

    title: str
    year: int
    hue: int
    path: str


def share_card(title: str, year: int) -> Card:
    hue = title_hue(title)
    return Card(title, year, hue, f"share/{card_digest(title, year, hue)}.png")


@dataclass(frozen=True)
class Media:
    """The images of a site: poster variants and share cards by film slug, and every
    image file to put into the site (site path -> the variant's name in the store, or
    the card's own path)."""

    posters: dict[str, PosterSet]
    share: dict[str, str]  # site path of the generated share card, for films with no poster
    files: dict[str, str]
    cards: dict[str, Card]  # the share cards, by site path

    def share_image(self, film) -> str | None:
        """The site path of a film's Open Graph image: its largest poster variant, the
        poster itself (an SVG, say), or its generated share card."""
        poster = self.posters.get(film.slug)
        return poster.share.path if poster else film.poster or self.share.get(film.slug)


NO_MEDIA = Media({}, {}, {}, {})


def title_hue(title: str) -> int:
    """A stable colour (hue in degrees) for a film's placeholder poster and share card."""
    return int.from_bytes(hashlib.sha1(title.encode()).digest()[:2], "big") % 360


class ImageProblem(Exception):
    """A poster that cannot be used; the message says why, for the film's error."""


def source_digest(data: bytes) -> str:
    return hashlib.blake2b(VERSION.encode() + data, digest_size=8).hexdigest()


def variant_widths(width: int) -> tuple[int, ...]:
    """The widths to make for a source ``width`` pixels wide: never upscaled."""
    widths = sorted({min(w, width) for w in POSTER_WIDTHS})
    return tuple(widths)


def poster_info(data: bytes) -> SourceInfo:
    """What a poster is, its variants not made (``check``). Raises ImageProblem for a
    file Pillow cannot use, as :func:`poster_variants` does."""
    return _source(data)[1]


def _source(data: bytes) -> tuple[Image.Image, SourceInfo]:
    image = _open(data)
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image, SourceInfo(source_digest(data), image.width, image.height, alpha)


def poster_variants(data: bytes) -> tuple[SourceInfo, dict[str, bytes]]:
    """What a poster is, and its variants, by their names in the store (named by the
    source's hash). Raises ImageProblem for a file Pillow cannot use."""
    image, info = _source(data)
    image = image.convert("RGBA" if info.alpha else "RGB")
    variants = poster_set("", info)
    made = {}
    for webp, fallback in zip(variants.webp, variants.fallback, strict=True):
        resized = image.resize((webp.width, webp.height), Image.Resampling.LANCZOS)
        for variant in (webp, fallback):
            made[variant.stored] = _encoded(resized, variant.stored)
    return info, made


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem(
                    f"is {image.width}×{image.height} pixels; "
                    f"expected at most {MAX_PIXELS // 1_000_000} megapixels"
                )
            image.seek(0)
            image.load()
            return ImageOps.exif_transpose(image)
        except ImageProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageProblem(
                f"is too large to read safely; expected at most {MAX_PIXELS // 1_000_000} "
                "megapixels"
            ) from exc
        except UnidentifiedImageError as exc:
            raise ImageProblem(
                f"is not an image Pillow can read ({exc.__class__.__name__})"
            ) from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageProblem(f"is damaged or truncated ({exc})") from exc


def fallback_ext(info: SourceInfo) -> str:
    return "png" if info.alpha else "jpg"


def _encoded(image: Image.Image, name: str) -> bytes:
    """The image in the format of the name's extension."""
    buffer = io.BytesIO()
    if name.endswith(".webp"):
        image.save(buffer, "WEBP", quality=80, method=4)
    elif name.endswith(".png"):
        image.save(buffer, "PNG", compress_level=6)
    else:
        image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def poster_set(slug: str, info: SourceInfo) -> PosterSet:
    """The site paths and sizes of a film's poster variants."""
    webp, fallback = [], []
    for width in variant_widths(info.width):
        height = max(1, round(info.height * width / info.width))
        for ext, out in (("webp", webp), (fallback_ext(info), fallback)):
            stored = f"{info.digest}-{width}.{ext}"
            out.append(Variant(f"posters/{slug}-{stored}", width, height, stored))
    return PosterSet(tuple(webp), tuple(fallback))


def card_digest(title: str, year: int, hue: int) -> str:
    """The name of a film's share card: what it shows, and the fonts it is drawn with
    (a system font installed or removed changes the card, so it gets a new name)."""
    return hashlib.blake2b(
        f"{CARD_VERSION}|{title}|{year}|{hue}|{fonts_key(title)}".encode(), digest_size=8
    ).hexdigest()


def share_card_png(title: str, year: int, hue: int) -> bytes:
    """A 600×315 PNG in the film's colour with its title and year, for link previews.

    Titles are drawn in every script: Latin, Greek and Cyrillic with the bundled Noto
    Sans, other scripts with a font of the system that has them (``cardtext.system_fonts``),
    and a line no font here can draw as its transliteration (归途列车 as "Gui Tu Lie Che"),
    never as empty boxes. The text is drawn from a cache of glyphs in 16 grey levels, as
    the indexes of a palette that runs from the film's colour to white, and written as a
    4-bit PNG (:func:`png_4bit`).
    """
    # Two columns more on the left, always 0: packed two pixels a byte, each row then
    # starts with a 0 byte, which is the "no filter" byte that PNG puts before every row.
    mask = Image.new("P", (CARD_SIZE[0] + 2, CARD_SIZE[1]), 0)
    draw = ImageDraw.Draw(mask)
    for row, line in enumerate(wrap(drawable(title), TITLE_SIZE, CARD_SIZE[0] - 2 * MARGIN)):
        draw_line(draw, (MARGIN, 100 + 52 * row), line, TITLE_SIZE, LEVELS - 1)
    draw_line(draw, (MARGIN, 275), str(year), 30, LEVELS - 3)
    return png_4bit(CARD_SIZE, _ramp(hue), mask.tobytes("raw", "P;4"))


def png_4bit(size: tuple[int, int], palette: list[int], rows: bytes) -> bytes:
    """A PNG of 16 colours (``palette``: 48 RGB values) from its scanlines, each a filter
    byte (0) and the row's pixels two to a byte, high half first. Pillow's writer makes the
    same image but tries every filter on every row: twice the time for a share card. The
    pixels are deflated at level 1 (by ISA-L where the "fast" extra is installed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", *size, 4, 3, 0, 0, 0)  # 4 bits, palette, no interlace
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"PLTE", bytes(palette)),
            chunk(b"IDAT", _deflate(rows, 1)),
            chunk(b"IEND", b""),
        )
    )


@lru_cache(maxsize=360)
def _ramp(hue: int) -> list[int]:
    """A palette from the film's colour (index 0) to white (the last index)."""
    red, green, blue = colorsys.hls_to_rgb(hue / 360, 0.28, 0.45)
    base = (round(red * 255), round(green * 255), round(blue * 255))
    top = LEVELS - 1
    return [round(c + (255 - c) * k / top) for k in range(LEVELS) for c in base]

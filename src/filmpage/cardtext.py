"""Text on share cards, in every script: which font draws each letter, how a title is
laid out and wrapped, and what is drawn when no font here has a script.

The bundled font (Noto Sans Bold cut to Latin, Greek and Cyrillic, under the SIL Open
Font License: ``fonts/OFL.txt``) draws those scripts the same on every machine; other
scripts come from the system's fonts, found by file name (:data:`SYSTEM_FONTS`), and a
title that none of them has is drawn as its transliteration, never as empty boxes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii
from PIL import Image, ImageDraw, ImageFont, features

_CJK = "\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff"
_PIECES = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")  # spaces, one CJK character, a word


def draw_line(
    draw: ImageDraw.ImageDraw, at: tuple[int, int], text: str, size: int, value: int
) -> None:
    """Put a line, its baseline's left end at ``at``, each glyph's grey blending the palette
    index ``value`` over what is there. Glyph by glyph from a cache (``bitmap`` gives the
    very pixels of ``Image.paste`` with a mask, in two thirds of the time), each from the
    first font that has it; a line in a script whose letters join or reorder (Arabic,
    Hebrew, the scripts of India...) is laid out whole by FreeType and Raqm."""
    x, y = at
    if _complex(text):
        font = _font(_line_font(text), size)
        layout = "rtl" if _RTL.search(text) else None
        glyph = font.getmask(text, direction=layout, anchor="ls")
        left, top = font.getbbox(text, direction=layout, anchor="ls")[:2]
        draw.bitmap((x + left, y + top), Image.frombytes("L", glyph.size, bytes(glyph)), fill=value)
        return
    for char in text:
        glyph, left, top, advance = _glyph(char, size)
        if glyph is not None:
            draw.bitmap((round(x) + left, y + top), glyph, fill=value)
        x += advance


@lru_cache(maxsize=4096)
def _glyph(char: str, size: int) -> tuple[Image.Image | None, int, int, float]:
    """One character drawn once, from the first font that has it: its mask (None for a
    space), its offset from the baseline's point, and its advance."""
    font = _font(_char_font(char), size)
    left, top, right, bottom = (round(v) for v in font.getbbox(char, anchor="ls"))
    glyph = None
    if right > left and bottom > top:
        glyph = Image.new("L", (right - left, bottom - top), 0)
        ImageDraw.Draw(glyph).text((-left, -top), char, fill=255, font=font, anchor="ls")
    return glyph, left, top, font.getlength(char)


def _advance(text: str, size: int) -> float:
    if _complex(text):
        return _font(_line_font(text), size).getlength(text)
    return sum(_glyph(char, size)[3] for char in text)


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


# Fonts: the bundled one first, then the system's, each used for what the ones before it
# lack. Looked for by file name in the usual folders (Linux, macOS, Windows), in this order.
BUNDLED_FONT = str(Path(__file__).parent / "fonts" / "NotoSans-Bold-LGC.ttf")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")  # fmt: skip
SYSTEM_FONTS = (
    "NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf", "wqy-zenhei.ttc", "wqy-microhei.ttc", "DroidSansFallbackFull.ttf",
    "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf", "NotoSansDevanagari-Bold.ttf",
    "NotoSansBengali-Bold.ttf", "NotoSansTamil-Bold.ttf", "NotoSansTelugu-Bold.ttf",
    "NotoSansThai-Bold.ttf", "NotoSansArmenian-Bold.ttf", "NotoSansGeorgian-Bold.ttf",
    "NotoSansEthiopic-Bold.ttf", "PingFang.ttc", "Hiragino Sans GB.ttc", "AppleSDGothicNeo.ttc",
    "GeezaPro.ttc", "msyhbd.ttc", "msyh.ttc", "YuGothB.ttc", "malgunbd.ttf", "arialbd.ttf",
    "DejaVuSans-Bold.ttf",
)  # fmt: skip
TRANSLITERATED = "-"  # in a card's font key: a line drawn as its transliteration
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _complex(text: str) -> bool:
    """Whether a line needs laying out whole: a right-to-left script, or marks that join
    the letters around them (the scripts of India and South-East Asia); the accents of
    Latin, Greek and Cyrillic are one glyph with their letter once composed (NFC)."""
    return bool(_RTL.search(text)) or any(
        unicodedata.category(c) in ("Mn", "Mc") and not 0x300 <= ord(c) < 0x370 for c in text
    )


@lru_cache(maxsize=1)
def system_fonts() -> tuple[str, ...]:
    """The system's fonts that cards may use, best first: those named in SYSTEM_FONTS,
    then any other Noto Sans Bold, by name."""
    found: dict[str, str] = {}
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            for here, dirs, names in os.walk(root):
                dirs.sort()
                for name in sorted(names):
                    found.setdefault(name, os.path.join(here, name))
    named = [found[n] for n in SYSTEM_FONTS if n in found]
    others = sorted(p for n, p in found.items() if re.fullmatch(r"NotoSans\w+-Bold\.ttf", n))
    return tuple(dict.fromkeys(named + others))


@lru_cache(maxsize=8192)
def _has(path: str, char: str) -> bool:
    """Whether a font draws ``char`` as itself, not as its box for a missing glyph."""
    font = _font(path, 24)
    mask = font.getmask(char)
    missing = font.getmask("\uffff")  # a noncharacter: no font maps it
    drawn = mask.size[0] > 0 and mask.size[1] > 0  # an empty glyph is as good as none
    return drawn and (mask.size != missing.size or bytes(mask) != bytes(missing))


@lru_cache(maxsize=8192)
def _char_font(char: str) -> str:
    if char.isspace() or _has(BUNDLED_FONT, char):
        return BUNDLED_FONT
    return next((p for p in system_fonts() if _has(p, char)), BUNDLED_FONT)


@lru_cache(maxsize=1024)
def _line_font(text: str) -> str:
    """The first system font that has every letter of a complex-script line."""
    letters = [c for c in text if not c.isspace()]
    return next((p for p in system_fonts() if all(_has(p, c) for c in letters)), TRANSLITERATED)


def drawable(title: str) -> str:
    """The title as it will be drawn: letters that no font here has, and lines of a
    complex script that no font has whole (or that Raqm cannot lay out), transliterated."""
    title = unicodedata.normalize("NFC", " ".join(title.split()))
    if _complex(title) and (not features.check("raqm") or _line_font(title) == TRANSLITERATED):
        return anyascii(title)
    kept = (
        c
        if c.isspace() or _char_font(c) != BUNDLED_FONT or _has(BUNDLED_FONT, c)
        else f" {anyascii(c)} "
        for c in title
    )
    return " ".join("".join(kept).split())


def fonts_key(title: str) -> str:
    """Which fonts a card's title is drawn with, besides the bundled one: part of the
    card's name, so the same title gives the same bytes wherever those fonts are."""
    if title.isascii():  # the bundled font has every character: the usual case, at once
        return ""
    text = drawable(title)
    if _complex(text):
        return os.path.basename(_line_font(text))
    used = {_char_font(c) for c in text if not c.isspace()} - {BUNDLED_FONT}
    return ",".join(sorted(os.path.basename(p) for p in used))


def wrap(text: str, size: int, width: int, lines: int = 3) -> list[str]:
    """The title in at most ``lines`` lines no wider than ``width`` pixels, broken between
    words, or between any two characters of Chinese, Japanese or Korean; the last line
    ends with "…" when the title is longer."""
    pieces = re.findall(
        r"\s+|[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\s\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]+",
        text,
    )
    out: list[str] = []
    line = ""
    for piece in pieces:
        if piece.isspace():
            line += " " if line else ""
            continue
        if line and _advance(line + piece, size) > width:
            out.append(line.rstrip())
            line = piece
        else:
            line += piece
    out.append(line.rstrip())
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and _advance(last + "…", size) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out

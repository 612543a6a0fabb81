"""Draw the example catalogue's posters from each record's own data: title, original title,
director and year, on the film's colour (the hue its placeholder and share card use), with
a motif chosen from its slug. Nothing is copied from a real poster.

    python scripts/draw_posters.py            # every record in content/films
    python scripts/draw_posters.py SLUG...    # those records only

The posters are written to static/posters/<slug>.jpg (600×900) and are under this
project's licence. The fonts are Noto Sans Display and Noto Sans CJK / WenQuanYi Zen Hei
from Debian's fonts-noto-core and fonts-wqy-zenhei (SIL Open Font License and GPL with the
font exception: images drawn with them are free of both).
"""

from __future__ import annotations

import colorsys
import hashlib
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from filmpage.images import title_hue

ROOT = Path(__file__).resolve().parents[1]
SIZE = (600, 900)
NOTO = Path("/usr/share/fonts/truetype/noto")
TITLE_FONT = NOTO / "NotoSansDisplay-Bold.ttf"
SMALL_FONT = NOTO / "NotoSans-Bold.ttf"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def gradient(top, bottom) -> Image.Image:
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE[1]):
        t = y / (SIZE[1] - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)
    return image


def motif(image: Image.Image, hue: int, seed: bytes) -> None:
    """One of four quiet shapes: a low sun over bands of land, rails to a vanishing point,
    rings, or a horizon of stacked hills."""
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    kind = seed[0] % 4
    light = (*rgb(hue + 25, 0.72, 0.65), 200)
    if kind == 0:
        cx, r = 150 + seed[1] % 300, 90 + seed[2] % 60
        draw.ellipse([cx - r, 430 - r, cx + r, 430 + r], fill=light)
        for i in range(6):
            y = 470 + i * 26
            draw.rectangle(
                [0, y, SIZE[0], y + 14], fill=(*rgb(hue + 40, 0.12 + i * 0.02, 0.4), 235)
            )
    elif kind == 1:
        vx = 220 + seed[1] % 160
        for i in range(-6, 7):
            draw.line(
                [(vx, 330), (vx + i * 120, SIZE[1])], fill=(*rgb(hue + 30, 0.8, 0.5), 90), width=3
            )
        for i in range(1, 12):
            y = 330 + (i**2) * 4.5
            draw.line([(0, y), (SIZE[0], y)], fill=(*rgb(hue + 30, 0.8, 0.5), 60), width=2)
        draw.ellipse([vx - 10, 320, vx + 10, 340], fill=light)
    elif kind == 2:
        cx, cy = 300 + (seed[1] % 120) - 60, 420
        for i in range(9, 0, -1):
            r = i * 34
            draw.ellipse(
                [cx - r, cy - r, cx + r, cy + r],
                outline=(*rgb(hue + 20 + i * 6, 0.7, 0.6), 70 + i * 12),
                width=3,
            )
    else:
        for i in range(5):
            y = 380 + i * 60 + seed[i + 1] % 30
            points = [
                (x, y + 40 * ((x + seed[i] * 7) % 240 - 120) ** 2 / 14400)
                for x in range(0, SIZE[0] + 20, 20)
            ]
            draw.polygon(
                [*points, (SIZE[0], SIZE[1]), (0, SIZE[1])],
                fill=(*rgb(hue + 30 - i * 8, 0.45 - i * 0.07, 0.5), 230),
            )
    image.paste(layer.filter(ImageFilter.GaussianBlur(0.6)), (0, 0), layer)


def fit(text: str, path: Path, width: int, start: int, least: int) -> ImageFont.FreeTypeFont:
    size = start
    while size > least and ImageFont.truetype(str(path), size).getlength(text) > width:
        size -= 2
    return ImageFont.truetype(str(path), size)


def lines_of(title: str, font_path: Path, width: int) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The title in one to three lines, as large as fits."""
    words = title.upper().split()
    for size in range(96, 40, -4):
        font = ImageFont.truetype(str(font_path), size)
        lines, line = [], ""
        for word in words:
            if line and font.getlength(f"{line} {word}") > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        if len(lines) <= 3 and all(font.getlength(text) <= width for text in lines):
            return lines, font
    return lines, font


def draw_poster(record: dict, slug: str) -> Image.Image:
    hue = title_hue(record["title"])
    seed = hashlib.sha256(slug.encode()).digest()
    image = gradient(rgb(hue, 0.30, 0.45), rgb(hue + 40, 0.08, 0.5))
    motif(image, hue, seed)
    draw = ImageDraw.Draw(image)
    ink = (250, 248, 242)
    credits = record.get("credits") or {}
    directors = credits.get("directors") or []
    directors = [directors] if isinstance(directors, str) else directors
    if directors:
        byline = "A FILM BY " + " & ".join(directors).upper()
        font = fit(byline, SMALL_FONT, 520, 22, 14)
        draw.text((300, 70), byline, font=font, fill=ink, anchor="mm")
    lines, font = lines_of(str(record["title"]), TITLE_FONT, 520)
    step = font.size * 1.02
    top = 120 + step / 2  # the first line's middle, clear of the byline
    for i, line in enumerate(lines):
        draw.text((300, top + i * step), line, font=font, fill=ink, anchor="mm")
    if record.get("original_title"):
        cjk = ImageFont.truetype(str(CJK_FONT), 40)
        draw.text(
            (300, top + len(lines) * step + 10),
            record["original_title"],
            font=cjk,
            fill=ink,
            anchor="mm",
        )
    year = ImageFont.truetype(str(SMALL_FONT), 26)
    draw.text((300, 845), str(record["year"]), font=year, fill=ink, anchor="mm")
    return image


def main() -> None:
    wanted = set(sys.argv[1:])
    for path in sorted((ROOT / "content/films").glob("*.md")):
        slug = path.stem
        if wanted and slug not in wanted:
            continue
        record = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        target = ROOT / "static/posters" / f"{slug}.jpg"
        draw_poster(record, slug).save(target, quality=86, optimize=True, progressive=True)
        print(target.relative_to(ROOT), target.stat().st_size)


if __name__ == "__main__":
    main()

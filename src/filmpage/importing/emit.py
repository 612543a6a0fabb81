"""YAML written by importers: every text double-quoted, so no reader turns ``1917`` into
a number, ``NO`` into false or ``Title: Part 2`` into a mapping. Numbers, dates and
true/false are written bare only in the fields whose type they are.
"""

from __future__ import annotations

import json
import re
from typing import Any

ORDER = ("title", "slug", "original_title", "year", "tagline", "runtime", "release_date",
         "genres", "countries", "languages", "content_rating", "studio", "distributor",
         "poster", "trailer", "credits", "critics", "top_critics", "customer_reviews",
         "related", "offers", "draft", "plot", "ids", "source")  # fmt: skip
NUMBER_KEYS = {"year", "runtime", "reviews_counted", "fresh", "rotten", "average_rating",
               "tomatometer", "rating", "price", "tmdb"}  # fmt: skip
DATE_KEYS = {"release_date", "date"}
BOOL_KEYS = {"draft"}
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def ordered(values: dict[str, Any]) -> list[str]:
    return [k for k in ORDER if k in values] + [k for k in values if k not in ORDER]


def key_text(key: str) -> str:
    return key if _PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def entry_lines(key: str, value: Any, indent: int) -> list[str]:
    """One mapping entry as block YAML lines, indented by ``indent`` spaces."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        return [f"{pad}{key_text(key)}:"] + [
            line for k, v in value.items() for line in entry_lines(k, v, indent + 2)
        ]
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return [f"{pad}{key_text(key)}:"] + [f"{pad}  - {flow(v, key)}" for v in value]
    return [f"{pad}{key_text(key)}: {flow(value, key)}"]


def flow(value: Any, key: str = "") -> str:
    """A value on one line: flow mappings and lists, quoted texts."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key_text(k)}: {flow(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v, key) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if key in NUMBER_KEYS and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    if key in DATE_KEYS and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if key in BOOL_KEYS and text in ("true", "false"):
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """A double-quoted YAML text. YAML 1.1 reads a raw NEL, LS or PS inside quotes as a
    line break (and folds it to a space), so those are written as escapes."""
    out = json.dumps(text, ensure_ascii=False)
    if "\u2028" in out or "\u2029" in out:
        out = out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return out


def as_text(value: Any) -> Any:
    """A value as the build's reader sees it once written: every scalar as its text."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def record_text(values: dict[str, Any], yaml_only: bool = False) -> str:
    """A whole record: YAML front matter then the plot (or, for a .yaml record, the plot
    in ``plot:``)."""
    values = dict(values)
    plot = "" if yaml_only else values.pop("plot", "")
    lines = [line for key in ordered(values) for line in entry_lines(key, values[key], 0)]
    if yaml_only:
        return "\n".join(lines) + "\n"
    return "---\n" + "\n".join(lines) + "\n---\n" + (plot.strip() + "\n" if plot else "")

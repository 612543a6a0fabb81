"""Values as JSON text, for the build store: data that can be read back, never code.

The store keeps films, outlines and page plans between builds. Pickles would be quicker
to write but run code when read, and the store sits in a folder anyone who can write
beside the output could fill; JSON holds data only. Each dataclass of the registry is
written as a one-key object naming its class, ``{"@Credit": ["Lixin Fan", ""]}``, its
fields by position; dates and decimals likewise; lists are read back as tuples, as the
frozen dataclasses hold them. A film shown by a page is written as
``{"@FilmRef": [slug]}`` (:class:`FilmRef`), and a list of films as ``{"@FilmRefs": [[slug, ...]]}``
(:class:`FilmRefs`), so a page's data names the films it shows without holding them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from operator import attrgetter
from typing import Any


@dataclass(frozen=True, slots=True)
class FilmRef:
    """A film named by its slug where a page's data shows it: the render stage puts the
    film itself in its place."""

    slug: str


@dataclass(frozen=True, slots=True)
class FilmRefs:
    """Films named by their slugs, in order, where a page's data lists them (a page of
    cards): one value for the list, not one for each film, to write and to hash."""

    slugs: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.slugs)

    def __getitem__(self, part: slice) -> FilmRefs:
        return FilmRefs(self.slugs[part])


class Codec:
    """JSON for the values of the given dataclasses (and of :class:`FilmRef` and
    :class:`FilmRefs`)."""

    def __init__(self, types: Iterable[type]):
        self.types = {cls.__name__: cls for cls in (*types, FilmRef, FilmRefs)}
        self.getters = {cls: (f"@{name}", _getter(cls)) for name, cls in self.types.items()}

    def dumps(self, value: Any) -> str:
        return json.dumps(value, default=self._default, ensure_ascii=False, separators=(",", ":"))

    def dumps_shown(self, value: Any) -> tuple[str, tuple[str, ...]]:
        """``value`` as text, and the slugs of the films it names, in order, once each."""
        shown: dict[str, None] = {}

        def default(obj: Any) -> Any:
            kind = type(obj)
            if kind is FilmRefs:
                shown.update(dict.fromkeys(obj.slugs))
            elif kind is FilmRef:
                shown[obj.slug] = None
            return self._default(obj)

        text = json.dumps(value, default=default, ensure_ascii=False, separators=(",", ":"))
        return text, tuple(shown)

    def loads(self, text: str) -> Any:
        return _tuples(json.loads(text, object_hook=self._object))

    def _default(self, obj: Any) -> Any:
        found = self.getters.get(type(obj))
        if found is not None:
            tag, get = found
            return {tag: get(obj)}
        if type(obj) is dt.date:
            return {"@date": obj.isoformat()}
        if type(obj) is Decimal:
            return {"@decimal": str(obj)}
        raise TypeError(f"{type(obj).__name__} is not data the store keeps")

    def _object(self, obj: dict) -> Any:
        if len(obj) != 1:
            return obj
        ((key, value),) = obj.items()
        if not key.startswith("@"):
            return obj
        if key == "@date":
            return dt.date.fromisoformat(value)
        if key == "@decimal":
            return Decimal(value)
        cls = self.types.get(key[1:])
        if cls is None:
            raise ValueError(f"unknown type {key!r} in the store")
        return cls(*[_tuples(v) for v in value])


def _getter(cls: type):
    """A function giving the fields of a ``cls`` object as a list."""
    names = [f.name for f in fields(cls) if f.init]
    if len(names) == 1:
        name = names[0]
        return lambda obj: [getattr(obj, name)]
    get = attrgetter(*names)
    return lambda obj: list(get(obj))


def _tuples(value: Any) -> Any:
    """Lists read back as tuples, as the dataclasses hold them (dictionaries kept)."""
    if type(value) is list:
        return tuple(_tuples(v) for v in value)
    if type(value) is dict:
        return {k: _tuples(v) for k, v in value.items()}
    return value

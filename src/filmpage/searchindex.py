"""The search index: every film's words, split into small files by their first letters,
so that a query downloads only the few files its words need.

Words come from the title, original title, the people credited and the plot. They are
lowercased with accents removed (``Amélie`` is found by ``amelie``); Chinese, Japanese
and Korean text, which has no spaces, is indexed by single characters and pairs of
characters, so 归途 finds 归途列车. Each file ``search/words/<hex of the key>.json`` maps the
words that start with its key (their first two letters, or first CJK character) to the
films that contain them, as positions in the facet index (``films.json``), which holds
what a result shows. ``static/js/filmpage.js`` splits a query the same way and matches
words by prefix, so results come as you type, from the site alone.

(Pagefind, tried first, took 13 s and 1 GB of memory to index 10,000 films and cannot
update an index in part; this takes 2 s for 10,000 films, within the build's memory.)
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import insort
from collections import defaultdict
from collections.abc import Callable

from .structured import plain_text

SEARCH_DIR = "search/words"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lowercase, without accents: what both the index and a query are compared as."""
    if text.isascii():  # no accents to take off: the usual case, and much quicker
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> set[str]:
    """The searchable words of a text: Latin-script words of two letters or more, and CJK
    characters and character pairs."""
    text = fold(text)
    if text.isascii():  # letters and digits kept, all else a space: 3 times quicker
        return {word for word in text.encode().translate(_SPACED).decode().split() if len(word) > 1}
    found = set()
    for run in CJK.findall(text):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    text = CJK.sub(" ", text)
    for word in WORD.findall(text):
        if len(word) > 1:
            found.add(word)
    return found


_SPACED = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))


def shard_key(word: str) -> str:
    return word[:2] if word[0] < "\u3040" else word[0] if CJK.match(word) else word[:2]


def shard_file(key: str) -> str:
    return f"{SEARCH_DIR}/{key.encode().hex()}.json"


def film_words(film) -> set[str]:
    people = " ".join(c.name for role in film.credits for c in role.people)
    text = " ".join((film.title, film.original_title or "", people, plain_text(film.plot_html)))
    return words(text)


def search_files(film_words: list[str]) -> dict[str, bytes]:
    """Every file of the index, by site path, from each film's words in catalogue order
    (space-separated: made by :func:`film_words` when the record was loaded)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for number, text in enumerate(film_words):
        for word in text.split():
            postings[word].append(number)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word, numbers in postings.items():
        shards[shard_key(word)][word] = numbers
    return {shard_file(key): shard_bytes(shard) for key, shard in sorted(shards.items())}


def shard_bytes(postings: dict[str, list[int]]) -> bytes:
    return json.dumps(
        {word: postings[word] for word in sorted(postings)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def patch_search_files(
    read: Callable[[str], bytes | None], changes: list[tuple[int, str, str]]
) -> dict[str, bytes | None]:
    """The files of the index that change when some films' words do, without the others:
    ``changes`` holds each such film's position and its words before and after, and
    ``read`` gives a file of the index as it is now (None when there is none). A file
    left with no word is given as None. Raises ValueError when the files read do not
    hold the words said to be there before."""
    edits: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
    for number, before, after in changes:
        old, new = set(before.split()), set(after.split())
        for word in old - new:
            edits[shard_key(word)].append((word, number, False))
        for word in new - old:
            edits[shard_key(word)].append((word, number, True))
    files: dict[str, bytes | None] = {}
    for key, items in sorted(edits.items()):
        data = read(shard_file(key))
        postings: dict[str, list[int]] = json.loads(data) if data is not None else {}
        for word, number, added in items:
            numbers = postings.setdefault(word, [])
            if added and number not in numbers:
                insort(numbers, number)
            elif not added:
                numbers.remove(number)  # ValueError when it is not there
            if not numbers:
                del postings[word]
        files[shard_file(key)] = shard_bytes(postings) if postings else None
    return files

"""Templates' compiled code, kept in the build store for the next build (a Jinja
bytecode cache): a build that renders a few pages then reads its templates' code back
instead of compiling them all again, which was most of an edit's rendering.

Compiled code is code, which the build runs. Each entry is signed with a key of this
user's, kept outside the site (:func:`user_key`), so an entry that does not verify
(damaged, or put there by someone else: a store committed with a site, or planted in
its cache folder) is never loaded: its template is compiled again. Each language's
environment has entries of its own, named by what its code is compiled with
(:func:`code_caches`): its messages, formats and links are worked out as it compiles
(``render.make_environment``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import jinja2

from .. import __version__
from .memory import Memory

KEY_BYTES = 32


def user_key(home: Path | None = None) -> bytes | None:
    """This user's key for signing compiled code, made the first time (a private file in
    the user's cache folder, ``~/.cache/filmpage/key``); None when it can be neither
    read nor made (then nothing compiled is kept)."""
    base = home or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "filmpage" / "key"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            key = handle.read(KEY_BYTES + 1)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return key if len(key) == KEY_BYTES else None


class CompiledCode(jinja2.BytecodeCache):
    """One environment's compiled templates: those of the last builds (``known``, by
    entry name: code and signature), and what this build used or compiled (``used``)."""

    def __init__(self, known: dict[str, tuple[bytes, bytes]], key: bytes, prefix: str):
        self.known, self.key, self.prefix = known, key, prefix
        self.used: dict[str, tuple[bytes, bytes]] = {}
        self.compiled = False  # whether a template was compiled (not read back)

    def _sign(self, name: str, code: bytes) -> bytes:
        return hashlib.blake2b(name.encode() + b"\0" + code, key=self.key).digest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = self.prefix + bucket.key
        found = self.known.get(name)
        if found and hmac.compare_digest(found[1], self._sign(name, found[0])):
            bucket.bytecode_from_string(found[0])  # (Jinja drops it for another source)
            self.used[name] = found

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = self.prefix + bucket.key
        code = bucket.bytecode_to_string()
        self.used[name] = (code, self._sign(name, code))
        self.compiled = True


def code_caches(memory: Memory, made_with: dict[str, bytes]) -> dict[str, CompiledCode]:
    """A code cache for each language's environment, by code; ``made_with`` is what
    each language's templates are compiled with (settings, messages, files linked at
    the site's root), as bytes; none when this user has no key."""
    key = user_key()
    if key is None:
        return {}
    known = memory.compiled()
    return {
        code: CompiledCode(
            known, key, hashlib.blake2b(f"{__version__}|{code}|".encode() + what).hexdigest()
        )
        for code, what in made_with.items()
    }


def compiled_now(caches: list) -> dict[str, tuple[bytes, bytes]] | None:
    """What the store should keep after this build (``caches``: its environments'):
    the code they used, when one of them compiled a template since it was last asked
    (a preview server keeps its environments); None when nothing is new."""
    caches = [cache for cache in caches if isinstance(cache, CompiledCode)]
    if not any(cache.compiled for cache in caches):
        return None
    for cache in caches:
        cache.compiled = False
    return {name: entry for cache in caches for name, entry in cache.used.items()}

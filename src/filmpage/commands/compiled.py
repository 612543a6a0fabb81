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
import stat
from collections.abc import Iterable
from pathlib import Path

import babel
import jinja2

from .. import __version__
from .memory import Memory

KEY_BYTES = 32


def user_key(cache: Path | None = None) -> bytes | None:
    """This user's key for signing what a build runs or publishes as it is (compiled code,
    rendered cards), made the first time: a file of the user's own, readable by them
    alone, in their cache folder (``cache``, by default ``$XDG_CACHE_HOME`` when it is an
    absolute path, else ``~/.cache``) under ``filmpage/key``. None when it can be neither
    made nor trusted (then nothing of the kind is kept)."""
    try:
        folder = (cache or _cache_home()) / "filmpage"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "key"
        if not os.path.lexists(path):  # made whole, then linked: never seen half-written
            temporary = folder / f".key-{os.getpid()}-{secrets.token_hex(4)}"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
            try:
                os.link(temporary, path)
            except FileExistsError:  # another build made it first: theirs is the key
                pass
            finally:
                os.unlink(temporary)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            found = os.fstat(handle.fileno())
            if (not stat.S_ISREG(found.st_mode) or found.st_uid != os.geteuid()
                    or found.st_mode & 0o077):  # fmt: skip
                return None  # not the user's own, or others may read it
            key = handle.read(KEY_BYTES + 1)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return key if len(key) == KEY_BYTES else None


def _cache_home() -> Path:
    configured = os.environ.get("XDG_CACHE_HOME", "")
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".cache"


def signed(key: bytes, *parts: bytes) -> bytes:
    """The signature of ``parts`` with this user's key (:func:`user_key`)."""
    return hashlib.blake2b(b"\0".join(parts), key=key).digest()


class CompiledCode(jinja2.BytecodeCache):
    """One environment's compiled templates: those of the last builds (``known``, by
    entry name: code and signature), and what this build used or compiled (``used``)."""

    def __init__(self, known: dict[str, tuple[bytes, bytes]], key: bytes, prefix: str):
        self.known, self.key, self.prefix = known, key, prefix
        self.used: dict[str, tuple[bytes, bytes]] = {}
        self.compiled = False  # whether a template was compiled (not read back)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = self.prefix + bucket.key
        found = self.known.get(name)
        if found and hmac.compare_digest(found[1], signed(self.key, name.encode(), found[0])):
            bucket.bytecode_from_string(found[0])  # (Jinja drops it for another source)
            self.used[name] = found

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = self.prefix + bucket.key
        code = bucket.bytecode_to_string()
        self.used[name] = (code, signed(self.key, name.encode(), code))
        self.compiled = True


def code_caches(memory: Memory, codes: Iterable[str], made_with: bytes) -> dict[str, CompiledCode]:
    """A code cache for the environment of each of these languages, by code; ``made_with``
    is what the templates are compiled with besides the language (settings, messages,
    files linked at the site's root), as bytes; none when this user has no key."""
    key = user_key()
    if key is None:
        return {}
    known = memory.compiled()
    versions = f"{__version__}|{jinja2.__version__}|{babel.__version__}"
    return {
        code: CompiledCode(
            known, key, hashlib.blake2b(f"{versions}|{code}|".encode() + made_with).hexdigest()
        )
        for code in codes
    }


def compiled_now(caches: list) -> dict[str, tuple[bytes, bytes]] | None:
    """What the store should keep after this build (``caches``: its environments'): the
    code kept for these environments, with what they compiled, when one of them compiled
    a template since it was last asked (a preview server keeps its environments); None
    when nothing is new. Only this process's: code compiled in a render worker is not
    kept (the templates of the pages to render are compiled here, before they fork)."""
    caches = [cache for cache in caches if isinstance(cache, CompiledCode)]
    if not any(cache.compiled for cache in caches):
        return None
    for cache in caches:
        cache.compiled = False
    prefixes = tuple(cache.prefix for cache in caches)  # (the others are of other settings)
    kept = {name: entry for name, entry in caches[0].known.items() if name.startswith(prefixes)}
    return kept | {name: entry for cache in caches for name, entry in cache.used.items()}

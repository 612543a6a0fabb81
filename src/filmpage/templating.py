"""Template files and template faults.

* :class:`TemplateFiles` finds templates by name in the site's ``templates/`` and then
  the theme's, and reads each once under the file rule (:mod:`filmpage.inputs`): a regular
  file of at most 1 MiB, UTF-8, not a symlink leading outside the site.
* :func:`template_sources` reads every template there is, used or not, and reports what
  cannot be (a stray image, a Latin-1 file, a named pipe); the build fingerprints pages
  with these very sources.
* :func:`placed_faults` turns whatever a template does wrong (a Jinja error, a Python
  error raised inside it, endless recursion, a loop that does not end) into one
  :class:`FilmpageError` line: the template's file and line, and the page being rendered.
* :class:`Watchdog` stops a template that runs longer than a generous limit.
* :class:`SettledEnvironment` is a Jinja environment whose globals are all set before
  its first template loads.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from .errors import FilmpageError, Problem, Problems
from .inputs import (
    LEAVES_SITE,
    MAX_TEMPLATE_BYTES,
    Refused,
    read_regular,
    real_root,
    utf8_text,
    walk_files,
    within,
)
from .theme import theme_dir


class SettledEnvironment(jinja2.Environment):
    """An environment whose globals are all set before any template is loaded (the
    objects among them may change inside, never the names): each template holds them as
    a dict, not as Jinja's ``ChainMap`` over the environment's. Jinja reads a template's
    globals whole for every context it makes (a page, each ``{% import %}``, each macro
    module), and a ``ChainMap`` answers every key in Python (ledger, docs/performance.md)."""

    def make_globals(self, d):  # type: ignore[override]
        return {**self.globals, **(d or {})}


PAGE_SECONDS = 60.0
"""How long one page's templates may run before the build stops them (a generous limit:
a page takes milliseconds); the environment variable ``FILMPAGE_TEMPLATE_TIMEOUT``
(seconds) changes it."""
MAX_RANGE = 1_000_000
"""The longest ``range()`` a template may make."""


class TemplateFiles(jinja2.BaseLoader):
    """Templates by name from ``folders`` in order (the site's first, then the theme's),
    each read once, under the file rule. Each folder's files must stay inside the folder
    above it (the site, or the theme). Site templates are named in messages as
    ``templates/<name>``; the theme's by their full path."""

    def __init__(self, folders: list[Path]):
        theme = real_root(theme_dir())
        self.folders = [
            (
                folder,
                str(folder) if real_root(folder.parent) == theme else "templates",
                real_root(folder.parent),
            )
            for folder in folders
        ]
        self.sources: dict[str, tuple[str, str]] = {}  # name -> (text, file as shown)
        self.filenames: set[str] = set()

    def get_source(self, environment: jinja2.Environment, template: str):
        known = self.sources.get(template)
        if known is None:
            known = self.sources[template] = self._read(template)
        return known[0], known[1], _up_to_date

    def _read(self, name: str) -> tuple[str, str]:
        pieces = split_template_path(name)  # TemplateNotFound for a name with '..'
        for folder, shown, stay_in in self.folders:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue
            filename = "/".join((shown, *pieces))
            try:
                if not within(path, stay_in):
                    raise Refused(LEAVES_SITE)
                data = read_regular(path, MAX_TEMPLATE_BYTES)
                text = utf8_text(data, "the template")
            except Refused as exc:
                hint = "" if exc.line == 0 else " (pictures belong in static/, not templates/)"
                raise FilmpageError(
                    Problem(filename, exc.line, exc.column, "", exc.message + hint)
                ) from exc
            self.filenames.add(filename)
            return text, filename
        raise jinja2.TemplateNotFound(name)

    def list_templates(self) -> list[str]:
        return sorted(self._names(Problems()))

    def _names(self, problems: Problems) -> set[str]:
        names = set()
        for folder, shown, stay_in in self.folders:
            if folder.is_dir():
                for file, _ in walk_files(folder, shown, stay_in, problems):
                    names.add(file[len(shown) + 1 :])
        return names


def _up_to_date() -> bool:
    return True  # a build reads each template once


def template_sources(env: jinja2.Environment, problems: Problems) -> dict[str, str]:
    """The source of every template the environment's :class:`TemplateFiles` has, by
    name, whether a page uses it or not; each file that cannot be a template (not UTF-8
    text, too large, a named pipe, a symlink leading out) is reported in ``problems``."""
    loader = env.loader
    assert isinstance(loader, TemplateFiles)
    found = Problems()
    sources = {}
    for name in sorted(loader._names(found)):
        try:
            sources[name] = loader.get_source(env, name)[0]
        except FilmpageError as exc:
            found.extend(exc.problems)
        except jinja2.TemplateNotFound:  # gone since it was listed
            continue
    # each problem once, and none for a file inside a folder refused already
    items = list(dict.fromkeys(found.items))
    folders = tuple(p.file + "/" for p in items)
    problems.extend([p for p in items if not p.file.startswith(folders)])
    return sources


class PageTimeout(Exception):
    """Raised in a thread whose template ran past its time (see :class:`Watchdog`)."""


class TemplateLimit(Exception):
    """A template asked for more than a build gives (a range too long)."""


def limited_range(*args: int) -> range:
    """``range`` for templates: at most :data:`MAX_RANGE` numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(
            f"range() of {len(numbers)} numbers; a template may count to {MAX_RANGE} at most"
        )
    return numbers


try:
    _set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
except AttributeError:  # pragma: no cover - not CPython: no watchdog
    _set_async_exc = None


class Watchdog:
    """Stops templates that run past ``seconds``, in whichever thread they run.

    While a thread renders (from :meth:`enter` to :meth:`leave`), a helper thread of this
    process looks at its deadline every second or so; past it, the helper raises
    :class:`PageTimeout` in the rendering thread, which Python delivers between two steps
    of the template's code (again each second, should the template catch it). Entering
    and leaving cost a lock and a dictionary entry: the helper runs only while pages
    render, and a forked process starts its own."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.interval = min(1.0, seconds / 2)
        self._reset()

    def _reset(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.deadlines: dict[int, float] = {}  # by thread id
        self.fired: set[int] = set()
        self.helper: threading.Thread | None = None

    def enter(self) -> int | None:
        """Watch this thread; the token for :meth:`leave` (None when it is watched
        already, a card rendered inside a page, or where no watchdog can work)."""
        if _set_async_exc is None:
            return None
        if self.pid != os.getpid():  # forked: the helper and the lock's state stayed behind
            self._reset()
        ident = threading.get_ident()
        with self.lock:
            if ident in self.deadlines:
                return None
            self.deadlines[ident] = time.monotonic() + self.seconds
            if self.helper is None:
                self.helper = threading.Thread(target=self._run, daemon=True)
                self.helper.start()
        return ident

    def leave(self, ident: int | None) -> None:
        """Stop watching; a PageTimeout raised but not delivered yet is withdrawn."""
        if ident is None:
            return
        while True:
            try:
                with self.lock:
                    self.deadlines.pop(ident, None)
                    if ident in self.fired:
                        self.fired.discard(ident)
                        _set_async_exc(ctypes.c_ulong(ident), None)
                return
            except PageTimeout:  # delivered just as the template ended: nothing to stop
                continue

    def _run(self) -> None:
        idle = 0
        while idle < 3:  # a few quiet looks after the last page, then the helper ends
            time.sleep(self.interval)
            with self.lock:
                idle = 0 if self.deadlines else idle + 1
                now = time.monotonic()
                for ident, deadline in self.deadlines.items():
                    if deadline <= now:
                        self.fired.add(ident)
                        _set_async_exc(ctypes.c_ulong(ident), ctypes.py_object(PageTimeout))
                        self.deadlines[ident] = now + 1.0
                if idle == 3:
                    self.helper = None


def watchdog_seconds() -> float:
    """:data:`PAGE_SECONDS`, or the environment's ``FILMPAGE_TEMPLATE_TIMEOUT``."""
    try:
        seconds = float(os.environ.get("FILMPAGE_TEMPLATE_TIMEOUT", "") or PAGE_SECONDS)
    except ValueError:
        return PAGE_SECONDS
    return seconds if seconds > 0 else PAGE_SECONDS


@contextmanager
def placed_faults(env: jinja2.Environment, what: str, template: str) -> Iterator[None]:
    """Whatever the templates do wrong inside the block, as one placed FilmpageError:
    the file and line of the template where it happened (``template`` when unknown),
    then ``what`` was being rendered ("while rendering films/x/index.html")."""
    watchdog = getattr(env, "watchdog", None)
    watched = watchdog.enter() if watchdog is not None else None
    try:
        try:
            yield
        finally:  # first, so that no PageTimeout can arrive while the fault is placed
            if watched is not None:
                watchdog.leave(watched)
    except FilmpageError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        file = exc.filename or exc.name or template
        raise _fault(file, exc.lineno or 0, what, f"template syntax: {exc.message}") from None
    except Exception as exc:
        file, line = _template_frame(env, exc, template)
        raise _fault(file, line, what, _message(exc, watchdog)) from None


def _fault(file: str, line: int, what: str, message: str) -> FilmpageError:
    return FilmpageError(Problem(file, line, 0, "", f"{what}: {message}"))


def _message(exc: Exception, watchdog: Watchdog | None) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"template not found: {exc.name}"
    if isinstance(exc, jinja2.TemplateError):
        return exc.message or str(exc)
    if isinstance(exc, PageTimeout):
        seconds = watchdog.seconds if watchdog else PAGE_SECONDS
        return (
            f"stopped after {seconds:g} s (a loop that does not end? "
            "FILMPAGE_TEMPLATE_TIMEOUT=<seconds> gives pages longer)"
        )
    if isinstance(exc, RecursionError):
        return (
            "templates call themselves without end (a macro that calls itself, or a "
            "template that includes, imports or extends itself)"
        )
    if isinstance(exc, TemplateLimit):
        return str(exc)
    return f"{exc} ({exc.__class__.__name__})"


def _template_frame(env: jinja2.Environment, exc: BaseException, fallback: str) -> tuple[str, int]:
    """The template file and line where a render error happened (Jinja keeps them in the
    traceback's frames), or ``fallback`` and 0."""
    loader = env.loader
    known = loader.filenames if isinstance(loader, TemplateFiles) else set()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in known or frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno or 0
    return fallback, 0

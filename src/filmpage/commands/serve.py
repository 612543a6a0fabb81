"""``filmpage serve``: build the site, serve it, and rebuild it whenever a source changes.

The server itself is :mod:`.previewserver`. Here: a watcher hears of the sources' changes
(from the system, else by polling) and, once a burst of saves has settled, rebuilds with
one call into the build, which keeps its state in memory from build to build; pages open in a
browser then reload, or show the build's errors over the last good site. Nothing a
rebuild raises stops the watcher, and a first build that fails leaves the server showing
its errors until the files are fixed. The settings are read again after each good
rebuild, so a new ``base_url`` is served at once.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FilmpageError, Problems, machine_error
from ..i18n import SITE_LOCALES
from ..settings import SETTINGS_FILE, load_settings
from ..write import check_output_folder, is_complete
from .build import OUTPUT_DIR, BuildResult, build
from .memory import Memory
from .previewserver import EVENTS_PATH, Preview, PreviewServer, make_server

__all__ = ["EVENTS_PATH", "RunningPreview", "make_server", "start_preview", "watch"]

WATCHED = ("content", "templates", "static", SITE_LOCALES, SETTINGS_FILE)


def scan(root: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every watched source file, for polling (``stat``
    opens nothing)."""
    found = {}
    for name in WATCHED:
        for folder, dirs, files in os.walk(root / name) if (root / name).is_dir() else ():
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in sorted(files):
                _look(os.path.join(folder, file), found)
        if (root / name).exists() and not (root / name).is_dir():
            _look(str(root / name), found)
    return found


def _look(path: str, found: dict) -> None:
    try:
        st = os.stat(path)
    except OSError:
        return
    found[path] = (st.st_mtime_ns, st.st_size)


def watch(
    root: Path,
    on_change: Callable[[], None],
    stop: threading.Event,
    log: Callable[[str], None] = lambda message: None,
    ready: threading.Event | None = None,
    on_idle: Callable[[], None] = lambda: None,
) -> None:
    """Call ``on_change`` once per burst of changes to the site's sources, as soon as
    they have been still for a moment, until ``stop`` is set, and ``on_idle`` now and
    then while nothing changes; ``ready`` is set once a change would be seen. The
    operating system says what changed (inotify on Linux, through ``watchfiles``); where
    it cannot, the files are polled. Whatever either raises is logged, and watching goes
    on."""
    ready = ready or threading.Event()
    changed = lambda: _guarded(on_change, log, "the rebuild")  # noqa: E731
    idle = lambda: _guarded(on_idle, log, "the sweep of the output")  # noqa: E731
    try:
        _notified(root, changed, idle, stop, ready)
    except (ImportError, OSError, RuntimeError) as exc:  # no notifications here: poll
        log(f"watching by polling ({exc})")
        _polled(root, changed, idle, stop, ready)


def _guarded(call: Callable[[], None], log: Callable[[str], None], what: str) -> None:
    try:
        call()
    except Exception as exc:  # never let the watcher die: the next save must rebuild
        log(f"{what} failed: {type(exc).__name__}: {exc}")


def _notified(
    root: Path,
    on_change: Callable[[], None],
    on_idle: Callable[[], None],
    stop: threading.Event,
    ready: threading.Event,
    settle: float = 0.05,
) -> None:
    """Wait for the sources' changes as the system reports them (batched by watchfiles
    every 50 ms), then for the files reported to have gone ``settle`` seconds unwritten,
    as their own modification times say: a burst of saves to those files is one rebuild,
    and a lone save is rebuilt at once. A report of files as the last rebuild read them
    (the rest of a burst waited out: :func:`_built_already`) is no change. Nothing
    reported for 100 ms comes as an empty set: the first says the watch is in place, each
    is a moment of idleness."""
    import watchfiles

    root = root.absolute()
    folders = tuple(str(root / name) + os.sep for name in WATCHED if name != SETTINGS_FILE)
    settings = str(root / SETTINGS_FILE)
    built: dict[str, tuple[int, int] | None] = {}

    def source(change: watchfiles.Change, path: str) -> bool:
        hidden = any(part.startswith(".") for part in Path(path).relative_to(root).parts)
        # a folder itself too: files made in a new folder at once may come unreported
        return not hidden and (path == settings or (path + os.sep).startswith(folders))

    for changes in watchfiles.watch(root, watch_filter=source, stop_event=stop, step=50,
                                    debounce=2000, raise_interrupt=False,
                                    yield_on_timeout=True, rust_timeout=100):  # fmt: skip
        ready.set()
        if not changes:
            on_idle()
            continue
        marks = _still({path for _, path in changes}, settle, stop)
        if stop.is_set():
            return
        if not all(_built_already(built.get(path), mark) for path, mark in marks.items()):
            built.update(marks)
            on_change()


def _built_already(before: tuple[int, int] | None, now: tuple[int, int] | None) -> bool:
    """Whether a file reported changed is as the last rebuild read it: the same size and
    modification time, and that time finer than a second. (A file system that keeps
    whole seconds (FAT, HFS+, some shared folders), or a tool that sets a fixed time,
    gives a new text of the same size the same time: that is rebuilt.)"""
    return now is not None and now == before and now[0] % 1_000_000_000 != 0


def _still(
    paths: set[str], settle: float, stop: threading.Event, longest: float = 2.0
) -> dict[str, tuple[int, int] | None]:
    """The paths' modification times and sizes (None for one gone) once the newest was
    written ``settle`` seconds ago, waiting no more than ``longest`` (a file's time
    ahead of this clock, on a shared folder, holds the rebuild back no longer)."""
    deadline = time.time() + longest
    while True:
        found: dict[str, tuple[int, int]] = {}
        for path in paths:
            _look(path, found)
        newest = max((mtime for mtime, _ in found.values()), default=0) / 1e9
        if newest + settle <= time.time() or newest + settle > deadline or stop.is_set():
            return {path: found.get(path) for path in paths}
        stop.wait(newest + settle - time.time())


def _polled(
    root: Path,
    on_change: Callable[[], None],
    on_idle: Callable[[], None],
    stop: threading.Event,
    ready: threading.Event,
    interval: float = 0.25,
    settle: float = 0.2,
) -> None:
    """Poll the sources' sizes and times every ``interval`` seconds; tell a change once
    the files have been still for ``settle`` seconds."""
    previous = scan(root)
    ready.set()
    while not stop.wait(interval):
        current = scan(root)
        if current == previous:
            on_idle()
            continue
        while not stop.wait(settle):
            settled = scan(root)
            if settled == current:
                break
            current = settled
        previous = current
        on_change()


@dataclass
class Rebuilder:
    """One rebuild of the served site: a single call into the build (the engine's to
    swap), its outcome told to the server, its errors of any kind turned into text."""

    root: Path
    out: Path
    drafts: bool
    overrides: Mapping[str, object]
    preview: Preview
    log: Callable[[str], None]
    memory: Memory = field(default_factory=Memory)  # the engine's state, from build to build

    def __call__(self) -> None:
        with self.preview.lock:
            _, error = self.run()
        self.preview.publish(error)

    def idle(self) -> None:
        """While no save comes: the next build's sweep of the output for files deleted
        by hand, made now rather than while that build keeps an edit from the browser
        (once after each build: the build takes the answer)."""
        if self.memory.gone is None:
            self.memory.sweep(self.out)

    def run(self, first: bool = False) -> tuple[BuildResult | None, str | None]:
        """Build once: the result, or None and the errors to show (logged; a good
        rebuild is logged too, and the ``first`` build is the caller's to report)."""
        try:
            # After the first build, in this process: forking one that runs the server's
            # threads could leave a worker waiting on a lock forever. (A named pipe or a
            # device among the sources is refused by the build, never opened.)
            result = build(self.root, self.out, drafts=self.drafts, jobs=None if first else 1,
                           overrides=self.overrides, memory=self.memory)  # fmt: skip
        except FilmpageError as exc:
            error = str(exc)
        except OSError as exc:  # the machine's, not the content's: a full disk, say
            error = "\n".join(filter(None, (machine_error(exc), getattr(exc, "outcome", ""))))
        except Exception as exc:  # a fault of ours: shown, and the watcher goes on
            error = (
                f"the build failed: {type(exc).__name__}: {exc} (a fault in filmpage; "
                "'filmpage build --debug' shows where)"
            )
        else:
            settings = load_settings(self.root, Problems(), self.overrides)
            self.preview.base_path = settings.base_path
            if not first:
                films, pages = result.films, result.pages
                done = f"{films} film{'s' * (films != 1)}, {pages} page{'s' * (pages != 1)}"
                self.log(f"rebuilt {done} in {result.seconds:.2f} s")
            return result, None
        kept = (
            "still serving the last good site"
            if is_complete(self.out)
            else ("serving these errors until the files are fixed")
        )
        self.log(f"{error}\nbuild failed; {kept}")
        return None, error


@dataclass
class RunningPreview:
    """A preview server running in background threads, as ``start_preview`` returns it:
    ``first`` is the first build's result, None when it failed with ``first_error``."""

    server: PreviewServer
    preview: Preview
    first: BuildResult | None
    first_error: str | None = None
    asked_port: int = 0
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def base_path(self) -> str:
        return self.preview.base_path

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = "127.0.0.1" if host == "0.0.0.0" else "[::1]" if host == "::" else host
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{port}{self.base_path}"

    @property
    def port_moved(self) -> bool:
        """Whether the port asked for was busy, and another is served."""
        return self.asked_port not in (0, self.server.server_address[1])

    def stop(self) -> None:
        self.stop_event.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start_preview(
    root: Path,
    out: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = False,
    reload: bool = True,
    log: Callable[[str], None] = lambda message: None,
    overrides: Mapping[str, object] | None = None,
    verbose: bool = False,
) -> RunningPreview:
    """Build the site, then serve it (and, with ``reload``, rebuild it on every change).

    With ``reload``, a first build that fails is served as its errors until the files
    are fixed; without, it raises. An output folder the build refuses (one filmpage did
    not make, one that holds the site) raises either way: it is never served."""
    out = out if out is not None else root / OUTPUT_DIR
    check_output_folder(out, root)
    overrides = overrides or {}
    base_path = load_settings(root, Problems(), overrides).base_path
    preview = Preview(base_path, reload, log, verbose)
    rebuild = Rebuilder(root, out, drafts, overrides, preview, log)
    if reload:
        first, error = rebuild.run(first=True)
        if error:
            preview.publish(error)
    else:
        first, error = build(root, out, drafts=drafts, overrides=overrides), None
    server = make_server(out, host, port, base_path, preview)
    running = RunningPreview(server, preview, first, error, port)
    serving = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    running.threads.append(serving)
    watching = threading.Event()
    if reload:
        watcher = threading.Thread(
            target=watch,
            args=(root, rebuild, running.stop_event),
            kwargs={"log": log, "ready": watching, "on_idle": rebuild.idle},
            daemon=True,
        )
        running.threads.append(watcher)
    for thread in running.threads:
        thread.start()
    if reload:  # a save from now on is seen
        watching.wait(10)
    return running

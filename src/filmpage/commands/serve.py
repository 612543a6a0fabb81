"""A local preview server for a built site, safe by default.

* it binds 127.0.0.1 unless another host is asked for;
* it serves only files inside the output folder (``..``, encoded dots and symlinks that
  lead out get 404);
* it answers 403 when the Host header is not a local name, so a web page cannot read the
  preview through DNS rebinding;
* it serves the site under the path of ``base_url``, as GitHub Pages will.

With live reload, a watcher rebuilds the site when a source changes, and pages open in a
browser reload themselves: a small script, added to HTML responses as they are served
(never to the files in ``site/``), listens to an event stream. A failed rebuild keeps the
last good site, prints the errors and shows them over the page until a good save.
"""

from __future__ import annotations

import html
import io
import json
import os
import posixpath
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import FilmpageError, Problems
from ..settings import SETTINGS_FILE, load_settings
from .build import OUTPUT_DIR, BuildResult, build
from .memory import Memory

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
EVENTS_PATH = "/__filmpage/events"
RELOAD_SCRIPT = (
    "<script>(()=>{const s=new EventSource(%s);"
    "s.addEventListener('reload',()=>location.reload());"
    "s.addEventListener('builderror',e=>{let d=document.getElementById('filmpage-error');"
    "if(!d){d=document.createElement('pre');d.id='filmpage-error';d.style.cssText=%s;"
    "document.body.prepend(d)}d.textContent=JSON.parse(e.data)})})()</script>"
)
OVERLAY_STYLE = (
    "position:fixed;inset:0 0 auto 0;z-index:99999;margin:0;padding:1rem;max-height:70vh;"
    "overflow:auto;background:#2b0000;color:#ffdede;font:14px/1.5 monospace;"
    "white-space:pre-wrap;border-bottom:3px solid #ff6b6b"
)


class Preview:
    """What the server threads share: the current build's number and error, and a lock
    held while the site is rebuilt (requests wait for it rather than see a half-swap)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.changed = threading.Condition()
        self.generation = 0
        self.error: str | None = None

    def publish(self, error: str | None) -> None:
        with self.changed:
            self.generation += 1
            self.error = error
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, str | None]:
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen, timeout)
            return self.generation, self.error


class PreviewHandler(SimpleHTTPRequestHandler):
    """Static files from one folder, under a base path, with the safety rules above."""

    def __init__(
        self,
        *args,
        root: Path,
        base_path: str,
        allowed_hosts: set[str],
        preview: Preview | None = None,
        **kwargs,
    ):
        self.root, self.base_path, self.allowed_hosts = root, base_path, allowed_hosts
        self.preview = preview
        super().__init__(*args, directory=str(root), **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: a preview is not a log
        pass

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host.split("]")[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in self.allowed_hosts

    def send_head(self):
        if not self._host_allowed():
            self.send_error(403, "Host not allowed")
            return None
        path = unquote(urlsplit(self.path).path)
        if self.preview is None:
            return self._route(path)
        if path == EVENTS_PATH:
            return self._events()
        with self.preview.lock:  # wait for a rebuild in progress
            return self._route(path)

    def _route(self, path: str):
        if path + "/" == self.base_path:
            return self._redirect(self.base_path)
        if not path.startswith(self.base_path):
            if path == "/" and self.base_path != "/":
                return self._redirect(self.base_path)
            return self._not_found()
        file = self.resolve(path[len(self.base_path) :])
        if file is None:
            return self._not_found()
        if file.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            file = file / "index.html"
            if not file.is_file():
                return self._not_found()
        return self._send_file(file, 200)

    def resolve(self, rel: str) -> Path | None:
        """The file for a site-relative path, or None when it would leave the folder."""
        if "\x00" in rel or "\\" in rel:
            return None
        clean = posixpath.normpath("/" + rel).lstrip("/")
        if any(part == ".." for part in rel.split("/")):
            return None
        target = (self.root / clean) if clean not in ("", ".") else self.root
        try:
            real = target.resolve()
        except OSError:
            return None
        if not real.is_relative_to(self.root.resolve()) or not real.exists():
            return None
        return target

    def _send_file(self, file: Path, status: int):
        try:
            handle = open(file, "rb")  # noqa: SIM115 - the base class closes it
        except OSError:
            self.send_error(404)
            return None
        size = os.fstat(handle.fileno()).st_size
        kind = self.guess_type(str(file))
        if self.preview is not None and kind.startswith("text/html"):
            with handle:
                data = self._inject(handle.read())
            handle, size = io.BytesIO(data), len(data)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return handle

    def _inject(self, page: bytes) -> bytes:
        """Add the reload script, and the current build error, to a served HTML page."""
        extra = RELOAD_SCRIPT % (json.dumps(EVENTS_PATH), json.dumps(OVERLAY_STYLE))
        if self.preview.error:
            extra = (
                f'<pre id="filmpage-error" style="{OVERLAY_STYLE}">'
                f"{html.escape(self.preview.error)}</pre>"
            ) + extra
        head, marker, tail = page.rpartition(b"</body>")
        if not marker:
            return page + extra.encode()
        return head + extra.encode() + marker + tail

    def _events(self):
        """A Server-Sent Events stream: 'reload' after a good build, 'builderror' after a
        failed one; a comment every few seconds keeps the connection open."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        seen = self.preview.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                generation, error = self.preview.wait(seen, timeout=10)
                if generation == seen:
                    self.wfile.write(b": ping\n\n")
                elif error:
                    self.wfile.write(f"event: builderror\ndata: {json.dumps(error)}\n\n".encode())
                else:
                    self.wfile.write(b"event: reload\ndata: {}\n\n")
                self.wfile.flush()
                seen = generation
        except OSError:  # the page went away
            return None

    def _not_found(self):
        page = self.root / "404.html"
        if page.is_file():
            return self._send_file(page, 404)
        self.send_error(404)
        return None

    def _redirect(self, location: str):
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # event streams stay open; do not wait for them on close


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: str = "/",
    preview: Preview | None = None,
) -> ThreadingHTTPServer:
    """A server for ``root``; ``port`` 0 picks a free one (see ``server.server_address``)."""
    allowed = set(LOCAL_HOSTS)
    if host not in ("127.0.0.1", "localhost", "::1"):
        allowed.add(host.lower())
    handler = partial(
        PreviewHandler,
        root=root.resolve(),
        base_path=base_path,
        allowed_hosts=allowed,
        preview=preview,
    )
    return _Server((host, port), handler)


WATCHED = ("content", "templates", "static", SETTINGS_FILE)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every watched source file."""
    found = {}
    for name in WATCHED:
        path = root / name
        if path.is_file():
            st = path.stat()
            found[name] = (st.st_mtime_ns, st.st_size)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for file in files:
                full = os.path.join(folder, file)
                try:
                    st = os.stat(full)
                except OSError:
                    continue
                found[full] = (st.st_mtime_ns, st.st_size)
    return found


def watch(
    root: Path,
    on_change: Callable[[], None],
    stop: threading.Event,
    interval: float = 0.25,
    settle: float = 0.2,
) -> None:
    """Call ``on_change`` once per burst of changes, when the files have been still for
    ``settle`` seconds; poll every ``interval`` seconds until ``stop`` is set."""
    previous = snapshot(root)
    while not stop.wait(interval):
        current = snapshot(root)
        if current == previous:
            continue
        while not stop.wait(settle):
            settled = snapshot(root)
            if settled == current:
                break
            current = settled
        previous = current
        on_change()


@dataclass
class RunningPreview:
    """A preview server running in background threads, as ``start_preview`` returns it."""

    server: ThreadingHTTPServer
    preview: Preview | None
    base_path: str
    first: BuildResult
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.base_path}"

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
) -> RunningPreview:
    """Build the site, then serve it (and, with ``reload``, rebuild it on every change)."""
    out = out if out is not None else root / OUTPUT_DIR
    memory = Memory()  # the engine's state, kept from build to build
    first = build(root, out, drafts=drafts, memory=memory)
    base_path = load_settings(root, Problems()).base_path
    preview = Preview() if reload else None
    server = make_server(out, host, port, base_path, preview)
    running = RunningPreview(server, preview, base_path, first)
    serving = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    running.threads.append(serving)
    if preview is not None:

        def rebuild() -> None:
            with preview.lock:
                try:  # in this process: forking one that runs server threads is unsafe
                    result = build(root, out, drafts=drafts, jobs=1, memory=memory)
                except FilmpageError as exc:
                    log(f"{exc}\nbuild failed; still serving the last good site")
                    error = str(exc)
                else:
                    log(
                        f"rebuilt {result.films} films, {result.pages} pages in "
                        f"{result.seconds:.2f} s"
                    )
                    error = None
            preview.publish(error)

        watcher = threading.Thread(
            target=watch, args=(root, rebuild, running.stop_event), daemon=True
        )
        running.threads.append(watcher)
    for thread in running.threads:
        thread.start()
    return running

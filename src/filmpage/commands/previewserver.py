"""The preview's HTTP side: a static file server for a built site, safe by default.

* it binds 127.0.0.1 unless another address is asked for;
* it serves only files inside the output folder (``..``, encoded dots and slashes, and
  symlinks that lead out get 404), and never redirects off the site;
* it answers 403 when the Host header names another machine, so a web page cannot read
  the preview through DNS rebinding: local names, the address the request came in on,
  and (when it listens beyond this machine) this machine's own names pass;
* it serves the site under the path of ``base_url``, as GitHub Pages will, following the
  settings as they change; its redirects are temporary (307), so browsers keep none;
* a slow or silent client is dropped after a read timeout, and one that goes away
  leaves no traceback.

With live reload, pages get a small script (as they are served, never in ``site/``) that
listens to an event stream and reloads after each good rebuild, or shows its errors.
"""

from __future__ import annotations

import errno
import html
import io
import ipaddress
import json
import os
import posixpath
import re
import socket
import sys
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..errors import FilmpageError
from ..write import MARKER

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
WILDCARDS = {"0.0.0.0", "::", ""}
EVENTS_PATH = "/__filmpage/events"
PORT_TRIES = 10  # a busy port: the next ones are tried, up to this many in all
READ_TIMEOUT = 10.0  # seconds a client may take to send its request
REBUILD_WAIT = 60.0  # seconds a request waits for a rebuild before a 503
_ENCODED_SEPARATOR = re.compile(r"%(?:2[fFeE]|5[cC])")  # the README: such paths are 404s
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
MESSAGE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1">%s</head>'
    "<body><h1>%s</h1><p>%s</p></body></html>"
)


class Preview:
    """What the server threads share: the base path served, the current build's number
    and error, and a lock held while the site is rebuilt (requests wait for it rather
    than see a half-swapped site)."""

    def __init__(
        self,
        base_path: str = "/",
        reload: bool = True,
        log: Callable[[str], None] = lambda message: None,
        verbose: bool = False,
    ) -> None:
        self.base_path = base_path
        self.reload = reload
        self.log = log
        self.verbose = verbose
        self.lock = threading.Lock()
        self.changed = threading.Condition()
        self.generation = 0
        self.error: str | None = None
        self.refused: set[str] = set()  # Host headers refused, each told once

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

    timeout = READ_TIMEOUT
    server: PreviewServer

    def __init__(self, *args, root: Path, preview: Preview, **kwargs):
        self.root, self.preview = root, preview
        super().__init__(*args, directory=str(root), **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: a preview is not a log
        pass

    def log_request(self, code="-", size="-") -> None:
        if self.preview.verbose:
            # (a request line that could not be read has no path)
            path = getattr(self, "path", "")
            self.preview.log(f"{self.command} {path} {getattr(code, 'value', code)}")

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):  # the client went away, or said nothing
            self.close_connection = True

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host.split("]")[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if name in self.server.allowed_hosts:
            return True
        try:  # the address this request came in on, typed as the host: this machine
            here = ipaddress.ip_address(self.connection.getsockname()[0].split("%")[0])
            here = getattr(here, "ipv4_mapped", None) or here  # (IPv4 on an IPv6 socket)
            return ipaddress.ip_address(name.strip("[]")) == here
        except ValueError:
            return False

    def send_head(self):
        if not self._host_allowed():
            return self._refuse_host()
        raw = urlsplit(self.path).path
        path = unquote(raw)
        if path == EVENTS_PATH and self.preview.reload:
            return self._events() if self.command == "GET" else self._events_head()
        if not self.preview.lock.acquire(timeout=REBUILD_WAIT):  # a rebuild in progress
            return self._message(503, "Rebuilding", "The site is being rebuilt; retry.")
        try:
            if _ENCODED_SEPARATOR.search(raw):  # a "/", "\\" or "." hidden as %2f, %5c, %2e
                return self._not_found()
            return self._route(path)
        finally:
            self.preview.lock.release()

    def _refuse_host(self):
        host = self.headers.get("Host") or ""
        if host not in self.preview.refused and len(self.preview.refused) < 100:
            self.preview.refused.add(host)
            self.preview.log(
                f"refused a request for host {host!r}: not a name of this machine (a guard "
                "against DNS rebinding); open the address serve printed"
            )
        return self._message(403, "Host not allowed", f"This preview does not answer for {host!r}.")

    def _route(self, path: str):
        base = self.preview.base_path
        if path + "/" == base:
            return self._redirect(base)
        if not path.startswith(base):
            if path == "/":
                return self._redirect(base)
            return self._not_found()
        rel = path[len(base) :]
        file = self.resolve(rel)
        if file is None:
            return self._not_found()
        if file.is_dir():
            if not path.endswith("/"):  # the clean path, under the base: never off the site
                return self._redirect(base + posixpath.normpath("/" + rel).lstrip("/") + "/")
            file = file / "index.html"
            if not file.is_file():
                return self._not_found()
        elif path.endswith("/"):  # a file is not a folder
            return self._not_found()
        return self._send_file(file, 200)

    def resolve(self, rel: str) -> Path | None:
        """The file for a site-relative path, or None when it would leave the folder, is
        not a regular file or folder, or cannot be looked at (a name too long...)."""
        if "\x00" in rel or "\\" in rel or "//" in rel:
            return None
        if any(part == ".." for part in rel.split("/")):
            return None
        clean = posixpath.normpath("/" + rel).lstrip("/")
        if clean == MARKER:  # (the build's mark on the folder, not a page of the site)
            return None
        target = (self.root / clean) if clean not in ("", ".") else self.root
        try:
            real = target.resolve()
            if not self._inside(real) or not (real.is_file() or real.is_dir()):
                return None
        except (OSError, ValueError):
            return None
        return target

    def _inside(self, real: Path) -> bool:
        """Whether a resolved path is in the site (``root`` is resolved once, when the
        server is made)."""
        return real.is_relative_to(self.root)

    def _send_file(self, file: Path, status: int):
        try:  # (a folder's index.html or the 404 page that links out of the site: no)
            if not self._inside(file.resolve()):
                raise OSError("outside the site")
            handle = open(file, "rb")  # noqa: SIM115 - the base class closes it
        except (OSError, ValueError):
            return self._message(404, "Not found", "No such page.")
        size = os.fstat(handle.fileno()).st_size
        kind = self.guess_type(str(file))
        if kind.startswith("text/") and "charset" not in kind:  # every text filmpage writes
            kind += "; charset=utf-8"  # is UTF-8 (robots.txt, a CNAME, a static .txt or .csv)
        if self.preview.reload and kind.startswith("text/html"):
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

    def _events_head(self):
        """What a stream of events would be, without the stream (HEAD): it never ends."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        return None

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
            self.close_connection = True
            return None

    def _not_found(self):
        page = self.root / "404.html"
        if self.preview.error and not page.is_file():  # no site yet: the build's errors
            return self._message(503, "The build failed", self.preview.error, pre=True)
        if page.is_file():
            return self._send_file(page, 404)
        return self._message(404, "Not found", "No such page.")

    def _message(self, status: int, title: str, text: str, pre: bool = False):
        """A small page of our own (with the reload script when reloading)."""
        body = f"<pre>{html.escape(text)}</pre>" if pre else html.escape(text)
        script = ""
        if self.preview.reload:
            script = RELOAD_SCRIPT % (json.dumps(EVENTS_PATH), json.dumps(OVERLAY_STYLE))
        data = (MESSAGE_PAGE % (html.escape(title), script, html.escape(title), body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        if status == 503:
            self.send_header("Retry-After", "2")
        self.end_headers()
        return io.BytesIO(data)

    def _redirect(self, location: str):
        """A temporary redirect to a path of this site (browsers keep no 307)."""
        location = "/" + location.lstrip("/\\")  # one slash: '//host' would leave the site
        self.send_response(307)
        self.send_header("Location", quote(location, safe="/"))  # (a header is ASCII)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # event streams stay open; do not wait for them on close
    request_queue_size = 128  # the listen backlog: many pages' requests at once

    allowed_hosts: set[str]

    def handle_error(self, request, client_address) -> None:
        """A client that went away is no error; anything else, one line, no traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        print(f"filmpage serve: error answering a request: {exc!r}", file=sys.stderr)


class PreviewServer6(PreviewServer):
    address_family = socket.AF_INET6


def machine_names() -> set[str]:
    """This machine's own names, as other devices on the network may call it."""
    names = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names |= {name.lower(), name.lower().split(".")[0] + ".local"}
    return names


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: str = "/",
    preview: Preview | None = None,
) -> PreviewServer:
    """A server for ``root``; ``port`` 0 picks a free one, and a busy one the next free
    one (see ``server.server_address``). ``preview`` is shared with the rebuilds (none:
    plain files, under ``base_path``)."""
    preview = preview if preview is not None else Preview(base_path, reload=False)
    allowed = set(LOCAL_HOSTS)
    if host.lower() not in LOCAL_HOSTS:
        allowed.add(host.lower())
        if ":" in host:
            allowed.add(f"[{host.lower()}]")
        allowed |= machine_names()  # listening beyond this machine: its names
    handler = _Handler(root.resolve(), preview)
    kind = PreviewServer6 if ":" in host.strip("[]") else PreviewServer  # (IPv6: "::1", "::")
    tries = 1 if port == 0 else PORT_TRIES
    for offset in range(tries):
        try:
            server = kind((host.strip("[]"), port + offset), handler)
            break
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and offset < tries - 1 and port + offset < 65535:
                continue
            raise FilmpageError(_bind_problem(host, port, offset + 1, exc)) from None
    server.allowed_hosts = allowed
    return server


def _bind_problem(host: str, port: int, tries: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        ports = f"port {port} is" if tries == 1 else f"ports {port} to {port + tries - 1} are"
        return f"--port: {ports} in use; choose another with --port (0: any free port)"
    why = exc.strerror or str(exc)
    return f"--host {host}: cannot listen on {host} port {port}: {why}"


class _Handler:
    """Makes a :class:`PreviewHandler` for each request (a picklable partial)."""

    def __init__(self, root: Path, preview: Preview):
        self.root, self.preview = root, preview

    def __call__(self, *args):
        return PreviewHandler(*args, root=self.root, preview=self.preview)


def lan_address() -> str | None:
    """This machine's address on its network (the one other devices reach it at), found
    by asking the system which address it would send from; no packet is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address

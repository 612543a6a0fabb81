"""A local preview server for a built site, safe by default.

* it binds 127.0.0.1 unless another host is asked for;
* it serves only files inside the output folder (``..``, encoded dots and symlinks that
  lead out get 404);
* it answers 403 when the Host header is not a local name, so a web page cannot read the
  preview through DNS rebinding;
* it serves the site under the path of ``base_url``, as GitHub Pages will.
"""

from __future__ import annotations

import posixpath
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


class PreviewHandler(SimpleHTTPRequestHandler):
    """Static files from one folder, under a base path, with the safety rules above."""

    def __init__(self, *args, root: Path, base_path: str, allowed_hosts: set[str], **kwargs):
        self.root, self.base_path, self.allowed_hosts = root, base_path, allowed_hosts
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
        size = file.stat().st_size
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return handle

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


def make_server(
    root: Path, host: str = "127.0.0.1", port: int = 8000, base_path: str = "/"
) -> ThreadingHTTPServer:
    """A server for ``root``; ``port`` 0 picks a free one (see ``server.server_address``)."""
    allowed = set(LOCAL_HOSTS)
    if host not in ("127.0.0.1", "localhost", "::1"):
        allowed.add(host.lower())
    handler = partial(
        PreviewHandler, root=root.resolve(), base_path=base_path, allowed_hosts=allowed
    )
    return ThreadingHTTPServer((host, port), handler)

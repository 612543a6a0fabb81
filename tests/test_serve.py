"""The preview server, over real HTTP on a free local port."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.commands.serve import make_server

from .conftest import film, write_site


@pytest.fixture
def served(tmp_path):
    """Build a small site with base_url /repo/ and serve it; yield a request function."""
    root = write_site(
        tmp_path / "s", {"a.md": film("Alpha")}, settings="base_url: https://user.github.io/repo/\n"
    )
    build(root)
    (tmp_path / "secret.txt").write_text("secret")
    (root / "site/leak.txt").symlink_to(tmp_path / "secret.txt")
    server = make_server(root / "site", port=0, base_path="/repo/")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_address[1]

    def request(path: str, host: str | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), body

    yield request
    server.shutdown()
    server.server_close()


def test_serves_pages_under_the_base_path(served):
    status, headers, body = served("/repo/films/alpha/")
    assert status == 200 and b'<h1 class="film-title">Alpha' in body
    assert headers["Content-Type"].startswith("text/html")
    status, _, body = served("/repo/css/filmpage.css")
    assert status == 200 and b"--accent" in body


def test_redirects_to_the_base_path_and_to_trailing_slashes(served):
    status, headers, _ = served("/")
    assert status == 307 and headers["Location"] == "/repo/"  # temporary: browsers keep none
    status, headers, _ = served("/repo/films/alpha")
    assert status == 307 and headers["Location"] == "/repo/films/alpha/"


def test_missing_pages_get_the_404_page(served):
    status, _, body = served("/repo/no/such/page/")
    assert status == 404 and b"Page not found" in body
    status, _, body = served("/elsewhere/")
    assert status == 404 and b"Page not found" in body


@pytest.mark.parametrize(
    "path",
    [
        "/repo/../secret.txt",
        "/repo/%2e%2e/secret.txt",
        "/repo/%2E%2E/%2e%2e/etc/passwd",
        "/repo/..%2fsecret.txt",
        "/repo/leak.txt",
        "/repo/films/..%5c..%5csecret.txt",
        "/repo/%00",
        "/repo//etc/passwd",
    ],
)
def test_paths_that_leave_the_site_get_404(served, path):
    status, _, body = served(path)
    assert status == 404 and b"secret" not in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.nip.io", ""])
def test_foreign_host_header_is_refused(served, host):
    status, _, _ = served("/repo/", host=host)
    assert status == 403


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "127.0.0.1", "[::1]:80"])
def test_local_host_headers_are_served(served, host):
    status, _, _ = served("/repo/", host=host)
    assert status == 200


def test_binds_loopback_by_default(tmp_path):
    (tmp_path / "site").mkdir()
    server = make_server(tmp_path / "site", port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_serve_command_builds_and_serves(tmp_path):
    """The real `filmpage serve` in a subprocess: it builds, then answers on its port."""
    import socket
    import subprocess
    import sys
    import time

    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "filmpage", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert f"at http://127.0.0.1:{port}/" in line
        deadline = time.monotonic() + 10
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/films/alpha/")
                response = conn.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status == 200 and b"Alpha" in response.read()
        assert Path(root / "site/index.html").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

"""The preview server, over real HTTP on a free local port."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.commands.serve import make_server

from .conftest import digest, film, write_site


@pytest.fixture
def served(tmp_path):
    """Build a small site with base_url /repo/ and serve it; yield a request function."""
    root = write_site(
        tmp_path / "s", {"a.md": film("Alpha")}, settings="base_url: https://user.github.io/repo/\n"
    )
    build(root)
    (tmp_path / "secret.txt").write_text("secret")
    (root / "site/leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "site/x").mkdir()
    (root / "site/x/index.html").symlink_to(tmp_path / "secret.txt")  # a folder's page
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
    status, headers, body = served("/repo/css/filmpage.css")
    assert status == 200 and b"--accent" in body
    assert headers["Content-Type"] == "text/css; charset=utf-8"  # (a .txt too: UTF-8 shown)


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
        "/repo/x/",
        "/repo/films%2falpha/",
        "/repo/films/%2e/alpha/",
        "/repo/films/alpha/index.html/",
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


# --- what the last round of faults broke, and serving as people use it ------------------


@pytest.fixture
def root_site(tmp_path):
    """A small site under the base path '/', with a large file, served; yields the server."""
    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    (root / "static").mkdir()
    (root / "static/big.bin").write_bytes(b"x" * 4_000_000)
    build(root)
    server = make_server(root / "site", port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _get(server, path: str, host: str | None = None, address: str = "127.0.0.1"):
    port = server.server_address[1]
    conn = http.client.HTTPConnection(address, port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host or f"{address}:{port}")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


@pytest.mark.parametrize(
    ("path", "location"),
    [("/%2Ffilms", None), ("/%2F%2Fevil.example/films", None), ("/films", "/films/")],
)
def test_no_redirect_leaves_the_site(root_site, path, location):
    """``//films/`` would be another host's address (``films``), as browsers read it."""
    status, headers, _ = _get(root_site, path)
    if location is None:
        assert status == 404 and "Location" not in headers
    else:
        assert status == 307 and headers["Location"] == location


def test_a_url_of_twenty_thousand_encoded_dots_gets_a_clean_answer(root_site, capfd):
    status, _, body = _get(root_site, "/" + "%2e" * 20_000)
    assert status == 404 and b"Page not found" in body
    assert "Traceback" not in capfd.readouterr().err


def test_clients_that_go_away_leave_no_traceback(root_site, capfd):
    import socket

    port = root_site.server_address[1]
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        sock.recv(10)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # a reset while the server writes
    assert _get(root_site, "/films/alpha/")[0] == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Broken" not in err and "reset" not in err


def test_a_silent_client_is_dropped_after_the_read_timeout(root_site, monkeypatch):
    import socket

    from filmpage.commands.previewserver import PreviewHandler

    assert 0 < PreviewHandler.timeout <= 60  # a client gets a while, not forever
    monkeypatch.setattr(PreviewHandler, "timeout", 0.3)  # here, not to wait that long
    sock = socket.create_connection(("127.0.0.1", root_site.server_address[1]), timeout=10)
    sock.sendall(b"GET /films/alpha/ HTTP/1.1\r\n")  # and never the rest
    assert sock.recv(100) == b""  # closed by the server, not by our 10 s
    sock.close()


def test_the_listen_backlog_takes_many_clients_at_once(tmp_path):
    """Connections the server has not accepted yet wait in the listen backlog; with
    Python's default of 5, the 7th client's connection is not even made."""
    import socket

    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<p>hi</p>")
    server = make_server(tmp_path / "site", port=0)  # not serving yet: nothing accepted
    try:
        clients = [
            socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=2)
            for _ in range(100)
        ]
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        for sock in clients:
            sock.settimeout(10)
            sock.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        assert all(sock.recv(12) == b"HTTP/1.0 200" for sock in clients)
        for sock in clients:
            sock.close()
    finally:
        server.shutdown()
        server.server_close()


def test_all_addresses_serve_this_machines_names_and_refuse_foreign_ones(tmp_path):
    import socket

    from filmpage.commands.previewserver import Preview

    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<p>hi</p>")
    told: list[str] = []
    preview = Preview(reload=False, log=told.append)
    server = make_server(tmp_path / "site", host="0.0.0.0", port=0, preview=preview)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        name = socket.gethostname()
        assert _get(server, "/", host=f"{name}:{port}")[0] == 200
        assert _get(server, "/", host=f"{name.split('.')[0]}.local:{port}")[0] == 200
        # typed as an address, the address the request came in on (another device's view)
        assert _get(server, "/", host=f"127.0.0.2:{port}", address="127.0.0.2")[0] == 200
        assert _get(server, "/", host=f"127.0.0.3:{port}", address="127.0.0.2")[0] == 403
        for _ in range(2):
            status, _, body = _get(server, "/", host="evil.example")
            assert status == 403 and b"does not answer for &#x27;evil.example&#x27;" in body
        assert told[1:] == [  # each host told once, in the terminal
            "refused a request for host 'evil.example': not a name of this machine (a guard "
            "against DNS rebinding); open the address serve printed"
        ]
    finally:
        server.shutdown()
        server.server_close()


def test_a_busy_port_gives_the_next_free_one(tmp_path):
    import socket

    (tmp_path / "site").mkdir()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = make_server(tmp_path / "site", port=port)
        try:
            assert server.server_address[1] > port
        finally:
            server.server_close()


def test_serve_says_which_port_it_took_when_its_own_is_busy(tmp_path):
    import socket
    import subprocess
    import sys

    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.Popen(
            [sys.executable, "-m", "filmpage", "serve", "--port", str(port), "--no-reload"],
            cwd=root / "content" / "films",  # the site is found from inside it
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            warning = proc.stderr.readline()
            line = proc.stdout.readline()
            assert warning.startswith(f"port {port} is in use; using ")
            taken = int(warning.rsplit(" ", 1)[1])
            assert f"at http://127.0.0.1:{taken}/" in line and "Built 1 film." in line
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_a_build_by_another_process_between_two_of_the_servers_is_not_undone(tmp_path):
    # serve keeps the last build in memory; a `filmpage build --drafts` (or another
    # --base-url) beside it changes site/ and the store: the server's next build must go
    # by the store, not by its memory, or the draft stays published for good
    from filmpage.commands.memory import Memory

    root = write_site(tmp_path / "s", {"a.md": film("Alpha"), "b.md": film("Beta"),
                                       "secret.md": film("Secret", draft="true")})  # fmt: skip
    server = Memory()
    build(root, memory=server, jobs=1)
    build(root, drafts=True, jobs=1)  # another process
    assert (root / "site/films/secret/index.html").exists()
    (root / "content/films/a.md").write_text(film("Alpha", tagline="Saved again"))
    build(root, memory=server, jobs=1)
    assert not (root / "site/films/secret").exists()
    build(root, overrides={"base_url": "https://alice.github.io/club/"}, jobs=1)  # another one
    (root / "content/films/b.md").write_text(film("Beta", tagline="Saved"))
    build(root, memory=server, jobs=1)
    served = digest(root / "site")
    build(root, clean=True, jobs=1)
    assert served == digest(root / "site")


def test_a_404_page_that_links_out_of_the_site_is_not_served(tmp_path):
    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    build(root)
    (tmp_path / "secret.txt").write_text("secret")
    (root / "site/404.html").unlink()
    (root / "site/404.html").symlink_to(tmp_path / "secret.txt")
    server = make_server(root / "site", port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request("GET", "/no/such/page/")
        response = conn.getresponse()
        assert response.status == 404 and b"secret" not in response.read()
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def _ipv6_loopback() -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_serves_on_an_ipv6_address(tmp_path, host):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<p>hello</p>")
    server = make_server(tmp_path / "site", host=host, port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("::1", server.server_address[1], timeout=10)
        conn.request("GET", "/", headers={"Host": f"[::1]:{server.server_address[1]}"})
        response = conn.getresponse()
        assert response.status == 200 and b"hello" in response.read()
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_an_address_it_cannot_listen_on_is_named_with_its_option(tmp_path):
    from filmpage.errors import FilmpageError

    (tmp_path / "site").mkdir()
    with pytest.raises(FilmpageError) as info:
        make_server(tmp_path / "site", host="nonexistent.invalid", port=0)
    assert "--host nonexistent.invalid: cannot listen on nonexistent.invalid" in str(info.value)


def test_a_folder_the_build_refuses_is_never_served(tmp_path):
    """`serve --out` of a folder filmpage did not make, or of the site itself: the build
    refuses it, and the server does not start (it served every file in it)."""
    from filmpage.commands.serve import start_preview
    from filmpage.errors import FilmpageError

    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    private = tmp_path / "private"
    private.mkdir()
    (private / "notes.txt").write_text("secret")
    for out in (private, root, Path("/")):
        try:
            running = start_preview(root, out, port=0)
        except FilmpageError as exc:
            assert "refusing" in str(exc) or "would contain" in str(exc)
        else:
            running.stop()
            raise AssertionError(f"{out} was served")


def test_redirects_to_a_folder_of_another_script_are_percent_encoded(tmp_path, capfd):
    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    for name in ("café", "日本"):
        (root / "static" / name).mkdir(parents=True)
        (root / "static" / name / "index.html").write_text(f"<p>{name}</p>")
    build(root)
    server = make_server(root / "site", port=0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        for encoded in ("caf%C3%A9", "%E6%97%A5%E6%9C%AC"):
            status, headers, _ = _get(server, f"/{encoded}")
            assert status == 307 and headers["Location"] == f"/{encoded}/"
            status, _, body = _get(server, headers["Location"])
            assert status == 200 and b"<p>" in body
    finally:
        server.shutdown()
        server.server_close()
    assert "error answering" not in capfd.readouterr().err


def test_head_of_the_event_stream_ends_and_the_builds_mark_is_no_page(tmp_path):
    from filmpage.commands.previewserver import Preview

    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    build(root)
    server = make_server(root / "site", port=0, preview=Preview(reload=True))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    port = server.server_address[1]
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("HEAD", "/__filmpage/events")
        response = conn.getresponse()  # (a stream would time out here)
        assert response.status == 200 and response.read() == b""
        assert response.getheader("Content-Type") == "text/event-stream"
        conn.close()
        assert (root / "site/.filmpage-site").is_file()
        assert _get(server, "/.filmpage-site")[0] == 404
    finally:
        server.shutdown()
        server.server_close()

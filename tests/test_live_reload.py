"""Live reload: real server, real event stream, real edits on disk."""

from __future__ import annotations

import http.client
import os
import socket
import time

import pytest

from filmpage.commands.build import build
from filmpage.commands.serve import EVENTS_PATH, start_preview

from .conftest import film, write_site


@pytest.fixture
def live(tmp_path):
    root = write_site(
        tmp_path / "s",
        {"a.md": film("Alpha"), "b.md": film("Beta")},
        settings="base_url: https://user.github.io/repo/\n",
    )
    messages: list[str] = []
    running = start_preview(root, port=0, log=messages.append)
    running.root, running.messages = root, messages
    yield running
    running.stop()


def get(running, path: str) -> tuple[int, str]:
    host, port = running.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


class EventStream:
    """An open connection to the server's event stream, read line by line."""

    def __init__(self, running):
        host, port = running.server.server_address[:2]
        self.conn = http.client.HTTPConnection(host, port, timeout=15)
        self.conn.request("GET", EVENTS_PATH)
        self.response = self.conn.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"
        assert self.response.fp.readline() == b": connected\n"

    def next_event(self, timeout: float = 15) -> tuple[str, str]:
        deadline = time.monotonic() + timeout
        name = ""
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: ") and name:
                return name, line[len("data: ") :]
        raise AssertionError("no event arrived")

    def close(self):
        self.conn.close()


def test_an_edit_reloads_the_page_with_the_change(live):
    stream = EventStream(live)
    started = time.monotonic()
    (live.root / "content/films/a.md").write_text(film("Alpha Revised"))
    assert stream.next_event()[0] == "reload"
    assert time.monotonic() - started < 10
    status, page = get(live, "/repo/films/alpha-revised/")
    assert status == 200 and "Alpha Revised" in page
    stream.close()


def test_a_page_deleted_from_the_output_while_serving_is_made_again(live):
    """The preview server looks which of the output's files are gone while it waits for
    the next save (not while a rebuild keeps an edit from the browser): a page deleted
    by hand is made again by the rebuild after the next one at the latest."""
    page = live.root / "site/films/alpha/index.html"
    page.unlink()
    stream = EventStream(live)
    for title in ("Beta Revised", "Beta Revised Again"):
        (live.root / "content/films/b.md").write_text(film(title))
        assert stream.next_event()[0] == "reload"
    assert page.is_file() and "Alpha" in page.read_text()
    status, served = get(live, "/repo/films/alpha/")
    assert status == 200 and "Alpha" in served
    stream.close()


def test_serve_starts_on_a_site_built_already(tmp_path):
    """A first build with nothing to do (the site built, no file changed since) reads
    nothing of the last build's outputs: the server starts, serves, and rebuilds on a
    save, its idle sweep taking nothing for granted."""
    root = write_site(tmp_path / "s", {"a.md": film("Alpha"), "b.md": film("Beta")})
    past = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    build(root)
    messages: list[str] = []
    running = start_preview(root, port=0, log=messages.append)
    try:
        assert running.first is not None and running.first.files == 0  # nothing to do
        time.sleep(0.5)  # idle: the sweep's moment
        assert get(running, "/films/alpha/")[0] == 200
        stream = EventStream(running)
        (root / "content/films/b.md").write_text(film("Beta Revised"))
        assert stream.next_event()[0] == "reload"
        assert "Beta Revised" in get(running, "/films/beta-revised/")[1]
        assert not [m for m in messages if "failed" in m]
        stream.close()
    finally:
        running.stop()


def test_the_reload_script_is_only_in_served_pages(live):
    _, page = get(live, "/repo/")
    assert "new EventSource" in page and page.rstrip().endswith("</html>")
    on_disk = (live.root / "site/index.html").read_text()
    assert "EventSource" not in on_disk
    status, css = get(live, "/repo/css/filmpage.css")
    assert status == 200 and "EventSource" not in css


def test_a_bad_edit_keeps_serving_and_shows_the_error_until_fixed(live):
    stream = EventStream(live)
    (live.root / "content/films/b.md").write_text("---\ntitle: Beta\nyear: [\n---\n")
    name, data = stream.next_event()
    assert name == "builderror" and "content/films/b.md:4:1: invalid YAML" in data
    status, page = get(live, "/repo/films/beta/")
    assert status == 200 and "Beta" in page
    assert 'id="filmpage-error"' in page and "content/films/b.md:4:1" in page
    assert "invalid YAML" in "\n".join(live.messages)
    (live.root / "content/films/b.md").write_text(film("Beta Fixed"))
    assert stream.next_event()[0] == "reload"
    _, page = get(live, "/repo/films/beta-fixed/")
    assert 'id="filmpage-error"' not in page
    stream.close()


def test_a_burst_of_saves_gives_one_rebuild(live):
    """Saves that follow each other closely (an editor's write and rename, a formatter's
    second save, a checkout's files) are one change."""
    stream = EventStream(live)
    for i in range(6):
        (live.root / "content/films/a.md").write_text(film("Alpha" + "!" * i, body="x" * i))
        time.sleep(0.03)
    assert stream.next_event()[0] == "reload"
    time.sleep(1.0)
    assert len([m for m in live.messages if m.startswith("rebuilt")]) == 1
    stream.close()


def test_a_save_of_the_same_size_and_whole_second_time_is_rebuilt(live):
    """A file system that keeps whole seconds, or a tool that sets the time, gives a new
    text of the same size the time of the last save: it is rebuilt all the same."""
    record = live.root / "content/films/a.md"
    stream = EventStream(live)
    moment = int(time.time())
    for text in ("first text", "other text"):  # (the same size)
        record.write_text(film("Alpha", body=text))
        os.utime(record, (moment, moment))
        assert stream.next_event()[0] == "reload"
        _, page = get(live, "/repo/films/alpha/")
        assert text in page
    stream.close()


def test_a_rebuild_the_machine_stops_shows_its_error_not_a_fault(live):
    """A rebuild stopped by the machine's state (here a folder where the build's lock
    file goes) is shown as such, with its file and what to do: not as a fault in
    filmpage."""
    lock = live.root / ".filmpage-cache/site.lock"
    lock.unlink()
    lock.mkdir()
    stream = EventStream(live)
    (live.root / "content/films/a.md").write_text(film("Alpha", body="A new plot."))
    name, data = stream.next_event()
    assert name == "builderror" and "site.lock" in data
    assert "the build's lock file should be a file; remove it" in data
    assert "fault in filmpage" not in "\n".join(live.messages)
    stream.close()


def test_settings_and_templates_are_watched(live):
    stream = EventStream(live)
    (live.root / "templates").mkdir()
    (live.root / "templates/404.html").write_text(
        "{% extends 'base.html' %}{% block content %}Gone fishing{% endblock %}"
    )
    assert stream.next_event()[0] == "reload"
    status, page = get(live, "/repo/nowhere/")
    assert status == 404 and "Gone fishing" in page
    (live.root / "filmpage.yml").write_text(
        "title: Renamed\nbase_url: https://user.github.io/repo/\n"
    )
    assert stream.next_event()[0] == "reload"
    assert "Renamed" in get(live, "/repo/")[1]
    stream.close()


def test_no_reload_serves_plain_pages(tmp_path):
    root = write_site(tmp_path / "s", {"a.md": film("Alpha")})
    running = start_preview(root, port=0, reload=False)
    try:
        _, page = get(running, "/")
        assert "EventSource" not in page
        assert get(running, EVENTS_PATH)[0] == 404
    finally:
        running.stop()


def test_requests_wait_for_a_rebuild_in_progress(live):
    with live.preview.lock:  # as a rebuild holds it
        host, port = live.server.server_address[:2]
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"GET /repo/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)
    sock.settimeout(5)
    assert sock.recv(12) == b"HTTP/1.0 200"
    sock.close()


def test_a_change_of_base_url_is_followed_while_serving(live):
    stream = EventStream(live)
    (live.root / "filmpage.yml").write_text("base_url: https://user.github.io/other/\n")
    assert stream.next_event()[0] == "reload"
    status, page = get(live, "/other/films/alpha/")
    assert status == 200 and 'href="/other/css/filmpage.css"' in page
    assert get(live, "/repo/films/alpha/")[0] == 404
    assert live.url.endswith("/other/")
    stream.close()


def test_a_first_build_that_fails_serves_its_errors_until_the_files_are_fixed(tmp_path):
    root = write_site(tmp_path / "s", {"a.md": "---\ntitle: Alpha\nyear: [\n---\n"})
    messages: list[str] = []
    running = start_preview(root, port=0, log=messages.append)
    try:
        assert running.first is None and "content/films/a.md:4:1" in running.first_error
        assert "serving these errors until the files are fixed" in "\n".join(messages)
        status, page = get(running, "/films/alpha/")
        assert status == 503 and "content/films/a.md:4:1: invalid YAML" in page
        assert "new EventSource" in page  # it reloads itself once the files are fixed
        stream = EventStream(running)
        (root / "content/films/a.md").write_text(film("Alpha"))
        assert stream.next_event()[0] == "reload"
        status, page = get(running, "/films/alpha/")
        assert status == 200 and 'id="filmpage-error"' not in page
        stream.close()
    finally:
        running.stop()


def test_a_rebuild_that_raises_anything_is_shown_and_watching_goes_on(live):
    stream = EventStream(live)
    (live.root / "templates").mkdir()
    (live.root / "templates/404.html").write_text("{{ 1 // 0 }}")  # a Python error
    name, data = stream.next_event()
    assert name == "builderror" and "ZeroDivisionError" in data
    assert get(live, "/repo/films/alpha/")[0] == 200  # the last good site, still served
    (live.root / "templates/404.html").unlink()
    assert stream.next_event()[0] == "reload"
    stream.close()


def test_a_fifo_in_content_never_hangs_requests_or_the_watcher(live):
    import os

    stream = EventStream(live)
    fifo = live.root / "content/films/pipe.md"
    os.mkfifo(fifo)
    name, data = stream.next_event()
    assert name == "builderror" and "content/films/pipe.md: is a named pipe (FIFO)" in data
    status, page = get(live, "/repo/films/alpha/")  # answered, with the error over it
    assert status == 200 and "pipe.md" in page
    fifo.unlink()
    assert stream.next_event()[0] == "reload"
    stream.close()

"""Crawl the example site served under a GitHub Pages project path: nothing is broken."""

from __future__ import annotations

import http.client
import shutil
from collections import deque
from urllib.parse import urljoin, urlsplit

from filmpage.commands.serve import start_preview

from .conftest import REPO, links_of


def _srcset_urls(html: str) -> list[str]:
    import re

    urls = []
    for value in re.findall(r'srcset="([^"]*)"', html):
        urls += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
    return urls


def test_every_internal_link_resolves_under_a_sub_path(tmp_path):
    root = tmp_path / "s"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "static", root / "static")  # its posters
    settings = (REPO / "filmpage.yml").read_text()  # the example's, for its programme's venues
    (root / "filmpage.yml").write_text(
        settings.replace("https://example.github.io/films/", "https://user.github.io/repo/")
    )
    running = start_preview(root, port=0, reload=False)
    host, port = running.server.server_address[:2]
    try:
        queue = deque(["/repo/", "/repo/no-such-page/"])
        seen: set[str] = set(queue)
        broken: list[str] = []
        fetched = 0
        while queue:
            path = queue.popleft()
            conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            conn.close()
            fetched += 1
            expected = 404 if path == "/repo/no-such-page/" else 200
            if response.status != expected:
                broken.append(f"{path}: {response.status}")
                continue
            if not response.getheader("Content-Type", "").startswith("text/html"):
                continue
            html = body.decode()
            urls = [url for _, _, url in links_of(html)] + _srcset_urls(html)
            for url in urls:
                target = urljoin(f"http://{host}:{port}{path}", url)
                parts = urlsplit(target)
                if parts.netloc != f"{host}:{port}":
                    continue  # external: not ours to check
                if not parts.path.startswith("/repo/"):
                    broken.append(f"{path}: {url} is outside the base path")
                elif parts.path not in seen:
                    seen.add(parts.path)
                    queue.append(parts.path)
        assert broken == []
        pages = {
            "/repo/" + p.relative_to(root / "site").as_posix().removesuffix("index.html")
            for p in (root / "site").rglob("*.html")
        } - {"/repo/404.html"}
        assert pages <= seen, f"not reachable by links: {sorted(pages - seen)}"
        assert fetched >= len(pages)
    finally:
        running.stop()

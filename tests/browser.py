"""What the browser tests share: the tools they need, the site they visit, and checks that
run inside the page.

The site is the example catalogue (``content/``, ``filmpage.yml``, published under the
``/films/`` path) plus one film with a poster made here, so that image sizes are checked
too. It is built once and served by ``filmpage serve``'s server on a free port.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from filmpage.commands.serve import RunningPreview, start_preview

from .conftest import REPO, film

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "tests/npm/node_modules/axe-core/axe.min.js"
LIGHTHOUSE = REPO / "tests/npm/node_modules/lighthouse/cli/index.js"
FONTS = (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
         Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"))  # fmt: skip
ARTIFACTS = REPO / "test-artifacts"
WIDTHS = (390, 1280)


@contextmanager
def launched_chromium() -> Iterator:
    """Debian's Chromium driven by Playwright (never a downloaded browser), closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


def provision() -> None:
    """Install Chromium, Java, fonts, axe-core and Lighthouse when missing
    (``tests/provision.sh``)."""
    tools = (CHROMIUM, AXE, LIGHTHOUSE, *FONTS)
    if all(p.exists() for p in tools) and shutil.which("java"):
        return
    subprocess.run(["bash", str(REPO / "tests/provision.sh")], check=True, timeout=1800)


def serve_example(root: Path) -> RunningPreview:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "static", root / "static")  # its posters
    shutil.copy(REPO / "filmpage.yml", root / "filmpage.yml")
    (root / "static/posters").mkdir(parents=True, exist_ok=True)
    poster = Image.new("RGB", (800, 1200), (32, 48, 96))
    poster.paste((200, 160, 60), (100, 800, 700, 1000))
    poster.save(root / "static/posters/poster-test.jpg", quality=90)
    (root / "content/films/zz-poster-test.md").write_text(
        film("Poster Test", 2020, "A film that exists to test posters.",
             poster="posters/poster-test.jpg", genres="[Documentary]"),
        encoding="utf-8",
    )  # fmt: skip
    return start_preview(root, port=0, reload=False)


# Runs in the page: everything a visitor would notice as broken layout.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1)
    problems.push(`scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  const visible = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.visibility !== "hidden" && s.display !== "none" && r.width > 0 && r.height > 0 &&
      !el.closest(".visually-hidden, .skip-link, [aria-hidden=true]");
  };
  // clipped text: a box that hides overflow and whose own text does not fit
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || !el.textContent.trim()) continue;
    const s = getComputedStyle(el);
    const hides = [s.overflowX, s.overflowY].some((o) => o === "hidden" || o === "clip");
    if (hides && !el.matches(".card-poster, .related-poster") &&
        (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      problems.push(`clipped: ${el.tagName}.${el.className}`);
  }
  // text wider than the viewport (but in a row that scrolls sideways, as the menu does)
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement)
      if (["auto", "scroll"].includes(getComputedStyle(up).overflowX)) return true;
    return false;
  };
  for (const el of document.querySelectorAll("h1, h2, h3, p, a, li, dt, dd, span, label")) {
    if (!visible(el) || scrolls(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1 || r.left < -1)
      problems.push(`outside the viewport: ${el.tagName}.${el.className} ${r.left}-${r.right}`);
  }
  // overlapping siblings among the page's blocks and cards
  const boxes = (selector) => [...document.querySelectorAll(selector)].filter(visible)
    .map((el) => [el, el.getBoundingClientRect()]);
  for (const selector of [".film > *", ".grid > .card", ".related-list > li", ".facts > li",
                          ".topbar-inner > *", ".stat-cards > div", ".pager li"]) {
    const list = boxes(selector);
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const [a, ra] = list[i], [b, rb] = list[j];
        if (a.parentElement !== b.parentElement) continue;
        const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (x > 1 && y > 1)
          problems.push(`overlap: ${a.tagName}.${a.className} / ${b.tagName}.${b.className}`);
      }
  }
  // images: loaded, and drawn at the shape their width and height declare
  for (const img of document.querySelectorAll("img")) {
    if (!visible(img)) continue;
    const later = img.loading === "lazy" && img.getBoundingClientRect().top > innerHeight;
    if ((!img.complete || img.naturalWidth === 0) && !later)
      problems.push(`image not loaded: ${img.src}`);
    const w = +img.getAttribute("width"), h = +img.getAttribute("height");
    const r = img.getBoundingClientRect();
    if (!w || !h) problems.push(`image without width and height: ${img.src}`);
    else if (Math.abs(r.width / r.height - w / h) > 0.02)
      problems.push(`image drawn at ${r.width}x${r.height}, declared ${w}x${h}: ${img.src}`);
  }
  return problems;
}
"""

# Runs in the page: the room around the page's content, from the computed styles and the
# boxes Chromium laid out. Titles and breadcrumbs must not touch the top bar, nor the last
# row the footer, nor text the sides of the window; a film's title starts no higher than
# its poster.
SPACING = """
() => {
  const problems = [];
  const px = (v) => parseFloat(v) || 0;
  const main = document.querySelector("main");
  const cs = getComputedStyle(main);
  if (px(cs.paddingTop) < 16) problems.push(`main padding-top ${cs.paddingTop}`);
  if (px(cs.paddingBottom) < 32) problems.push(`main padding-bottom ${cs.paddingBottom}`);
  const shown = [...main.querySelectorAll("*")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden" &&
      !el.closest(".visually-hidden");
  });
  const bar = document.querySelector(".topbar").getBoundingClientRect();
  const footer = document.querySelector(".site-footer").getBoundingClientRect();
  const top = Math.min(...shown.map((el) => el.getBoundingClientRect().top));
  const bottom = Math.max(...shown.map((el) => el.getBoundingClientRect().bottom));
  if (top - bar.bottom < 16) problems.push(`content ${top - bar.bottom}px below the top bar`);
  if (footer.top - bottom < 32) problems.push(`content ${footer.top - bottom}px above the footer`);
  const width = document.documentElement.clientWidth;
  for (const el of main.querySelectorAll("h1, h2, p, li, dt, dd")) {
    if (!shown.includes(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.left < 12 || width - r.right < 12)
      problems.push(`${el.tagName}.${el.className} within 12px of the window's side`);
  }
  const title = document.querySelector(".film-title");
  const poster = document.querySelector(".film-poster");
  if (title && poster) {
    const t = title.getBoundingClientRect(), p = poster.getBoundingClientRect();
    if (t.top < p.top - 1) problems.push(`film title ${p.top - t.top}px above the poster's top`);
  }
  return problems;
}
"""

# Runs in the page: headings in the order a reader meets them, with what is wrong with it:
# one h1, first; no level skipped on the way down.
HEADINGS = """
() => {
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter((h) => !h.closest("[hidden], [aria-hidden=true]") &&
      getComputedStyle(h).display !== "none")
    .map((h) => +h.tagName[1]);
  const problems = [];
  if (levels[0] !== 1) problems.push(`first heading h${levels[0]}`);
  if (levels.filter((l) => l === 1).length !== 1) problems.push("not exactly one h1");
  levels.forEach((l, i) => {
    if (i && l > levels[i - 1] + 1) problems.push(`h${levels[i - 1]} then h${l}`);
  });
  return problems;
}
"""

# Runs in the page before anything else: adds up the layout shifts that the reader did not
# cause (CLS as the Web Vitals count it, in one window: these pages are short-lived).
CLS_OBSERVER = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if (!entry.hadRecentInput)
      window.__shifts.push({value: entry.value, sources: (entry.sources || []).map((s) =>
        s.node ? (s.node.className || s.node.nodeName) : "?")});
}).observe({type: "layout-shift", buffered: true});
"""

# Runs in the page: the focus indicator of the focused element, as the browser draws it.
FOCUS_STYLE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName, text: (el.textContent || el.value || "").trim().slice(0, 40),
    id: el.id, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
    shadow: s.boxShadow !== "none", visible: r.width > 0 && r.height > 0,
  };
}
"""

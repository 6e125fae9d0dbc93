"""Every page of the built website, as a reader's browser sees it.

Each page must load, render its math (MathJax ran), show all its images, log no JavaScript error, have
internal links that resolve, and not scroll sideways on a phone (390 px wide: long inline code must wrap).
One screenshot per part of the book is saved under ``_build/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from browser import ROOT, SCREENSHOTS, build_dir, chromium_page, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def toc_pages() -> list[tuple[str, str]]:
    """(part caption, page path) for the root page and every file in _toc.yml, in order."""
    pages, part = [("Start", "intro.html")], "Start"
    for line in (ROOT / "_toc.yml").read_text().splitlines():
        if m := re.match(r"\s*-\s*caption:\s*\"?([^\"]+)\"?", line):
            part = m.group(1).strip()
        elif m := re.match(r"\s*-\s*file:\s*(\S+)", line):
            pages.append((part, m.group(1) + ".html"))
    return pages


CHECK_PAGE = """() => {
  const imgs = [...document.querySelectorAll('main img')];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.src || '').slice(0, 80));
  const mathNodes = document.querySelectorAll('main .math, main span.math, main div.math').length;
  const rendered = document.querySelectorAll('main mjx-container').length;
  const links = [...document.querySelectorAll('main a[href], nav a[href]')].map(a => a.href);
  return {broken, mathNodes, rendered, links, title: document.title};
}"""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 900}
# How far the page scrolls sideways, and the widest culprits (elements that end past the right edge).
SIDEWAYS = """() => {
  const d = document.documentElement, over = d.scrollWidth - d.clientWidth;
  if (over <= 0) return {over, culprits: []};
  const culprits = [...document.querySelectorAll('.bd-article *')]
    .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1
      && !e.closest('pre, .highlight, table, .pst-scrollable-table-container, mjx-container'))
    .slice(-3).map(e => e.tagName.toLowerCase() + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60));
  return {over, culprits};
}"""


def test_every_page_renders_cleanly():
    build = build_dir()
    pages = toc_pages()
    problems: list[str] = []
    shot_parts: set[str] = set()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(build) as base, chromium_page(viewport=(DESKTOP["width"], DESKTOP["height"])) as browser:
        page = browser.page
        for part, path in pages:
            if not (build / path).exists():
                problems.append(f"{path}: not built")
                continue
            browser.errors.clear()
            page.goto(f"{base}/{path}", wait_until="load")
            info = page.evaluate(CHECK_PAGE)
            if info["mathNodes"]:
                try:  # MathJax typesets asynchronously
                    page.wait_for_selector("main mjx-container", timeout=15_000)
                except Exception:
                    problems.append(f"{path}: {info['mathNodes']} math nodes, MathJax rendered none")
            if info["broken"]:
                problems.append(f"{path}: broken images {info['broken']}")
            for href in info["links"]:
                url, _ = urldefrag(href)
                parsed = urlparse(url)
                if parsed.hostname != "127.0.0.1" or not parsed.path:
                    continue  # external links (Colab, GitHub) are not ours to test offline
                target = build / parsed.path.lstrip("/")
                if parsed.path.endswith("/"):
                    target = target / "index.html"
                if not target.exists():
                    problems.append(f"{path}: link to missing {urljoin(path, parsed.path)}")
            page.set_viewport_size(PHONE)  # the same page on a phone: nothing may push it sideways
            sideways = page.evaluate(SIDEWAYS)
            if sideways["over"] > 0:
                problems.append(f"{path}: scrolls sideways by {sideways['over']} px at 390 px: {sideways['culprits']}")
            page.set_viewport_size(DESKTOP)
            problems.extend(f"{path}: {e}" for e in browser.errors)
            if part not in shot_parts:
                shot_parts.add(part)
                slug = re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")
                page.screenshot(path=str(SCREENSHOTS / f"part-{slug}.png"))
    assert len(pages) > 3
    assert not problems, "\n".join(problems)


def test_toc_lists_pages_that_exist():
    for _, path in toc_pages()[1:]:
        stem = Path(path).with_suffix("")
        assert any((ROOT / stem).with_suffix(s).exists() for s in (".ipynb", ".md")), f"{stem} is in _toc.yml only"

"""The whole book as one PDF (``make pdf``): every page of the built website, in table-of-contents order.

    python tools/make_pdf.py [--html _build/html] [--out _build/pdf/book.pdf] [--pages chapters/01_tensors ...]

Each page of the website (built by ``make book``) is opened in Chromium (Debian's, driven by Playwright: no
browser download), MathJax is left to finish typesetting, and the page is printed to PDF as a reader would print
it; the pages are then joined with pypdf, with one bookmark per page. Chinese text needs a CJK font
(Debian: ``fonts-noto-cjk``); MathJax comes from a local npm copy. Works offline. Once the PDF exists, the next
website build links it from the front page and puts it beside the pages (``_ext/progress_map.py``).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from offline_web import serve, serve_mathjax_locally  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Paper cannot scroll sideways: wrap long code lines, keep headings with what follows them.
PRINT_CSS = """
pre, pre code, .highlight pre { white-space: pre-wrap !important; overflow-wrap: anywhere !important; }
div.cell_output, div.output { overflow: visible !important; }
h1, h2, h3, h4 { break-after: avoid; break-inside: avoid; overflow-wrap: anywhere; }
img, svg, figure, .dlcourse-quiz-question, tr { break-inside: avoid; }
"""
MATHJAX_DONE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (window.MathJax && MathJax.typesetPromise) { await MathJax.typesetPromise(); }
  await document.fonts.ready;
  return true;
}"""


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """The book's pages (docnames, without suffix) in table-of-contents order."""
    import yaml

    doc = yaml.safe_load(toc.read_text(encoding="utf-8"))
    pages = [doc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                pages.append(str(Path(e["file"]).with_suffix("")))
            walk(e.get("sections"))

    for part in doc.get("parts", []):
        walk(part.get("chapters"))
    walk(doc.get("chapters"))
    return pages


def print_pages(html_dir: Path, pages: list[str]) -> list[tuple[str, bytes]]:
    """(title, PDF bytes) for each page, printed by Chromium."""
    from playwright.sync_api import sync_playwright

    missing = [p for p in pages if not (html_dir / f"{p}.html").exists()]
    if missing:
        raise SystemExit(f"not in the built website ({html_dir}): {', '.join(missing)}; run `make book` first")
    out = []
    with serve(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        if not serve_mathjax_locally(page):
            print("  (no local MathJax: install npm, or formulas print as TeX source)", flush=True)
        for name in pages:
            t0 = time.time()
            page.goto(f"{base}/{name}.html", wait_until="networkidle")
            page.evaluate(MATHJAX_DONE)
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", print_background=True,
                           margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
            title = page.title().split("—")[0].split(" | ")[0].strip() or name
            out.append((title, pdf))
            print(f"  {name}: {len(pdf) // 1024} KB in {time.time() - t0:.1f} s", flush=True)
        browser.close()
    return out


def merge(printed: list[tuple[str, bytes]], out: Path) -> int:
    """Join the pages into one PDF with a bookmark per page; returns the page count."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for title, pdf in printed:
        start = len(writer.pages)
        for p in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(p)
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({"/Title": "Deep Learning by Doing · 动手学深度学习 (PyTorch)"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer.write(f)
    return len(writer.pages)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built website")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf")
    parser.add_argument("--pages", nargs="*", help="docnames to print (default: the whole table of contents)")
    args = parser.parse_args(argv)
    pages = args.pages or toc_pages()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set DLCOURSE_CHROMIUM)")
    t0 = time.time()
    print(f"printing {len(pages)} page(s) from {args.html} ...", flush=True)
    n = merge(print_pages(args.html, pages), args.out)
    print(f"wrote {args.out} ({n} pages, {args.out.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The built website without the internet, for the PDF printer and the browser tests: a local web server on
127.0.0.1, and MathJax 3 (which the book loads from a CDN) served from a local npm copy instead (the npm registry
is reachable where the CDN is not), cached in ``_build/npm``."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def mathjax_dir() -> Path | None:
    """The local MathJax 3 package (installed with npm on first use), or None without npm."""
    prefix = ROOT / "_build" / "npm"
    pkg = prefix / "node_modules" / "mathjax"
    if not (pkg / "es5").is_dir() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--silent", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix),
                        "mathjax@3"], check=False, timeout=300, capture_output=True)
    return pkg if (pkg / "es5").is_dir() else None


def serve_mathjax_locally(page) -> bool:
    """Make a Playwright page fetch MathJax from the local copy; False when there is none."""
    local = mathjax_dir()
    if local is None:
        return False
    page.route(f"{MATHJAX_CDN}**", lambda route: route.fulfill(
        path=str(local / route.request.url[len(MATHJAX_CDN):].split("?")[0])))
    return True

"""MathJax without the internet: the book loads MathJax 3 from a CDN; offline tools and tests serve a local npm
copy (the npm registry is reachable where the CDN is not), cached in ``_build/npm``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"


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

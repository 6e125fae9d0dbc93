"""Shared plumbing for the real-browser tests: build the book if needed, serve it on 127.0.0.1, drive Chromium.

Without Chromium or Playwright the tests skip, unless ``DLCOURSE_REQUIRE_BROWSER=1`` (CI sets it), when they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from offline_web import MATHJAX_CDN, mathjax_dir, serve  # noqa: E402,F401 (serve: for the tests)

CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "_build" / "screenshots"


def missing(reason: str):
    if os.environ.get("DLCOURSE_REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(f"{reason} (DLCOURSE_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


def build_dir(page: str = "index.html") -> Path:
    """The built website (``$DLCOURSE_BUILD_DIR``, default ``_build/html``); built first if ``page`` is missing."""
    build = Path(os.environ.get("DLCOURSE_BUILD_DIR", "_build/html"))
    if not build.is_absolute():
        build = ROOT / build
    if (build / page).exists():
        return build
    # Jupyter Book writes <path-output>/_build/html; build there when the folder has that shape.
    out = build.parent.parent if build.parent.name == "_build" and build.name == "html" else None
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--quiet"]
    if out is not None and out != ROOT:
        cmd += ["--path-output", str(out)]
    subprocess.run(cmd, cwd=ROOT, check=True, timeout=1800)
    if out is None:
        build = ROOT / "_build" / "html"
    assert (build / page).exists(), f"the book was built but {page} is not in {build}"
    return build


class Page:
    """A Playwright page that records JavaScript errors and refuses every request that leaves 127.0.0.1.

    MathJax, which the book loads from a CDN, is served from a local npm copy instead, so the tests see
    the math typeset exactly as an online reader does.
    """

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.external: list[str] = []
        self.mathjax = mathjax_dir()
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.route("**/*", self._only_local)

    def _only_local(self, route):
        url = route.request.url
        if urlparse(url).hostname in ("127.0.0.1", "localhost", None, ""):
            route.continue_()
        elif self.mathjax is not None and url.startswith(MATHJAX_CDN):
            route.fulfill(path=str(self.mathjax / url[len(MATHJAX_CDN):].split("?")[0]))
        else:
            self.external.append(url)
            route.abort()


@contextlib.contextmanager
def chromium_page(viewport=(1200, 900)):
    """Yield a ``Page`` in headless Chromium; skip (or fail under CI) when the browser is missing."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            yield Page(page)
        finally:
            browser.close()


def open_slider(page, url: str):
    """Open a page and return its first static slider's parts: (widget, frame image, first range input, value label)."""
    page.goto(url, wait_until="load")
    widget = page.locator("div.dlw").first
    widget.wait_for(state="attached", timeout=10_000)
    widget.scroll_into_view_if_needed()
    return (widget, widget.locator("img.dlw-frame"), widget.locator("input.dlw-range").first,
            widget.locator("output.dlw-value").first)



# ---- JupyterLab ---------------------------------------------------------------------------------------

def _jupyter_data_dirs() -> list[str]:
    """Every ``share/jupyter`` beside a site-packages on sys.path (a venv that reuses another venv's packages
    finds their lab extensions, e.g. the ipywidgets manager, only through JUPYTER_PATH)."""
    found = []
    for entry in sys.path:
        p = Path(entry)
        if p.name == "site-packages" and (p.parents[2] / "share" / "jupyter").is_dir():
            found.append(str(p.parents[2] / "share" / "jupyter"))
    return list(dict.fromkeys(found))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path, env: dict | None = None, timeout: float = 120):
    """Run JupyterLab from this environment on 127.0.0.1, serving ``root``; yield its base URL.

    No token, no news or update checks (nothing leaves the machine), the app exposed as ``window.jupyterapp`` so a
    test can run commands, and every Jupyter directory (config, runtime, settings, workspaces) in a scratch folder.
    Skips (or fails under CI) when JupyterLab is not installed: ``pip install -e .[test]`` brings it.
    """
    import json
    import tempfile
    import time
    import urllib.request

    lab = Path(sys.executable).parent / "jupyter-lab"
    if not lab.exists():
        missing("JupyterLab is not installed (pip install -e '.[test]')")
    with tempfile.TemporaryDirectory(prefix="dlcourse-jl-") as scratch:
        scratch = Path(scratch)
        settings = scratch / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        port = _free_port()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "DLCOURSE_HEADLESS"))}
        full_env.update({
            "JUPYTER_CONFIG_DIR": str(scratch / "config"), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTER_DATA_DIR": str(scratch / "data"), "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
            "JUPYTER_PATH": os.pathsep.join(_jupyter_data_dirs()), "JUPYTER_PLATFORM_DIRS": "1",
        })
        full_env.update(env or {})
        cmd = [str(lab), "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
               "--ServerApp.terminals_enabled=False", "--allow-root"]
        log = (scratch / "server.log").open("w")
        proc = subprocess.Popen(cmd, env=full_env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        base = f"http://127.0.0.1:{port}"
        try:
            start = time.monotonic()
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/status", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() - start > timeout:
                    log.flush()
                    raise RuntimeError("JupyterLab did not start:\n" + (scratch / "server.log").read_text()[-3000:])
                time.sleep(0.5)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()

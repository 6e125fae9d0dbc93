"""Real JupyterLab: chapter 06's sliders for a learner who opens, runs, saves, restarts and reopens the notebook.

JupyterLab (from PyPI, in the test extra) serves a copy of ``chapters/06_gradient_descent.ipynb`` on 127.0.0.1
with the smoke preset, and headless Chromium drives it (``tests/browser.py``):

1. opened as stored (untrusted, never run here): the static copy shows its starting frame and says to run the
   cell; nothing says "Error displaying widget";
2. Run All: the live widget replaces the static copy (one slider set on screen), its picture keeps its natural
   size, and its slider handles report their values (``aria-valuetext``), not their positions;
3. a move: the widget says it is computing (and greys the old picture) until the new picture arrives;
4. save: the file holds the static copy and the live view as two outputs;
5. restart the kernel: the widget says the kernel has gone;
6. reopen (reload from disk, new kernel): the static copy is back, and no "model not found" error shows.

Skipped without Chromium, Playwright or JupyterLab, unless ``DLCOURSE_REQUIRE_BROWSER=1``. Screenshots go to
``_build/screenshots/jupyterlab-*.png``.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest
from browser import ROOT, SCREENSHOTS, chromium_page, jupyterlab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NB = "chapters/06_gradient_descent.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ERROR = "Error displaying widget"

# A MutationObserver that remembers everything the live widget's status line said (the busy line can be brief).
WATCH_STATUS = """() => { window.__dlwSaid = []; const s = document.querySelector('.dlw-live .dlw-status');
  new MutationObserver(() => window.__dlwSaid.push(s.innerText)).observe(s, {subtree: true, childList: true,
  characterData: true}); }"""
SLIDER_STATE = """() => [...document.querySelectorAll('.dlw-live .widget-slider')].map(s => ({
  readout: s.querySelector('.widget-readout').textContent,
  aria: s.querySelector('[role=slider]').getAttribute('aria-valuetext'),
  label: s.querySelector('[role=slider]').getAttribute('aria-label')}))"""


def _wait_idle(page, timeout=120_000):
    page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                           "?.getAttribute('data-status') === 'idle'", timeout=timeout)


def _open(page, url):
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    _wait_idle(page)


def _visible_text(page) -> str:
    return page.locator(".jp-Notebook").inner_text()


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"jupyterlab-{name}.png"))


def test_sliders_in_jupyterlab_run_save_restart_reopen(tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copy(ROOT / NB, tmp_path / NB)
    timings = {}
    t0 = time.perf_counter()
    with chromium_page(viewport=(1400, 1000)) as p, \
            jupyterlab(tmp_path, env={"DLCOURSE_PRESET": "smoke", "OMP_NUM_THREADS": "1"}) as base:
        page = p.page
        timings["server"] = time.perf_counter() - t0
        url = f"{base}/lab/tree/{NB}"

        # 1. as stored: the static copy, its starting frame, "run this cell"
        _open(page, url)
        static = page.locator(".dlw-static").first
        static.scroll_into_view_if_needed()
        assert static.is_visible() and static.locator(".dlw-hint").is_visible()
        assert "run this cell" in static.inner_text()
        assert static.locator("img.dlw-frame").evaluate("i => i.complete && i.naturalWidth > 0")
        assert ERROR not in _visible_text(page)
        _shot(page, "1-stored")

        # 2. Run All, through the menu
        t = time.perf_counter()
        page.locator(".jp-Notebook").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.wait_for_selector(".dlw-live img.dlw-frame", timeout=180_000)
        _wait_idle(page, 180_000)
        timings["run all"] = time.perf_counter() - t
        live = page.locator(".dlw-live").first
        live.scroll_into_view_if_needed()
        assert live.is_visible() and not page.locator(".dlw-static").first.is_visible(), "two copies on screen"
        assert page.locator(".dlw-live").count() == 1
        img = live.locator("img.dlw-frame")
        size = img.evaluate("i => [i.naturalWidth, i.clientWidth, i.closest('.jp-OutputArea').clientWidth]")
        assert size[1] == min(size[0], size[1]) and abs(size[1] - min(size[0], size[2])) <= 1, size  # not stretched
        state = page.evaluate(SLIDER_STATE)
        assert len(state) == 2 and all(s["aria"] == s["readout"] for s in state), state  # value, not index
        assert [s["label"] for s in state] == ["learning rate", "batch size"], state
        _shot(page, "2-live")

        # 3. a move: busy line and greyed picture, then the new picture
        page.evaluate(WATCH_STATUS)
        before = img.get_attribute("src")
        t = time.perf_counter()
        live.locator("[role=slider]").first.focus()
        page.keyboard.press("End")
        page.wait_for_function("([i, s]) => i.src !== s", arg=[img.element_handle(), before], timeout=60_000)
        timings["move"] = time.perf_counter() - t
        page.wait_for_function("() => document.querySelector('.dlw-live .dlw-status').innerText === ''")
        said = page.evaluate("() => window.__dlwSaid")
        assert any("Computing learning rate = 0.5" in s for s in said), said
        state = page.evaluate(SLIDER_STATE)
        assert state[0]["readout"] == "0.5" and state[0]["aria"] == "0.5", state
        assert "dlw-stale" not in (img.get_attribute("class") or "")
        _shot(page, "3-moved")

        # 4. save: the file holds the static copy and the live view, as two outputs of the slider cell
        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
        saved = json.loads((tmp_path / NB).read_text())
        outputs = [c["outputs"] for c in saved["cells"] if "dl.widgets.sliders(" in "".join(c["source"])][0]
        kinds = [sorted(o.get("data", {})) for o in outputs]
        assert kinds == [["text/html", "text/plain"], [WIDGET_VIEW]], kinds

        # 5. restart the kernel: the widget says so
        page.evaluate("() => { window.jupyterapp.commands.execute('kernelmenu:restart'); }")
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.wait_for_selector(".dlw-live.jupyter-widgets-disconnected", timeout=60_000)
        dead = live.locator(".dlw-dead")
        assert dead.is_visible() and "kernel has stopped or restarted" in dead.inner_text()
        _shot(page, "4-restarted")

        # 6. reopen from disk with a new kernel: the static copy, and no widget error
        t = time.perf_counter()
        _open(page, url)
        static = page.locator(".dlw-static").first
        static.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(3000)  # the widget manager gives up on the missing model within ~2 s
        timings["reopen"] = time.perf_counter() - t
        static.scroll_into_view_if_needed()
        assert ERROR not in _visible_text(page), "a widget error shows after reopening"
        assert static.locator(".dlw-hint").is_visible()
        assert static.locator("img.dlw-frame").evaluate("i => i.complete && i.naturalWidth > 0")
        assert page.locator(".dlw-live").count() == 0
        _shot(page, "5-reopened")
        widget_errors = [e for e in p.errors if "widget" in e.lower() and "model not found" not in e]
    timings["total"] = time.perf_counter() - t0
    print("JupyterLab timings (s):", {k: round(v, 1) for k, v in timings.items()})
    assert not widget_errors, widget_errors
    assert not p.external, p.external  # nothing left 127.0.0.1

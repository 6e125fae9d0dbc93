"""The website's own controls, as a reader on a phone and on a desktop uses them.

* The ☰ button (site navigation) and the page-contents button open their panels on a phone (390 px) and toggle
  them on a desktop. pydata-sphinx-theme 0.17 broke both (a hidden duplicate button took the click listeners),
  hence the theme pins in pyproject.toml's ``book`` extra and the Makefile.
* The front page's ``<title>`` names the book once.
* The theme versions ``make book`` installs are the ones pyproject.toml's ``book`` extra asks for.

The built site is read from ``$DLCOURSE_BUILD_DIR`` (default ``_build/html``; built first if missing).
"""

from __future__ import annotations

import re

import pytest
from browser import ROOT, SCREENSHOTS, build_dir, chromium_page, serve

PAGE = "chapters/06_gradient_descent.html"
# a chapter in the site navigation, a section in chapter 06's page contents (on a phone the theme moves each panel
# into a dialog)
TOC_LINK = ':is(#pst-primary-sidebar, #pst-primary-sidebar-modal) a[href*="13_model_selection_weight_decay"]'
CONTENTS_LINK = ':is(#pst-secondary-sidebar, #pst-secondary-sidebar-modal) a[href="#the-update-rule"]'


# How many of the matches a reader can see: inside the window, and on top at their centre (not covered, not moved
# off-screen: the theme keeps a closed panel's links "visible" just outside the window).
SHOWN = """sel => [...document.querySelectorAll(sel)].filter(e => {
  const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (!r.width || !r.height || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
  const top = document.elementFromPoint(x, y);
  return top === e || e.contains(top);
}).length"""


def _visible(page, selector) -> int:
    link = page.locator(selector).first
    if link.count():
        link.evaluate("e => e.scrollIntoView({block: 'center', inline: 'nearest'})")  # within its panel
    return page.evaluate(SHOWN, selector)


@pytest.mark.browser
@pytest.mark.slow
def test_navigation_toggles_on_a_phone_and_a_desktop():
    build = build_dir(PAGE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(build) as base:
        # phone: both panels are closed; each button opens its panel
        with chromium_page(viewport=(390, 844)) as p:
            page = p.page
            page.goto(f"{base}/{PAGE}", wait_until="load")
            assert _visible(page, TOC_LINK) == 0 and _visible(page, CONTENTS_LINK) == 0
            page.locator(".primary-toggle:visible").click()
            page.wait_for_timeout(300)
            assert _visible(page, TOC_LINK) >= 1, "the ☰ button did not open the site navigation on a phone"
            page.screenshot(path=str(SCREENSHOTS / "phone-navigation.png"))
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)
            assert _visible(page, TOC_LINK) == 0, "Escape did not close the site navigation"
            page.locator(".secondary-toggle:visible").click()
            page.wait_for_timeout(300)
            assert _visible(page, CONTENTS_LINK) >= 1, "the contents button did not open the page contents"
            page.screenshot(path=str(SCREENSHOTS / "phone-contents.png"))
            phone_errors = list(p.errors)
        # desktop: each button shows or hides its panel, and a second click undoes it
        with chromium_page(viewport=(1100, 900)) as p:
            page = p.page
            page.goto(f"{base}/{PAGE}", wait_until="load")
            assert _visible(page, TOC_LINK) >= 1, "the site navigation is not shown on a desktop"
            # the navigation collapses and comes back; below 1200 px the contents open over the page (Escape closes)
            for toggle, link, what, undo in [(".primary-toggle", TOC_LINK, "site navigation", "click"),
                                             (".secondary-toggle", CONTENTS_LINK, "page contents", "Escape")]:
                before = _visible(page, link) > 0
                page.locator(f"{toggle}:visible").click()
                page.wait_for_timeout(400)
                assert (_visible(page, link) > 0) != before, f"the {what} button did nothing on a desktop"
                if undo == "click":
                    page.locator(f"{toggle}:visible").click()
                else:
                    page.keyboard.press(undo)
                page.wait_for_timeout(400)
                assert (_visible(page, link) > 0) == before, f"the {what} did not go back on a desktop"
            desktop_errors = list(p.errors)
        # a wide desktop shows both panels; the page-contents panel needs no button there
        with chromium_page(viewport=(1400, 900)) as p:
            page = p.page
            page.goto(f"{base}/{PAGE}", wait_until="load")
            assert _visible(page, TOC_LINK) >= 1 and _visible(page, CONTENTS_LINK) >= 1
            # no second, lone search bar above the page (pydata-sphinx-theme 0.17's header)
            assert page.evaluate("() => document.querySelector('.bd-header')?.offsetHeight || 0") == 0
    assert not phone_errors + desktop_errors, phone_errors + desktop_errors


def test_front_page_title_names_the_book_once():
    html = (build_dir() / "intro.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.count("Deep Learning by Doing") == 1, title
    chapter = (build_dir(PAGE) / PAGE).read_text(encoding="utf-8")
    assert re.search(r"<title>6\. Gradient descent.*&#8212; Deep Learning by Doing", chapter), "chapter titles changed"


def test_make_book_installs_the_book_extra():
    """The Makefile installs the book's requirements by hand (no PyTorch needed): the same as the ``book`` extra."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["book"]
    recipe = re.search(r"\.book-installed:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text()).group(1)
    installed = re.findall(r'"([^"]+)"', recipe)
    assert sorted(installed) == sorted(extra), (installed, extra)
    assert any(r.startswith("pydata-sphinx-theme") and "<0.17" in r for r in extra)

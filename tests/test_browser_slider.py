"""Real-browser test: chapter 06's learning-rate slider works on the static website, with no kernel.

The built site is read from ``$DLCOURSE_BUILD_DIR`` (default ``_build/html``) and built first if chapter 06's
page is missing (``tests/browser.py``), served on 127.0.0.1 and opened in headless Chromium (Playwright
driving ``/usr/bin/chromium``). The test drags the learning-rate slider with the keyboard and checks that the
picture and the value label change and that the page logged no JavaScript error. Requests leaving 127.0.0.1
are refused (MathJax is served from a local npm copy), so the slider provably needs no network. A screenshot
is saved to ``_build/screenshots/ch06-slider.png`` (a CI artefact).

Skipped when Chromium or Playwright is missing, unless ``DLCOURSE_REQUIRE_BROWSER=1`` (CI), when it fails.
Select it with ``pytest -m browser``.
"""

from __future__ import annotations

import pytest
from browser import SCREENSHOTS, build_dir, chromium_page, open_slider, serve

PAGE = "chapters/06_gradient_descent.html"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_learning_rate_slider_changes_the_picture():
    with chromium_page() as p:  # skips (or fails under CI) before any build when there is no browser
        built = build_dir(PAGE)
        size = (built / PAGE).stat().st_size
        assert size < 3_000_000, f"{PAGE} is {size / 1e6:.1f} MB; the budget is 3 MB"
        with serve(built) as url:
            page = p.page
            widget, image, lr, label = open_slider(page, f"{url}/{PAGE}")
            assert widget.locator("input.dlw-range").count() == 2  # learning rate and batch size

            before_src, before_label = image.get_attribute("src"), label.text_content()
            assert before_src and before_src.startswith("data:image/png;base64,")
            assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the frame did not render"

            lr.focus()
            page.keyboard.press("End")  # drag to the largest (divergent) learning rate
            after_src, after_label = image.get_attribute("src"), label.text_content()
            after_alt, after_aria = image.get_attribute("alt"), lr.get_attribute("aria-valuetext")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            widget.screenshot(path=str(SCREENSHOTS / "ch06-slider.png"))

            page.keyboard.press("Home")  # and to the smallest
            home_src = image.get_attribute("src")

            batch = widget.locator("input.dlw-range").nth(1)
            batch.focus()
            page.keyboard.press("Home")  # batch size 1: SGD
            sgd_src, sgd_alt = image.get_attribute("src"), image.get_attribute("alt")
            page.wait_for_timeout(200)  # let late errors surface

        assert after_label != before_label, "the value label did not follow the slider"
        assert after_src != before_src, "moving the slider did not change the picture"
        assert home_src not in (before_src, after_src), "the smallest rate shows the same picture as another"
        assert sgd_src != home_src, "the batch-size slider did not change the picture"
        assert not p.errors, "JavaScript errors on the page:\n" + "\n".join(p.errors)
        assert after_aria == after_label == "0.5" and "learning rate = 0.5" in after_alt, (after_aria, after_alt)
        assert sgd_alt.endswith("batch size = 1 (SGD)"), sgd_alt

"""Real-browser test: the weight-decay slider (chapter 13) and the dropout slider (chapter 14) work with no kernel.

Uses the built website (``$DLCOURSE_BUILD_DIR``, default ``_build/html``; built first if a page is missing,
see ``tests/browser.py``), serves it on 127.0.0.1, opens each page in headless Chromium, drags the slider to
both ends with the keyboard, and checks that the value label and the picture change and that the page
logged no JavaScript error. Screenshots go to ``_build/screenshots/``. Skipped without Chromium or
Playwright, unless ``DLCOURSE_REQUIRE_BROWSER=1``. Run only the browser tests with ``pytest -m browser``.
"""

from __future__ import annotations

import pytest
from browser import ROOT, SCREENSHOTS, build_dir, chromium_page, open_slider, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLIDERS = [
    # page, screenshot name, label at the smallest value, label at the largest value
    ("chapters/13_model_selection_weight_decay.html", "ch13-weight-decay-slider.png", "0", "10"),
    ("chapters/14_dropout_numerical_stability.html", "ch14-dropout-slider.png", "0.0", "0.9"),
]


@pytest.mark.parametrize("page_path, shot, first_label, last_label", SLIDERS, ids=["ch13-lambda", "ch14-dropout"])
def test_slider_changes_the_picture(page_path, shot, first_label, last_label):
    if not (ROOT / page_path.replace(".html", ".ipynb")).exists():
        pytest.skip(f"{page_path} is not in the book yet")
    build = build_dir(page_path)
    with serve(build) as url, chromium_page() as p:
        page = p.page
        widget, image, rng, label = open_slider(page, f"{url}/{page_path}")
        start_src, start_label = image.get_attribute("src"), label.text_content()
        assert start_src and start_src.startswith("data:image/png;base64,")

        rng.focus()
        page.keyboard.press("End")          # drag to the largest value
        end_src, end_label = image.get_attribute("src"), label.text_content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        widget.screenshot(path=str(SCREENSHOTS / shot))

        rng.focus()
        page.keyboard.press("Home")         # and to the smallest
        home_src, home_label = image.get_attribute("src"), label.text_content()
        errors = list(p.errors)

    assert end_label.strip() == last_label and home_label.strip() == first_label, (start_label, end_label, home_label)
    assert end_src != start_src, "moving the slider to the end did not change the picture"
    assert home_src not in (start_src, end_src), "the smallest value shows the same picture as another"
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)

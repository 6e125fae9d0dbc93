"""Real-browser test: the weight-decay slider (chapter 13) and the dropout slider (chapter 14) work with no kernel.

Uses the built website (``$DLCOURSE_BUILD_DIR``, default ``_build/html``; built first if a page is missing,
see ``tests/browser.py``), serves it on 127.0.0.1, opens each page in headless Chromium, drags the slider to
both ends with the keyboard, and checks that the value label, the range's ``aria-valuetext`` and the picture's
``alt`` text follow the picture, that the note says what the page does (pictures drawn in advance) rather than
what the live widget does, and that the page logged no JavaScript error. Screenshots go to
``_build/screenshots/``. Skipped without Chromium or Playwright, unless ``DLCOURSE_REQUIRE_BROWSER=1``.
Run only the browser tests with ``pytest -m browser``.
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

        note = widget.locator(".dlw-note").inner_text()
        hints = widget.locator(".dlw-hint").count()
        rng.focus()
        page.keyboard.press("End")          # drag to the largest value
        end_src, end_label = image.get_attribute("src"), label.text_content()
        end_alt, end_aria = image.get_attribute("alt"), rng.get_attribute("aria-valuetext")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        widget.screenshot(path=str(SCREENSHOTS / shot))

        rng.focus()
        page.keyboard.press("Home")         # and to the smallest
        home_src, home_label = image.get_attribute("src"), label.text_content()
        home_alt, home_aria = image.get_attribute("alt"), rng.get_attribute("aria-valuetext")
        errors = list(p.errors)

    assert end_label.strip() == last_label and home_label.strip() == first_label, (start_label, end_label, home_label)
    assert end_src != start_src, "moving the slider to the end did not change the picture"
    assert home_src not in (start_src, end_src), "the smallest value shows the same picture as another"
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)
    # a screen reader hears the value now shown, and the picture's description follows it
    assert end_aria == last_label and end_alt.endswith(f"= {last_label}"), (end_aria, end_alt)
    assert home_aria == first_label and home_alt.endswith(f"= {first_label}"), (home_aria, home_alt)
    assert "drawn in advance" in note and "Live" not in note, note  # what the page does, not the live widget
    assert hints == 0, "the 'run this cell' line shows on the website (the script did not run)"

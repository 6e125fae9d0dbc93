"""The concept quizzes and the progress map, as a reader uses them in Chromium (no kernel, no network).

On three chapters: a wrong option shows why it is wrong, the right one is accepted, a number typed in an
equivalent form (1/2 for 0.5) counts; the answers survive a reload and show on the front page's progress map;
the reset button clears them; and all of it works on a 390-px phone screen.
"""

from __future__ import annotations

import re

import pytest
from browser import build_dir, chromium_page, serve

from dlcourse.concept_quiz import load_quiz

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHAPTERS = {"06": "chapters/06_gradient_descent.html", "17": "chapters/17_lenet.html",
            "21": "chapters/21_googlenet_residual.html"}
RIGHT, WRONG = re.compile(r"\bdlcourse-right\b"), re.compile(r"\bdlcourse-wrong\b")


def answer_all(page, chapter: str) -> None:
    """Answer every question of a chapter's quiz: first a wrong option (its explanation must show), then the
    right one; numbers first wrong, then in an equivalent form."""
    from playwright.sync_api import expect  # installed: chromium_page has checked

    quiz = page.locator(f"#dlcourse-quiz-{chapter}")
    quiz.scroll_into_view_if_needed()
    for i, q in enumerate(load_quiz(chapter), 1):
        box = quiz.locator(f'.dlcourse-quiz-question[data-qid="{int(chapter)}.{i}"]')
        if "choices" in q:
            wrong = next(j for j, c in enumerate(q["choices"]) if not c.get("correct"))
            right = next(j for j, c in enumerate(q["choices"]) if c.get("correct"))
            option = box.locator("details.dlcourse-quiz-choice").nth(wrong)
            option.locator("summary").click()
            why = option.locator(".dlcourse-quiz-why")
            assert why.is_visible() and "Not this one" in why.inner_text()
            expect(box).to_have_class(WRONG)  # waits: a <details> fires its toggle event after the click returns
            box.locator("details.dlcourse-quiz-choice").nth(right).locator("summary").click()
        else:
            box.locator("input").fill(str(q["answer"] + 10 * q["tolerance"] + 1000))
            box.locator("button").click()
            expect(box).to_have_class(WRONG)
            value = q["answer"]
            typed = f"{int(value * 2)}/2" if value * 2 == int(value * 2) else repr(value)
            box.locator("input").fill(typed)
            box.locator("button").click()
        expect(box, f"quiz {chapter} question {i} not accepted").to_have_class(RIGHT)


@pytest.mark.parametrize("width", [1200, 390])
def test_quizzes_answer_remember_and_show_on_the_front_page(width):
    build = build_dir()
    with serve(build) as base, chromium_page(viewport=(width, 900)) as browser:
        page = browser.page
        for chapter, path in CHAPTERS.items():
            page.goto(f"{base}/{path}", wait_until="load")
            assert page.locator(".dlcourse-quiz-question").count() >= 4
            answer_all(page, chapter)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
        # answers survive a reload
        page.reload(wait_until="load")
        assert page.locator("#dlcourse-quiz-21 .dlcourse-quiz-question.dlcourse-right").count() == len(load_quiz("21"))
        assert "complete" in page.locator("#dlcourse-quiz-21 .dlcourse-quiz-score").inner_text()
        # the front page's map shows them
        page.goto(f"{base}/intro.html", wait_until="load")
        tiles = page.locator(".dlcourse-progress-tile")
        assert tiles.count() == 24
        states = {t.get_attribute("data-chapter"): t.get_attribute("data-state") for t in tiles.all()}
        assert {states["06"], states["17"], states["21"]} == {"done"} and states["12"] == "todo"
        assert "3 of 24 chapters complete" in page.locator("#dlcourse-progress-summary").inner_text()
        # reset needs a second click, then clears everything
        reset = page.locator("#dlcourse-progress-reset")
        reset.click()
        assert page.locator('.dlcourse-progress-tile[data-state="done"]').count() == 3
        reset.click()
        assert page.locator('.dlcourse-progress-tile[data-state="done"]').count() == 0
        page.goto(f"{base}/{CHAPTERS['17']}", wait_until="load")
        assert page.locator("#dlcourse-quiz-17 .dlcourse-right").count() == 0
        assert not browser.errors, browser.errors

"""Concept quizzes: every chapter has a valid one, it renders to self-contained HTML, and bad sources fail clearly."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from dlcourse import concept_quiz
from dlcourse.concept_quiz import QuizError, load_quiz, markdown, render_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbconventions  # noqa: E402

CHAPTERS = sorted(p.name[:2] for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_a_valid_quiz(chapter):
    questions = load_quiz(chapter)
    assert 4 <= len(questions) <= 6
    text = json.dumps(questions, ensure_ascii=False)
    assert CJK.search(text), f"quiz {chapter}: key terms should also appear in Chinese"
    kinds = {"choices" in q for q in questions}
    if chapter != "00":
        assert kinds == {True, False}, f"quiz {chapter}: mix multiple-choice and numeric questions"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_rendered_quiz_is_self_contained_and_stable(chapter):
    html = render_html(chapter)
    assert html == render_html(chapter)
    assert html.count('class="dlcourse-quiz-question"') == len(load_quiz(chapter))
    assert "<script>" in html and "<style>" in html and "http" not in html.split("<script>")[1]
    assert html.count("dlcourse-quiz-why") >= len(load_quiz(chapter))


def test_markdown_subset():
    assert markdown("a `x<y` and **b** and *c* and $a^2$") == (
        r"<p>a <code>x&lt;y</code> and <strong>b</strong> and <em>c</em> and \(a^2\)</p>")
    assert markdown("one\n\ntwo") == "<p>one</p><p>two</p>"
    assert markdown("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


@pytest.mark.parametrize("source, message", [
    ("questions: []", "0 questions"),
    ("nope: 1", "top-level 'questions:'"),
    ("questions: [", "not valid YAML"),
    ("questions:\n" + "  - prompt: p\n    choices:\n      - {text: a, why: w}\n      - {text: b, why: w}\n" * 4,
     "exactly one option"),
    ("questions:\n" + "  - prompt: p\n    choices:\n      - {text: a, correct: true, why: w}\n      - {text: b}\n" * 4,
     "needs 'text' and 'why'"),
    ("questions:\n" + "  - prompt: p\n    answer: one\n    tolerance: 0\n    why: w\n" * 4, "number 'answer'"),
    ("questions:\n" + "  - prompt: p\n" * 4, "needs 'choices'"),
])
def test_malformed_sources_fail_with_the_reason(tmp_path, monkeypatch, source, message):
    monkeypatch.setattr(concept_quiz, "QUIZ_DIR", tmp_path)
    (tmp_path / "99.yaml").write_text(source)
    with pytest.raises(QuizError, match=re.escape(message)):
        load_quiz("99")


def test_missing_quiz_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(concept_quiz, "QUIZ_DIR", tmp_path)
    with pytest.raises(QuizError, match="98.yaml is missing"):
        load_quiz(98)


def _nb(*sources):
    nb = nbformat.v4.new_notebook()
    for kind, src in sources:
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src))
    return nb


def test_conventions_insert_the_quiz_before_the_exercise_link_once():
    nb = _nb(("code", "import dlcourse as dl"), ("md", "text"), ("md", "[Exercises](../exercises/05_x.ipynb)"),
             ("code", "dl.run_record()"))
    nbconventions.apply(nb, ROOT / "chapters" / "05_x.ipynb")
    nbconventions.apply(nb, ROOT / "chapters" / "05_x.ipynb")
    sources = [c.source for c in nb.cells]
    assert sources.count('dl.quiz("05")') == 1
    assert sources.index('dl.quiz("05")') == sources.index("[Exercises](../exercises/05_x.ipynb)") - 1
    cell = nb.cells[sources.index('dl.quiz("05")')]
    assert "remove-input" in cell.metadata["tags"]


def test_conventions_leave_solutions_without_a_quiz():
    nb = _nb(("code", "import dlcourse as dl"), ("code", "dl.run_record()"))
    nbconventions.apply(nb, ROOT / "solutions" / "05_x.ipynb")
    assert not any("dl.quiz" in c.source for c in nb.cells)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_notebook_shows_its_quiz(chapter):
    path = next((ROOT / "chapters").glob(f"{chapter}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source == f'dl.quiz("{chapter}")']
    assert cells, f"{path.name} has no quiz cell (make execute adds it)"
    html = "".join(o.get("data", {}).get("text/html", "") for o in cells[0].outputs)
    assert html == render_html(chapter), f"{path.name}: the stored quiz is stale; re-run the chapter"

"""Concept quizzes: ``dl.quiz("17")`` shows chapter 17's questions, answerable with no kernel.

Each chapter's questions live in one YAML file, ``dlcourse/quizzes/NN.yaml``, which a contributor edits without
touching JavaScript::

    questions:
      - prompt: A 1×28×28 image passes `nn.Conv2d(1, 6, kernel_size=5)`. What shape comes out? (输出形状)
        choices:
          - text: 6×24×24
            correct: true
            why: Each side loses kernel − 1 = 4 pixels, and there are 6 output channels.
          - text: 6×28×28
            why: That would need padding 2; without padding the 5×5 window fits 24 times along each side.
      - prompt: What fraction of the activations does `nn.Dropout(0.5)` zero during training?
        answer: 0.5          # a number: 0.5, 1/2 and 50% are all accepted
        tolerance: 0.001
        why: Each unit is kept with probability 1 − p.
        wrong:               # optional: explanations for known wrong numbers
          - value: 2
            why: 2 is the factor the kept activations are scaled by, 1 / (1 − p).

Prompts, options and explanations are short Markdown: `code`, **bold**, *italic* and $math$. The output is one
self-contained HTML block (its own CSS and a small script): on the website and in Jupyter or Colab the options
check and explain themselves, and answers are remembered in the browser's ``localStorage`` for the front page's
progress map. Without JavaScript (an untrusted notebook, a PDF) every option still opens to show its explanation.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUIZ_DIR = HERE / "quizzes"
ASSETS = HERE / "quiz_assets"
MIN_QUESTIONS, MAX_QUESTIONS = 4, 6


class QuizError(ValueError):
    """A quiz source is malformed; the message names the file and the question."""


def quiz_path(chapter) -> Path:
    return QUIZ_DIR / f"{str(chapter).zfill(2)}.yaml"


def load_quiz(chapter) -> list[dict]:
    """The chapter's questions, validated: each has a prompt, and either choices (exactly one correct, every
    option with a ``why``) or a numeric ``answer`` with a ``tolerance``."""
    import yaml

    path = quiz_path(chapter)
    if not path.exists():
        raise QuizError(f"no quiz for chapter {chapter}: {path.name} is missing from {QUIZ_DIR}")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise QuizError(f"{path.name} is not valid YAML: {e}") from None
    questions = doc.get("questions") if isinstance(doc, dict) else None
    if not isinstance(questions, list):
        raise QuizError(f"{path.name}: expected a top-level 'questions:' list")
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise QuizError(f"{path.name}: {len(questions)} questions; a chapter has {MIN_QUESTIONS} to {MAX_QUESTIONS}")
    for i, q in enumerate(questions, 1):
        _validate(q, f"{path.name}, question {i}")
    return questions


def _validate(q, where: str) -> None:
    if not isinstance(q, dict) or not str(q.get("prompt", "")).strip():
        raise QuizError(f"{where}: needs a 'prompt'")
    if "choices" in q:
        choices = q["choices"]
        if not isinstance(choices, list) or len(choices) < 2:
            raise QuizError(f"{where}: 'choices' needs at least two options")
        if sum(bool(c.get("correct")) for c in choices if isinstance(c, dict)) != 1:
            raise QuizError(f"{where}: exactly one option must have 'correct: true'")
        for j, c in enumerate(choices, 1):
            if not isinstance(c, dict) or not str(c.get("text", "")).strip() or not str(c.get("why", "")).strip():
                raise QuizError(f"{where}, option {j}: needs 'text' and 'why' (say why it is right or wrong)")
    elif "answer" in q:
        for key in ("answer", "tolerance"):
            if not isinstance(q.get(key), (int, float)) or isinstance(q.get(key), bool):
                raise QuizError(f"{where}: a numeric question needs a number '{key}'")
        if q["tolerance"] < 0 or not str(q.get("why", "")).strip():
            raise QuizError(f"{where}: needs a non-negative 'tolerance' and a 'why'")
        for w in q.get("wrong", []) or []:
            if not isinstance(w, dict) or not isinstance(w.get("value"), (int, float)) or not w.get("why"):
                raise QuizError(f"{where}: each 'wrong' entry needs a number 'value' and a 'why'")
    else:
        raise QuizError(f"{where}: needs 'choices' (multiple choice) or 'answer' (a number)")


_CODE = re.compile(r"`([^`]+)`")
_MATH = re.compile(r"(?<![\\$])\$([^$\n]+)\$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def markdown(text: str) -> str:
    """The small Markdown subset quizzes use, as HTML: `code`, $math$, **bold**, *italic*, paragraphs."""
    stash: list[str] = []

    def keep(fragment: str) -> str:
        stash.append(fragment)
        return f"\x00{len(stash) - 1}\x00"

    text = _CODE.sub(lambda m: keep(f"<code>{html.escape(m.group(1))}</code>"), str(text).strip())
    text = _MATH.sub(lambda m: keep(r"\(" + html.escape(m.group(1)) + r"\)"), text)
    text = html.escape(text, quote=False)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    paragraphs = [p.strip().replace("\n", " ") for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = "".join(f"<p>{p}</p>" for p in paragraphs)
    return re.sub("\x00(\\d+)\x00", lambda m: stash[int(m.group(1))], out)


def _inline(text: str) -> str:
    out = markdown(text)
    return out[3:-4] if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1 else out


def _fmt(x: float) -> str:
    return f"{x:.12g}"


def _choice_html(qid: str, q: dict) -> str:
    items = []
    for j, c in enumerate(q["choices"]):
        key = "abcdefghij"[j]
        ok = bool(c.get("correct"))
        verdict = "✓ Right." if ok else "✗ Not this one."
        items.append(
            f'<li><details class="dlcourse-quiz-choice" data-key="{key}" data-correct="{int(ok)}">'
            f"<summary>{_inline(c['text'])}</summary>"
            f'<div class="dlcourse-quiz-why"><strong>{verdict}</strong> {_inline(c["why"])}</div></details></li>')
    return f'<ul class="dlcourse-quiz-choices">{"".join(items)}</ul>'


def _number_html(qid: str, q: dict) -> str:
    answer, tol = float(q["answer"]), float(q["tolerance"])
    wrong = "".join(
        f'<div class="dlcourse-quiz-why-wrong" data-value="{_fmt(w["value"])}" '
        f'data-tol="{_fmt(w.get("tolerance", tol))}" hidden>{markdown(w["why"])}</div>'
        for w in q.get("wrong", []) or [])
    shown = q.get("shown_answer", _fmt(answer))
    return (
        f'<form class="dlcourse-quiz-number"><label>Your answer '
        f'<input type="text" inputmode="decimal" autocomplete="off" aria-label="your answer to question {qid}">'
        f"</label><button type=\"submit\">Check</button></form>"
        f'<div class="dlcourse-quiz-why-right" hidden>{markdown(q["why"])}</div>{wrong}'
        f'<details class="dlcourse-quiz-reveal"><summary>Show the answer</summary>'
        f"<p><strong>{html.escape(str(shown))}</strong></p>{markdown(q['why'])}</details>")


@functools.cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def render_html(chapter) -> str:
    """The chapter's quiz as one self-contained HTML block (deterministic: the same source, the same HTML)."""
    chapter = str(chapter).zfill(2)
    questions = load_quiz(chapter)
    root_id = f"dlcourse-quiz-{chapter}"
    parts = []
    for i, q in enumerate(questions, 1):
        qid = f"{int(chapter)}.{i}"
        kind = "choice" if "choices" in q else "number"
        extra = (f' data-answer="{_fmt(q["answer"])}" data-tol="{_fmt(q["tolerance"])}"'
                 if kind == "number" else "")
        body = _choice_html(qid, q) if kind == "choice" else _number_html(qid, q)
        parts.append(
            f'<div class="dlcourse-quiz-question" data-qid="{qid}" data-kind="{kind}"{extra}>'
            f'<div class="dlcourse-quiz-prompt"><strong>Q{i}.</strong> {markdown(q["prompt"])}</div>'
            f'{body}<div class="dlcourse-quiz-feedback" aria-live="polite"></div></div>')
    script = _asset("progress.js") + "\n" + _asset("quiz.js").replace("%(root_id)s", root_id)
    return (
        f'<div class="dlcourse-quiz mathjax_process" id="{root_id}" data-chapter="{chapter}">'
        f"<style>{_asset('quiz.css')}</style>"
        f'<p class="dlcourse-quiz-title">Check your understanding · 自测 ({len(questions)} questions)</p>'
        f'<p class="dlcourse-quiz-nojs"><em>Open an option to see whether it is right and why.</em></p>'
        f'{"".join(parts)}<p class="dlcourse-quiz-score" aria-live="polite"></p>'
        f"<script>{script}</script></div>")


def render_text(chapter) -> str:
    """A plain-text version (terminals, and the ``text/plain`` part of the output)."""
    lines = [f"Concept quiz, chapter {str(chapter).zfill(2)} (answer it on the website or in Jupyter):"]
    for i, q in enumerate(load_quiz(chapter), 1):
        lines.append(f"Q{i}. {' '.join(str(q['prompt']).split())}")
        for j, c in enumerate(q.get("choices", [])):
            lines.append(f"    ({'abcdefghij'[j]}) {c['text']}")
    return "\n".join(lines)


class Quiz:
    """What ``dl.quiz`` returns: Jupyter shows the HTML, a terminal the plain text."""

    def __init__(self, chapter):
        self.chapter = str(chapter).zfill(2)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": render_text(self.chapter), "text/html": render_html(self.chapter)}

    def __repr__(self):
        return render_text(self.chapter)


def quiz(chapter) -> Quiz:
    """Show chapter ``chapter``'s concept quiz (e.g. ``dl.quiz("17")``)."""
    load_quiz(chapter)  # fail here, with the reason, if the source is malformed
    return Quiz(chapter)

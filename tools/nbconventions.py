"""The course's notebook conventions, in one place: the Colab setup cell, metadata, and how to find notebooks.

Used by ``tools/execute.py`` (which applies them) and by ``tests/test_notebook_conventions.py`` (which checks them).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("chapters", "exercises", "solutions")
SETUP_TAGS = ["remove-cell", "colab-setup"]
COLAB_METADATA = {"accelerator": "GPU", "colab": {"provenance": [], "gpuType": "T4"}}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def repository_url() -> str:
    """The repository URL from ``_config.yml`` (read without a YAML dependency: it is one plain line)."""
    in_repo = False
    for line in (ROOT / "_config.yml").read_text().splitlines():
        if line.startswith("repository:"):
            in_repo = True
        elif in_repo and line.strip().startswith("url:"):
            return line.split("url:", 1)[1].split("#", 1)[0].strip()
        elif in_repo and line and not line.startswith(" "):
            break
    raise ValueError("_config.yml has no repository.url")


def setup_cell_source(url: str | None = None) -> str:
    url = url or repository_url()
    return (
        "# Colab setup: installs the course's helper package `dlcourse` on Google Colab; does nothing elsewhere.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "dlcourse @ git+{url}"], check=True)'
    )


def notebooks(dirs=NOTEBOOK_DIRS) -> list[Path]:
    out = []
    for d in dirs:
        out.extend(sorted((ROOT / d).glob("*.ipynb")))
    return out


QUIZ_TAG = "dlcourse-quiz"


def quiz_cells(chapter: str):
    """The heading and the code cell that show a chapter's concept quiz (``dlcourse/quizzes/NN.yaml``)."""
    import nbformat

    heading = nbformat.v4.new_markdown_cell(
        "## Check your understanding · 自测\n\nA few questions on this chapter's ideas. Choose an option to see "
        "whether it is right and why; your answers stay in this browser, and the front page shows your progress.")
    heading.id = "quiz-heading"
    heading.metadata["tags"] = [QUIZ_TAG]
    cell = nbformat.v4.new_code_cell(f'dl.quiz("{chapter}")')
    cell.id = "quiz"
    cell.metadata["tags"] = ["remove-input", QUIZ_TAG]
    return [heading, cell]


def ensure_quiz(nb, chapter: str) -> None:
    """Give a chapter its quiz cells, once: before the closing link to its exercises, or else before the
    run-record cell. Cells already there (tagged ``dlcourse-quiz``) are left where they are, with their source
    refreshed."""
    tagged = [c for c in nb.cells if QUIZ_TAG in c.metadata.get("tags", [])]
    if tagged:
        for c in tagged:
            if c.cell_type == "code":
                c.source = f'dl.quiz("{chapter}")'
        return
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    pos = code[-1] if code and "run_record(" in nb.cells[code[-1]].source else len(nb.cells)
    if pos > 0 and nb.cells[pos - 1].cell_type == "markdown" and "exercises/" in nb.cells[pos - 1].source:
        pos -= 1
    nb.cells[pos:pos] = quiz_cells(chapter)


def apply(nb, path: Path | None = None) -> None:
    """Give a notebook the setup cell (first) and the metadata every notebook carries; a chapter also gets
    its concept-quiz cells."""
    import nbformat

    if path is not None and Path(path).parent.name == "chapters" and Path(path).name[:2].isdigit():
        ensure_quiz(nb, Path(path).name[:2])

    src = setup_cell_source()
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "code" and "colab-setup" in first.metadata.get("tags", []):
        first.source = src
    else:
        nb.cells.insert(0, nbformat.v4.new_code_cell(src))
        first = nb.cells[0]
    first.metadata["tags"] = list(SETUP_TAGS)
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    if "run_record(" in last.source:  # its wall time and date change on every run
        tags = last.metadata.setdefault("tags", [])
        if "nbval-ignore-output" not in tags:
            tags.append("nbval-ignore-output")
    for cell in nb.cells:  # solutions: the reference answer sits behind a "show" toggle on the website
        if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
            tags = cell.metadata.setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
    nb.metadata.update(COLAB_METADATA)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})

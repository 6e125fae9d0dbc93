"""The front page's progress map and PDF link (``_ext/progress_map.py``) in a small Sphinx project, built the way
``make pdf`` builds: once, then again after the PDF appears, with the same output and doctree folders."""

from pathlib import Path

import pytest

sphinx_app = pytest.importorskip("sphinx.application")
EXT = Path(__file__).resolve().parents[1] / "_ext"


def build(src: Path) -> str:
    app = sphinx_app.Sphinx(str(src), str(src), str(src / "_build" / "html"), str(src / "_build" / "doctrees"),
                            "html", status=None, warning=None, freshenv=False)
    app.build()
    return (src / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_the_pdf_link_follows_the_pdf_in_incremental_builds(tmp_path):
    (tmp_path / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(EXT)!r})\nextensions = ['progress_map']\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01_tensors.rst").write_text("Tensors\n=======\n\nText.\n")
    (tmp_path / "index.rst").write_text("Course\n======\n\n.. toctree::\n\n   chapters/01_tensors\n\n"
                                        ".. progress-map::\n")
    page = build(tmp_path)
    assert 'data-chapter="01"' in page and "dlcourse-pdf-link" not in page
    pdf = tmp_path / "_build" / "pdf" / "book.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4 stand-in")
    page = build(tmp_path)  # nothing in the sources changed: the page must still be rewritten
    assert 'id="dlcourse-pdf-link" href="book.pdf"' in page
    assert (tmp_path / "_build" / "html" / "book.pdf").read_bytes() == pdf.read_bytes()
    pdf.unlink()
    assert "dlcourse-pdf-link" not in build(tmp_path)

"""``make pdf``'s printer on two chapters: a real PDF, several pages, with Chinese text and typeset formulas."""

import subprocess
import sys
from pathlib import Path

import pytest
from browser import ROOT, build_dir, missing

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_pdf_of_two_chapters(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    build = build_dir()
    pages = ["chapters/11_softmax_regression", "chapters/16_convolutions"]
    out = tmp_path / "two.pdf"
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pdf.py"), "--html", str(build), "--out",
                           str(out), "--pages", *pages], capture_output=True, text=True, timeout=600)
    if "no Chromium" in proc.stderr + proc.stdout:
        missing("no Chromium for the PDF printer")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) >= 4
    assert [o.title for o in reader.outline][:2] and len(reader.outline) == 2
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert "交叉熵" in text or "卷积" in text, "no Chinese term survived into the PDF's text"
    assert "softmax" in text.lower() and "=" in text
    # MathJax typeset the formulas: its glyphs, not the TeX source, are in the PDF
    assert "\\frac" not in text and "\\sum" not in text
    assert Path(out).stat().st_size > 50_000

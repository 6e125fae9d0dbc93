"""The front page's progress map: ``{progress-map}`` in a page renders one tile per chapter, coloured by what this
reader has done (the concept quizzes' answers, kept in the browser's localStorage; nothing leaves the page), with a
reset button, and a link to the book's PDF once ``make pdf`` has written ``_build/pdf/book.pdf``.

The storage format and its helpers are shared with the quizzes (``dlcourse/quiz_assets/progress.js``), read here
by path: building the website does not need the package installed.
"""

import html
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive

PROGRESS_JS = Path(__file__).resolve().parents[1] / "dlcourse" / "quiz_assets" / "progress.js"
CHAPTER = re.compile(r"^chapters/(\d\d)_")

SCRIPT = """
(function () {
  var map = document.getElementById("dlcourse-progress-map");
  if (!map) return;
  function paint() {
    var p = dlcourseLoadProgress(), done = 0, tiles = map.querySelectorAll(".dlcourse-progress-tile");
    for (var i = 0; i < tiles.length; i++) {
      var t = tiles[i], st = dlcourseChapterState(p, t.getAttribute("data-chapter"));
      t.setAttribute("data-state", st.state);
      var score = st.total ? " (" + st.correct + "/" + st.total + " quiz questions)" : "";
      t.title = t.getAttribute("data-title") + score;
      if (st.state === "done") done++;
    }
    document.getElementById("dlcourse-progress-summary").textContent =
      done + " of " + tiles.length + " chapters complete" + (done ? "." : ": answer a chapter's quiz to start.");
  }
  var reset = document.getElementById("dlcourse-progress-reset"), armed = false;
  reset.addEventListener("click", function () {
    if (!armed) { armed = true; reset.textContent = "Click again to erase your answers"; return; }
    try { window.localStorage.removeItem(DLCOURSE_PROGRESS_KEY); } catch (e) {}
    armed = false; reset.textContent = "Reset my progress"; paint();
  });
  paint();
})();
"""

STYLE = """
.dlcourse-progress-map { display: grid; grid-template-columns: repeat(auto-fill, minmax(3.2em, 1fr)); gap: 0.4em;
  max-width: 40em; margin: 0.6em 0; }
.dlcourse-progress-tile { display: block; text-align: center; padding: 0.45em 0; border-radius: 5px;
  border: 1px solid #b8c4d4; text-decoration: none !important; font-weight: 600; color: #33475b; }
.dlcourse-progress-tile[data-state="started"] { background: #fff3cd; border-color: #d9b44a; }
.dlcourse-progress-tile[data-state="done"] { background: #d6efd6; border-color: #4f9a4f; color: #1f5c1f; }
.dlcourse-progress-legend { font-size: 0.85em; color: #555; }
"""


class progress_map(nodes.General, nodes.Element):
    pass


class ProgressMap(Directive):
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        env.dlcourse_progress_docs = getattr(env, "dlcourse_progress_docs", set()) | {env.docname}
        return [progress_map(), pdf_link()]


class pdf_link(nodes.General, nodes.Element):
    pass


def _render(app, doctree, docname):
    for node in list(doctree.findall(progress_map)):
        env = app.env
        tiles = []
        for doc in sorted(d for d in env.found_docs if CHAPTER.match(d) and CHAPTER.match(d).group(1) != "00"):
            number = CHAPTER.match(doc).group(1)
            title = env.titles[doc].astext() if doc in env.titles else doc
            href = app.builder.get_relative_uri(docname, doc)
            tiles.append(f'<a class="dlcourse-progress-tile" data-chapter="{number}" data-state="todo" '
                         f'data-title="{html.escape(title)}" href="{html.escape(href)}" '
                         f'aria-label="{html.escape(title)}">{number}</a>')
        markup = (
            f"<style>{STYLE}</style>"
            f'<div id="dlcourse-progress-map" class="dlcourse-progress-map" role="list">{"".join(tiles)}</div>'
            '<p class="dlcourse-progress-legend"><span id="dlcourse-progress-summary"></span> Green: every quiz '
            "question answered correctly; yellow: started. Kept in this browser only.</p>"
            '<p><button type="button" id="dlcourse-progress-reset">Reset my progress</button></p>'
            f"<script>{PROGRESS_JS.read_text(encoding='utf-8')}{SCRIPT}</script>")
        node.replace_self(nodes.raw("", markup, format="html"))


def _pdf(app) -> Path:
    return Path(app.srcdir) / "_build" / "pdf" / "book.pdf"


def _pdf_link(app, doctree, docname):
    """Once ``make pdf`` has written the book's PDF, the page holding the map links it (and the build copies it)."""
    for node in list(doctree.findall(pdf_link)):
        if not _pdf(app).exists():
            node.replace_self([])
            continue
        rel = posixpath.dirname(app.builder.get_relative_uri(docname, app.config.root_doc))
        href = posixpath.join(rel, "book.pdf") if rel else "book.pdf"
        size = _pdf(app).stat().st_size / 1e6
        node.replace_self(nodes.raw("", f'<p><a id="dlcourse-pdf-link" href="{href}">Download the whole book as a '
                                        f"PDF</a> ({size:.0f} MB).</p>", format="html"))


def _copy_pdf(app, exception):
    if exception is None and app.builder.format == "html" and _pdf(app).exists():
        shutil.copyfile(_pdf(app), Path(app.outdir) / "book.pdf")


def _outdated(app, env, added, changed, removed):
    """Re-read the pages holding the map on every build: it lists the chapters' titles, and its PDF link depends on a
    file outside the sources, so an incremental build (the one after ``make pdf``) would keep a stale page."""
    docs = getattr(env, "dlcourse_progress_docs", None) or {app.config.root_doc}  # an older build's environment
    return sorted(d for d in docs if d in env.found_docs and d not in changed)


def _purge(app, env, docname):
    getattr(env, "dlcourse_progress_docs", set()).discard(docname)


def _merge(app, env, docnames, other):
    env.dlcourse_progress_docs = getattr(env, "dlcourse_progress_docs", set()) | getattr(
        other, "dlcourse_progress_docs", set())


def setup(app):
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.add_node(progress_map)
    app.add_node(pdf_link)
    app.connect("doctree-resolved", _pdf_link)
    app.connect("build-finished", _copy_pdf)
    app.add_directive("progress-map", ProgressMap)
    app.connect("doctree-resolved", _render)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Small fixes to what the theme renders.

* The front page's ``<title>`` repeated the book's title ("Deep Learning by Doing · 动手学深度学习 — Deep Learning by
  Doing · 动手学深度学习 (PyTorch)"): the theme's layout always appends the book's title to the page's, and the front
  page's title is the book's. ``templates/layout.html`` gives the front page the book's title alone.
"""

from pathlib import Path

TEMPLATES = str(Path(__file__).parent / "templates")


def _add_templates(app, config):
    if TEMPLATES not in config.templates_path:
        config.templates_path.insert(0, TEMPLATES)


def _front_page(app, pagename, templatename, context, doctree):
    context["dl_front_page"] = pagename == app.config.root_doc


def setup(app):
    app.connect("config-inited", _add_templates)
    app.connect("html-page-context", _front_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

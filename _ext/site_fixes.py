"""Small fixes to what the theme renders.

* The front page's ``<title>`` repeated the book's title ("Deep Learning by Doing · 动手学深度学习 — Deep Learning by
  Doing · 动手学深度学习 (PyTorch)"): its page title already is the book's title, so it gets no suffix.
"""


def _front_page_title(app, pagename, templatename, context, doctree):
    if pagename == app.config.root_doc:
        context["titlesuffix"] = ""


def setup(app):
    app.connect("html-page-context", _front_page_title)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

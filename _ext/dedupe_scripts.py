"""Drop duplicate <script> entries from every page.

With Sphinx 7.4, the inline scripts that sphinx-thebe and sphinx-togglebutton register in event handlers
are added twice (once with ``filename=None``, once with ``''``), and the second ``const THEBE_JS_URL``
declaration is a JavaScript error on every page. Two scripts with the same body (or the same file) are
the same script, so only the first is kept.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        attrs = dict(getattr(js, "attributes", {}) or {})
        body = attrs.pop("body", None)
        key = ("body", body) if body else ("file", str(getattr(js, "filename", js)), tuple(sorted(attrs.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique  # the builder's own list: the template renders it after this event


def setup(app):
    # priority 1: run before any handler that returns a template name (html-page-context stops at the first)
    app.connect("html-page-context", _dedupe, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sliders that work live in Jupyter/Colab *and* on the static website, with one call.

    from dlcourse import widgets            # or dl.widgets

    def draw(lr):                           # value -> matplotlib Figure (the toolkit closes it)
        fig, ax = plt.subplots(figsize=(3.5, 2.5))
        ...
        return fig

    widgets.slider(draw, grid=[0.001, 0.01, 0.1, 1.0], value=0.1, description="learning rate",
                   note="What to look for.", live_note="What a move does in the kernel.")

The call returns an object; as the last expression of a cell (or passed to ``display``) it shows

* a **static copy** (``text/html``) that needs no kernel, no network and no external JavaScript: the
  frames are precomputed (compact PNG, base64) and a few lines of inline JavaScript swap them as the reader
  drags an ``<input type=range>``. This is what the website shows (``nb_mime_priority_overrides``), and what a
  notebook shows before it is run;
* when someone watches, a **second output** with the live ipywidgets view (a slider over the grid; each move
  calls ``fn``, results are cached per value, and the picture is redrawn).

Two outputs, not one mimebundle with both: JupyterLab always prefers the widget view of a bundle, so a notebook
saved with a live widget and reopened with a new kernel would show "Error displaying widget: model not found"
instead of the static copy. Kept apart, the static copy stays on screen whenever the live view cannot be shown:
a few CSS rules in the static copy hide it while its live widget is on screen, and hide JupyterLab's
"model not found" message when it is not (``FALLBACK_CSS``). An untrusted notebook (JupyterLab strips scripts
and styles) shows the starting frame and the words "run this cell" (the page's script removes them where it
runs). The live view says when the kernel is computing (a busy line; the old picture is greyed) and when the
kernel has gone (restart or shutdown: a red line under the sliders).

Live or static: when the notebook is executed with nobody watching (``DLCOURSE_HEADLESS=1``, which
``make execute`` and CI set, or outside IPython), every grid value's frame is precomputed and NO live
widget is created: a widget would put its state (including the images) into the notebook's metadata,
and the website would then load the ipywidgets bundle from a CDN. When someone watches, the live widget
is created and the static copy carries only the starting frame, so opening a slider costs one call of ``fn``,
not one per grid value. ``live=`` and ``precompute=`` override both choices.

Frames: PNG at 80 dpi quantised to a 64-colour palette with Pillow is the smallest of the formats
measured for a typical frame (a two-panel 7 x 2.6 in figure, contour plot + line plot): 47 KB as
RGBA PNG at 80 dpi, 12 KB quantised (15 KB with 256 colours), 52 KB as SVG (contours make SVG large;
SVG also embeds glyph paths). 15 frames make about 0.25 MB of page, far below the 3 MB budget.
Pictures are shown at their natural size (at most the width of the output), never stretched.

Element ids are derived from a hash of the frames and labels (deterministic, and unique for different
sliders); the script finds its own container even if two identical sliders share a page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

from .display import headless

DPI = 80
PALETTE_COLORS = 64
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# What the static copy says where its script cannot run (JupyterLab strips scripts from untrusted notebooks).
RUN_HINT = "This is a static copy: run this cell to make it live."

# CSS that travels with every static copy (a <style> survives only where the output is trusted, which is also
# the only place where a live widget can render). Two rules for JupyterLab and Notebook 7, scoped to one cell's
# output area: (1) while the cell's live widget is on screen, hide the static copy; (2) where the live widget
# cannot be shown (a reopened notebook whose kernel is gone: JupyterLab writes "Error displaying widget: model
# not found" in the output node itself; a live view is a child of that node), hide the message, keep the static copy.
# (``:has`` cannot nest, hence the two plain selectors.)
FALLBACK_CSS = (
    ".jp-OutputArea:has(.dlw-live)>.jp-OutputArea-child:has(.dlw-static){display:none}"
    ".jp-OutputArea:has(.dlw-static)>.jp-OutputArea-child:has(>.jp-OutputArea-output.jupyter-widgets)"
    "{display:none}"
)

# CSS of the live widget (inside an ipywidgets HTML child, so it works in every front end that shows the
# widget). ipywidgets marks every view of a model whose kernel connection is gone with
# ``jupyter-widgets-disconnected``: then the "kernel gone" line shows and the picture is greyed.
LIVE_CSS = (
    ".dlw-live .dlw-dead{display:none;color:#a40000;font:12px/1.4 sans-serif;margin:.2em 0}"
    ".dlw-live.jupyter-widgets-disconnected .dlw-dead{display:block}"
    ".dlw-live .dlw-busy{color:#8a5a00;font:12px/1.4 sans-serif}"
    ".dlw-live .dlw-stale,.dlw-live.jupyter-widgets-disconnected img{opacity:.35;filter:grayscale(1)}"
    ".dlw-live .dlw-note{color:#555;font:12px/1.4 sans-serif}"
)
DEAD_TEXT = ("The kernel has stopped or restarted, so this widget no longer updates: "
             "run this cell again to make it live.")


# ---- frames --------------------------------------------------------------------------------------

def figure_to_png(fig, dpi: int = DPI, quantize: bool = True) -> bytes:
    """Render a matplotlib Figure to compact PNG bytes and close it.

    The PNG carries no timestamp or version metadata, so the same figure gives the same bytes.
    With Pillow installed (matplotlib depends on it), the image is quantised to a 64-colour palette
    (no dithering), which cuts line and contour plots to about a quarter with no visible loss.
    """
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.05,
                metadata={"Software": None}, facecolor="white")
    plt.close(fig)
    data = buf.getvalue()
    if not quantize:
        return data
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return data
    img = Image.open(io.BytesIO(data)).convert("RGB")
    pal = img.quantize(colors=PALETTE_COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    pal.save(out, format="PNG")
    small = out.getvalue()
    return small if len(small) < len(data) else data


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _render(fn: Callable[..., Any], *args, **kwargs) -> bytes:
    import matplotlib.pyplot as plt

    fig = fn(*args, **kwargs)
    if fig is None:  # fn drew on the current figure
        fig = plt.gcf()
    return figure_to_png(fig)


def element_id(*parts: Any) -> str:
    """A deterministic HTML id from content: the same content gives the same id, other content another."""
    h = hashlib.sha1()
    for p in parts:
        h.update(p if isinstance(p, bytes) else repr(p).encode("utf-8"))
        h.update(b"\x00")
    return "dlw-" + h.hexdigest()[:12]


# ---- the primitive: a static copy, and the live widget beside it ------------------------------------

def live() -> bool:
    """True when someone watches the notebook (a live widget makes sense); False when executed headless."""
    return not headless()


def widget_view(widget) -> dict | None:
    """The ``widget-view+json`` payload of an ipywidgets widget (``{"model_id": ...}``), or None."""
    view = widget._repr_mimebundle_()
    if isinstance(view, tuple):  # (data, metadata) in some ipywidgets versions
        view = view[0]
    return (view or {}).get(WIDGET_VIEW)


class DualOutput:
    """The static copy (``text/html``) and, when someone watches, the live widget, as two outputs.

    Show it by making it the last expression of a cell, or with ``IPython.display.display(obj)``.
    ``_repr_mimebundle_`` gives the static copy alone, for front ends that only ask for a bundle.
    """

    def __init__(self, widget, static_html: str, text: str = "interactive figure"):
        self.widget = widget
        self.static_html = static_html
        self.text = text

    def outputs(self) -> list[dict]:
        """The mimebundles this object displays, in order: the static copy, then the live view if any."""
        bundles = [{"text/plain": self.text, "text/html": self.static_html}]
        view = widget_view(self.widget) if self.widget is not None else None
        if view:
            # no text/plain: where the view cannot render (an untrusted notebook) nothing extra shows
            bundles.append({WIDGET_VIEW: view})
        return bundles

    def _ipython_display_(self):
        from IPython.display import publish_display_data

        for bundle in self.outputs():
            publish_display_data(bundle)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text, "text/html": self.static_html}

    def _repr_html_(self):  # for front ends that only ask for HTML
        return self.static_html

    def __repr__(self):
        return self.text


def dual_output(widget, static_html: str, text: str = "interactive figure") -> DualOutput:
    """Display the static HTML, and beside it the live widget when someone watches.

    ``widget`` may be an ipywidgets widget, ``None`` (static only), or a zero-argument callable that
    builds the widget: the callable is only called when someone watches (see ``live()``), so a headless
    run stores no widget state in the notebook. A live widget should carry the classes ``dlw-live`` and
    ``dlw-live-<id>`` (``live_classes``), and the static HTML the class ``dlw-static`` and ``FALLBACK_CSS``.
    """
    if callable(widget) and not hasattr(widget, "_repr_mimebundle_"):
        widget = widget() if live() else None
    return DualOutput(widget, static_html, text)


def live_classes(rid: str) -> list[str]:
    """The DOM classes of a live widget whose static copy has the id ``rid``."""
    return ["dlw-live", f"dlw-live-{rid}"]


def live_chrome(note: str | None = None):
    """The HTML child every live widget carries: its CSS, the (hidden) "kernel gone" line, and its note."""
    import ipywidgets as W

    note_html = f'<div class="dlw-note">{html.escape(note)}</div>' if note else ""
    return W.HTML(f'<style>{LIVE_CSS}</style><div class="dlw-dead" role="alert">{html.escape(DEAD_TEXT)}</div>'
                  + note_html)


# ---- sliders -------------------------------------------------------------------------------------

_STYLE = (".dlw{font:13px/1.4 sans-serif;margin:.3em 0}.dlw-row{display:flex;flex-wrap:wrap;align-items:center;"
          "gap:.2em .6em;margin:.15em 0}.dlw-row label{min-width:8em}.dlw-row input{flex:0 1 18em;min-width:8em}"
          ".dlw-row output{font-family:monospace;min-width:5em}.dlw img{max-width:100%;height:auto;"
          "display:block}.dlw-note{color:#555;font-size:12px}.dlw-hint{color:#8a5a00;font-size:12px}"
          + FALLBACK_CSS)

# The static copy's script: swap frames, and keep the value label, the range's aria-valuetext and the picture's
# alt text in step. It removes the "run this cell" hint, since where it runs the slider works.
_SCRIPT = """(function(){var s=document.currentScript,r=s&&s.parentNode;
if(!r||!r.classList||!r.classList.contains("dlw"))r=document.getElementById(%(id)s);if(!r)return;
var F=%(frames)s,M=%(map)s,L=%(labels)s,N=%(names)s,S=%(strides)s;
var I=r.querySelectorAll("input.dlw-range"),O=r.querySelectorAll("output.dlw-value"),
G=r.querySelector("img.dlw-frame"),H=r.querySelector(".dlw-hint");if(H)H.remove();
function show(){var k=0,a=[];for(var i=0;i<I.length;i++){var j=+I[i].value;k+=j*S[i];
O[i].textContent=L[i][j];I[i].setAttribute("aria-valuetext",L[i][j]);a.push(N[i]+" = "+L[i][j]);}
G.src=F[M[k]];G.alt=%(alt)s+a.join(", ");G.setAttribute("data-frame",String(k));}
for(var i=0;i<I.length;i++){I[i].addEventListener("input",show);I[i].addEventListener("change",show);}
show();})();"""

# The script of the static copy that sits beside a live widget: in front ends other than JupyterLab it hides the
# copy once the live widget shows (FALLBACK_CSS does it in JupyterLab), and it gives the live sliders what
# ipywidgets does not: an accessible name and an aria-valuetext with the value (ipywidgets reports the index).
_LIVE_HELPER = """(function(){var s=document.currentScript,r=s&&s.parentNode;if(!r)return;
var area=r.closest(".jp-OutputArea"),scope=area||document.body,cls=%(cls)s;
function fix(){var w=scope.querySelector("."+cls);if(!w)return;if(!area)r.style.display="none";
var T=w.querySelectorAll(".widget-slider");for(var i=0;i<T.length;i++){
var h=T[i].querySelector("[role=slider]"),o=T[i].querySelector(".widget-readout"),
l=T[i].querySelector(".widget-label");if(!h||!o)continue;
if(h.getAttribute("aria-valuetext")!==o.textContent)h.setAttribute("aria-valuetext",o.textContent);
if(l&&h.getAttribute("aria-label")!==l.textContent)h.setAttribute("aria-label",l.textContent);}}
new MutationObserver(fix).observe(scope,{subtree:true,childList:true,characterData:true,attributes:true,
attributeFilter:["aria-valuetext"]});fix();})();"""


def live_helper_script(rid: str) -> str:
    """The ``<script>`` of a static copy whose live widget (classes ``live_classes(rid)``) is shown beside it."""
    return "<script>" + _LIVE_HELPER % {"cls": json.dumps(f"dlw-live-{rid}")} + "</script>"


def _static_html(names, labels, index, frames, mapping, note, rid, *, live_helper: bool = False,
                 alt_prefix: str = "") -> str:
    """The kernel-free HTML: range inputs, an <img>, a note, the "run this cell" hint and the frame-swapping script.

    ``mapping`` maps each point of the grid (row-major) to its frame; a single entry means that only the
    starting frame is there: the ranges then show where the start lies, disabled.
    """
    strides = []
    stride = 1
    for lab in reversed(labels):
        strides.insert(0, stride)
        stride *= len(lab)
    movable = len(mapping) > 1
    k0 = sum(i * s for i, s in zip(index, strides)) if movable else 0
    rows = []
    for n, (name, lab, i) in enumerate(zip(names, labels, index)):
        iid = f"{rid}-{n}"
        rows.append(
            f'<div class="dlw-row" style="display:flex;flex-wrap:wrap;align-items:center;gap:.2em .6em">'
            f'<label for="{iid}">{html.escape(name)}</label>'
            f'<input type="range" class="dlw-range" id="{iid}" min="0" max="{len(lab) - 1}" step="1" '
            f'value="{i}" aria-valuetext="{html.escape(lab[i])}"{"" if movable else " disabled"}>'
            f'<output class="dlw-value" for="{iid}">{html.escape(lab[i])}</output></div>')
    script = ""
    if movable:
        script = "<script>" + _SCRIPT % {
            "id": json.dumps(rid), "frames": json.dumps(frames), "map": json.dumps(mapping),
            "labels": json.dumps(labels), "names": json.dumps(names), "strides": json.dumps(strides),
            "alt": json.dumps(alt_prefix)} + "</script>"
    if live_helper:
        script += live_helper_script(rid)
    note_html = f'<div class="dlw-note">{html.escape(note)}</div>' if note else ""
    hint = f'<div class="dlw-hint" style="color:#8a5a00">▶ {html.escape(RUN_HINT)}</div>'
    alt = alt_prefix + ", ".join(f"{n} = {lab[i]}" for n, lab, i in zip(names, labels, index))
    return (f'<div class="dlw dlw-static" id="{rid}"><style>{_STYLE}</style>{"".join(rows)}'
            f'<img class="dlw-frame" id="{rid}-img" alt="{html.escape(alt)}" data-frame="{k0}" '
            f'style="max-width:100%;height:auto;display:block" src="{frames[mapping[k0]]}">'
            f'{note_html}{hint}{script}</div>')


class _Frames:
    """Renders fn over a product grid on demand, caching each PNG by grid index."""

    def __init__(self, fn, names, grids):
        self.fn, self.names, self.grids = fn, names, grids
        self.cache: dict[tuple[int, ...], bytes] = {}

    def png(self, idx: tuple[int, ...]) -> bytes:
        if idx not in self.cache:
            kwargs = {n: g[i] for n, g, i in zip(self.names, self.grids, idx)}
            self.cache[idx] = _render(self.fn, **kwargs)
        return self.cache[idx]


def _nearest(grid: Sequence, value) -> int:
    if value is None:
        return len(grid) // 2
    for i, g in enumerate(grid):
        if g == value:
            return i
    try:
        return min(range(len(grid)), key=lambda i: abs(float(grid[i]) - float(value)))
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not in the grid {list(grid)!r}") from None


def _fmt(f, v) -> str:
    if f is None:
        return str(v)
    return f(v) if callable(f) else f.format(v)


def _live_widget(frames: _Frames, names, labels, index, continuous: bool, note, rid: str):
    """The live view: sliders, a busy line, the picture at its natural size, and the chrome (CSS, note)."""
    import ipywidgets as W

    # align_self: in the VBox (a flex column) an image would otherwise stretch to the output's width and blur
    image = W.Image(value=frames.png(tuple(index)), format="png",
                    layout=W.Layout(max_width="100%", width="auto", height="auto", align_self="flex-start"))
    image.add_class("dlw-frame")
    controls = []
    for name, lab, i in zip(names, labels, index):
        controls.append(W.SelectionSlider(options=[(t, j) for j, t in enumerate(lab)], value=i,
                                          description=name, continuous_update=continuous,
                                          style={"description_width": "initial"},
                                          layout=W.Layout(width="28em", max_width="100%")))
    status = W.HTML("", layout=W.Layout(min_height="1.5em", margin="0"))
    status.add_class("dlw-status")

    def redraw(_change=None):
        idx = tuple(c.value for c in controls)
        if idx not in frames.cache:  # slow path: say so before computing, and grey the old picture
            what = ", ".join(f"{n} = {lab[j]}" for n, lab, j in zip(names, labels, idx))
            status.value = f'<span class="dlw-busy" role="status">Computing {html.escape(what)} …</span>'
            image.add_class("dlw-stale")
        try:
            image.value = frames.png(idx)
        finally:
            image.remove_class("dlw-stale")
            status.value = ""

    for c in controls:
        c.observe(redraw, names="value")
    box = W.VBox([*controls, status, image, live_chrome(note)])
    for cls in live_classes(rid):
        box.add_class(cls)
    return box


def sliders(fn: Callable[..., Any], grids: dict, values: dict | None = None, fmt: dict | None = None,
            note: str | None = None, *, live_note: str | None = None, descriptions: dict | None = None,
            live: bool | None = None, precompute: bool | None = None, continuous: bool = True) -> DualOutput:
    """Several sliders; ``fn(**values)`` returns a Figure. Static frames cover the product of the grids.

    ``values`` gives the starting value per slider (default: the middle of each grid); ``fmt`` a format
    string or function per slider for its label; ``descriptions`` the text shown beside each slider (default:
    the key itself; the keys are ``fn``'s keyword arguments). ``note`` is shown under the picture everywhere
    (what to look for); ``live_note`` only under the live widget (what a move does in the kernel), while the
    static copy says that its pictures were drawn in advance. ``live``/``precompute`` default to
    "someone watches" / "nobody watches" (see the module docstring). ``continuous=False`` redraws only when
    the slider is released (for slow callbacks).
    """
    names = list(grids)
    if not names:
        raise ValueError("sliders() needs at least one grid")
    glist = [list(grids[n]) for n in names]
    if any(len(g) == 0 for g in glist):
        raise ValueError("every grid needs at least one value")
    values, fmt = values or {}, fmt or {}
    shown = [(descriptions or {}).get(n, n) for n in names]
    index = [_nearest(g, values.get(n)) for n, g in zip(names, glist)]
    labels = [[_fmt(fmt.get(n, "{:.3g}" if all(isinstance(v, float) for v in g) else None), v) for v in g]
              for n, g in zip(names, glist)]
    if live is None:
        live = not headless()
    if precompute is None:
        precompute = headless()
    frames = _Frames(fn, names, glist)
    shape = [len(g) for g in glist]
    start = tuple(index)
    if precompute:
        keys = list(itertools.product(*[range(s) for s in shape]))
        pngs = [frames.png(k) for k in keys]
    else:  # only the starting frame: the static view then shows a fixed picture
        keys, pngs = [start], [frames.png(start)]
    uniq: dict[bytes, int] = {}
    mapping_by_key = {}
    for k, p in zip(keys, pngs):
        mapping_by_key[k] = uniq.setdefault(p, len(uniq))
    uris = [data_uri(p) for p in uniq]
    n_values = 1
    for s in shape:
        n_values *= s
    if precompute:
        mapping = [mapping_by_key[k] for k in keys]  # keys are in row-major order
        how = (f"On this page the picture for each of the {n_values} settings was drawn in advance, when the "
               "notebook ran: moving the slider swaps pictures, nothing is computed.")
    else:
        mapping = [0]
        how = "The starting picture only."
    rid = element_id(shown, labels, index, len(mapping), *uniq)
    note_static = f"{note} {how}" if note else how
    page = _static_html(shown, labels, index, uris, mapping, note_static, rid, live_helper=live,
                        alt_prefix="Figure for ")
    live_text = " ".join(t for t in (note, live_note) if t) or None
    widget = _live_widget(frames, shown, labels, index, continuous, live_text, rid) if live else None
    desc = ", ".join(f"{n} ({len(g)} values)" for n, g in zip(shown, glist))
    out = DualOutput(widget, page, f"Slider: {desc}; start at "
                     + ", ".join(f"{n}={lab[i]}" for n, lab, i in zip(shown, labels, index)))
    out.frames = frames
    out.element_id = rid
    return out


def slider(fn: Callable[[Any], Any], grid: Sequence, value=None, description: str = "learning rate",
           fmt="{:.3g}", note: str | None = None, **kwargs) -> DualOutput:
    """One slider over ``grid``; ``fn(value)`` returns a matplotlib Figure (the toolkit closes it).

    Returns an object to display (last expression of the cell): live ipywidgets slider in Jupyter/Colab,
    precomputed frames with a few lines of inline JavaScript on the website. ``value`` is the starting
    value (default: the middle of the grid); ``fmt`` formats the value label; ``note`` is a line shown
    under the figure. Keyword arguments ``live_note``, ``live``, ``precompute``, ``continuous`` as in ``sliders``.
    """
    return sliders(lambda value: fn(value), {"value": list(grid)}, values={"value": value},
                   fmt={"value": fmt}, note=note, descriptions={"value": description}, **kwargs)


def log_grid(lo: float, hi: float, per_decade: int = 4) -> list[float]:
    """A log-spaced grid from lo to hi with ``per_decade`` values per factor of 10, rounded to 3 digits."""
    import math

    n = round(math.log10(hi / lo) * per_decade)
    return [float(f"{lo * 10 ** (i / per_decade):.3g}") for i in range(n + 1)]


__all__ = ["DualOutput", "FALLBACK_CSS", "RUN_HINT", "data_uri", "dual_output", "element_id", "figure_to_png",
           "live", "live_chrome", "live_classes", "live_helper_script", "log_grid", "slider", "sliders", "widget_view"]

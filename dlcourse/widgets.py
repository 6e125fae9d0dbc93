"""Sliders that work live in Jupyter/Colab *and* on the static website, with one call.

    from dlcourse import widgets            # or dl.widgets

    def draw(lr):                           # value -> matplotlib Figure (the toolkit closes it)
        fig, ax = plt.subplots(figsize=(3.5, 2.5))
        ...
        return fig

    widgets.slider(draw, grid=[0.001, 0.01, 0.1, 1.0], value=0.1, description="learning rate")

The call returns an object; as the last expression of a cell (or passed to ``display``) it shows ONE
output whose mimebundle carries

* ``application/vnd.jupyter.widget-view+json``: the live ipywidgets view (a slider over the grid; each
  move calls ``fn``, results are cached per value, and the picture is redrawn), when someone watches;
* ``text/html``: a static version that needs no kernel, no network and no external JavaScript: the
  frames are precomputed (compact PNG, base64) and a few lines of inline JavaScript swap them as the
  reader drags an ``<input type=range>``. The website prefers it (``nb_mime_priority_overrides``).

Live or static: when the notebook is executed with nobody watching (``DLCOURSE_HEADLESS=1``, which
``make execute`` and CI set, or outside IPython), every grid value's frame is precomputed and NO live
widget is created: a widget would put its state (including the images) into the notebook's metadata,
and the website would then load the ipywidgets bundle from a CDN. When someone watches, the live widget
is created and ``text/html`` carries only the starting frame (a fallback for front ends without
widgets), so opening a slider costs one call of ``fn``, not one per grid value. ``live=`` and
``precompute=`` override both choices.

Frames: PNG at 80 dpi quantised to a 64-colour palette with Pillow is the smallest of the formats
measured for a typical frame (a two-panel 7 x 2.6 in figure, contour plot + line plot): 47 KB as
RGBA PNG at 80 dpi, 12 KB quantised (15 KB with 256 colours), 52 KB as SVG (contours make SVG large;
SVG also embeds glyph paths). 15 frames make about 0.25 MB of page, far below the 3 MB budget.

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


# ---- the primitive: one output, two views -------------------------------------------------------

class DualOutput:
    """One output whose mimebundle carries the live widget view (if any) and a static ``text/html``.

    Show it by making it the last expression of a cell, or with ``IPython.display.display(obj)``.
    """

    def __init__(self, widget, static_html: str, text: str = "interactive figure"):
        self.widget = widget
        self.static_html = static_html
        self.text = text

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.text, "text/html": self.static_html}
        if self.widget is not None:
            view = self.widget._repr_mimebundle_()
            if isinstance(view, tuple):  # (data, metadata) in some ipywidgets versions
                view = view[0]
            if view and WIDGET_VIEW in view:
                bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        return bundle

    def _repr_html_(self):  # for front ends that only ask for HTML
        return self.static_html

    def __repr__(self):
        return self.text


def live() -> bool:
    """True when someone watches the notebook (a live widget makes sense); False when executed headless."""
    return not headless()


def dual_output(widget, static_html: str, text: str = "interactive figure") -> DualOutput:
    """Display ONE output carrying both the live widget view and the static HTML.

    ``widget`` may be an ipywidgets widget, ``None`` (static only), or a zero-argument callable that
    builds the widget: the callable is only called when someone watches (see ``live()``), so a headless
    run stores no widget state in the notebook.
    """
    if callable(widget) and not hasattr(widget, "_repr_mimebundle_"):
        widget = widget() if live() else None
    return DualOutput(widget, static_html, text)


# ---- sliders -------------------------------------------------------------------------------------

_STYLE = (".dlw{font:13px/1.4 sans-serif;margin:.3em 0}.dlw-row{display:flex;align-items:center;gap:.6em;"
          "margin:.15em 0}.dlw-row label{min-width:8em}.dlw-row input{flex:0 1 18em}"
          ".dlw-row output{font-family:monospace;min-width:5em}.dlw img{max-width:100%;height:auto;"
          "display:block}.dlw-note{color:#555;font-size:12px}")

_SCRIPT = """(function(){var s=document.currentScript,r=s&&s.parentNode;
if(!r||!r.classList||!r.classList.contains("dlw"))r=document.getElementById(%(id)s);if(!r)return;
var F=%(frames)s,M=%(map)s,L=%(labels)s,S=%(strides)s;
var I=r.querySelectorAll("input.dlw-range"),O=r.querySelectorAll("output.dlw-value"),
G=r.querySelector("img.dlw-frame");
function show(){var k=0;for(var i=0;i<I.length;i++){var j=+I[i].value;k+=j*S[i];
O[i].textContent=L[i][j];I[i].setAttribute("aria-valuetext",L[i][j]);}
G.src=F[M[k]];G.setAttribute("data-frame",String(k));}
for(var i=0;i<I.length;i++){I[i].addEventListener("input",show);I[i].addEventListener("change",show);}
show();})();"""


def _static_html(names, labels, index, frames, mapping, note, rid) -> str:
    """The kernel-free HTML: range inputs, an <img>, and the frame-swapping script."""
    strides = []
    stride = 1
    for lab in reversed(labels):
        strides.insert(0, stride)
        stride *= len(lab)
    k0 = sum(i * s for i, s in zip(index, strides))
    rows = []
    for n, (name, lab, i) in enumerate(zip(names, labels, index)):
        iid = f"{rid}-{n}"
        rows.append(
            f'<div class="dlw-row"><label for="{iid}">{html.escape(name)}</label>'
            f'<input type="range" class="dlw-range" id="{iid}" min="0" max="{len(lab) - 1}" step="1" '
            f'value="{i}" aria-valuetext="{html.escape(lab[i])}">'
            f'<output class="dlw-value" for="{iid}">{html.escape(lab[i])}</output></div>')
    script = ""
    if len(mapping) > 1:
        script = "<script>" + _SCRIPT % {
            "id": json.dumps(rid), "frames": json.dumps(frames), "map": json.dumps(mapping),
            "labels": json.dumps(labels), "strides": json.dumps(strides)} + "</script>"
    note_html = f'<div class="dlw-note">{html.escape(note)}</div>' if note else ""
    alt = ", ".join(f"{n} = {lab[i]}" for n, lab, i in zip(names, labels, index))
    return (f'<div class="dlw" id="{rid}"><style>{_STYLE}</style>{"".join(rows)}'
            f'<img class="dlw-frame" id="{rid}-img" alt="{html.escape(alt)}" data-frame="{k0}" '
            f'src="{frames[mapping[k0]]}">{note_html}{script}</div>')


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


def _live_widget(frames: _Frames, names, labels, index, continuous: bool, note):
    import ipywidgets as W

    image = W.Image(value=frames.png(tuple(index)), format="png", layout=W.Layout(max_width="100%"))
    controls = []
    for name, lab, i in zip(names, labels, index):
        controls.append(W.SelectionSlider(options=[(t, j) for j, t in enumerate(lab)], value=i,
                                          description=name, continuous_update=continuous,
                                          style={"description_width": "initial"},
                                          layout=W.Layout(width="28em")))

    def redraw(_change=None):
        image.value = frames.png(tuple(c.value for c in controls))

    for c in controls:
        c.observe(redraw, names="value")
    children = [*controls, image]
    if note:
        children.append(W.HTML(f'<span style="color:#555;font-size:12px">{html.escape(note)}</span>'))
    return W.VBox(children)


def sliders(fn: Callable[..., Any], grids: dict, values: dict | None = None, fmt: dict | None = None,
            note: str | None = None, *, descriptions: dict | None = None, live: bool | None = None,
            precompute: bool | None = None, continuous: bool = True) -> DualOutput:
    """Several sliders; ``fn(**values)`` returns a Figure. Static frames cover the product of the grids.

    ``values`` gives the starting value per slider (default: the middle of each grid); ``fmt`` a format
    string or function per slider for its label; ``descriptions`` the text shown beside each slider (default:
    the key itself; the keys are ``fn``'s keyword arguments). ``live``/``precompute`` default to "someone watches" /
    "nobody watches" (see the module docstring). ``continuous=False`` redraws only when the slider is
    released (for slow callbacks).
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
    if precompute:
        mapping = [mapping_by_key[k] for k in keys]  # keys are in row-major order
        static_labels, static_index = labels, index
    else:
        mapping = [0]
        static_labels = [[lab[i]] for lab, i in zip(labels, index)]
        static_index = [0] * len(names)
    rid = element_id(shown, static_labels, static_index, *uniq)
    note_static = note
    if not precompute:
        hint = "(Static picture: run the notebook to move the slider.)"
        note_static = f"{note} {hint}" if note else hint
    page = _static_html(shown, static_labels, static_index, uris, mapping, note_static, rid)
    widget = _live_widget(frames, shown, labels, index, continuous, note) if live else None
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
    under the figure. Keyword arguments ``live``, ``precompute``, ``continuous`` as in ``sliders``.
    """
    return sliders(lambda value: fn(value), {"value": list(grid)}, values={"value": value},
                   fmt={"value": fmt}, note=note, descriptions={"value": description}, **kwargs)


def log_grid(lo: float, hi: float, per_decade: int = 4) -> list[float]:
    """A log-spaced grid from lo to hi with ``per_decade`` values per factor of 10, rounded to 3 digits."""
    import math

    n = round(math.log10(hi / lo) * per_decade)
    return [float(f"{lo * 10 ** (i / per_decade):.3g}") for i in range(n + 1)]


__all__ = ["DualOutput", "data_uri", "dual_output", "element_id", "figure_to_png", "live", "log_grid",
           "slider", "sliders"]

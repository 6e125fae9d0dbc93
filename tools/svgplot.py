"""A small-multiples SVG plot of accuracy against wall time (log scale), written without matplotlib.

``make book`` installs only Jupyter Book, and the page generator's ``--check`` compares files byte for byte, so
the time-to-accuracy figure is plain, deterministic SVG text.
"""

from __future__ import annotations

import math
from html import escape

W, H = 230, 150  # one panel
LEFT, RIGHT, TOP, BOTTOM = 42, 18, 22, 30
OURS, THEIRS, TARGET = "#1f77b4", "#d62728", "#7f7f7f"


def _log_ticks(lo: float, hi: float) -> list[float]:
    return [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
            if lo <= 10.0 ** e <= hi]


def _tick_label(t: float) -> str:
    return f"{t:g} s" if t < 1000 else f"{t / 1000:g}k s"


def panel(p: dict, x0: float, y0: float, xlim: tuple[float, float]) -> list[str]:
    """SVG elements of one panel: ``p`` has title, curve [(s, acc)], target, theirs (s or None)."""
    accs = [a for _, a in p["curve"] if a is not None] + [p["target"]]
    ylo = math.floor(min(accs) * 20) / 20
    yhi = min(1.0, math.ceil(max(accs) * 20 + 0.5) / 20)
    lx0, lx1 = math.log10(xlim[0]), math.log10(xlim[1])
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def sx(t):
        return x0 + LEFT + (math.log10(min(max(t, xlim[0]), xlim[1])) - lx0) / (lx1 - lx0) * pw

    def sy(a):
        return y0 + TOP + (yhi - a) / (yhi - ylo) * ph

    out = [f'<text x="{x0 + LEFT + pw / 2:.1f}" y="{y0 + 14}" text-anchor="middle" font-weight="bold">'
           f'{escape(p["title"])}</text>',
           f'<rect x="{x0 + LEFT}" y="{y0 + TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>']
    for t in _log_ticks(*xlim):
        x = sx(t)
        out.append(f'<line x1="{x:.1f}" y1="{y0 + TOP}" x2="{x:.1f}" y2="{y0 + TOP + ph}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{y0 + TOP + ph + 12}" text-anchor="middle">{_tick_label(t)}</text>')
    for k in range(round(ylo * 20), round(yhi * 20) + 1, 2 if yhi - ylo > 0.3 else 1):
        y = sy(k / 20)
        out.append(f'<text x="{x0 + LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{k / 20:.2f}</text>')
    yt = sy(p["target"])
    out.append(f'<line x1="{x0 + LEFT}" y1="{yt:.1f}" x2="{x0 + LEFT + pw}" y2="{yt:.1f}" stroke="{TARGET}" '
               'stroke-dasharray="3,3"/>')
    pts = [(sx(t), sy(a)) for t, a in p["curve"] if a is not None]
    if pts:
        out.append(f'<polyline fill="none" stroke="{OURS}" stroke-width="1.5" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{OURS}"/>' for x, y in pts]
    else:
        out.append(f'<text x="{x0 + LEFT + pw / 2:.1f}" y="{y0 + TOP + ph / 2:.1f}" text-anchor="middle" '
                   f'fill="{OURS}">no curve recorded yet</text>')
    if p.get("theirs"):
        x, y = sx(p["theirs"]), yt
        out.append(f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z" '
                   f'fill="{THEIRS}"/>')
    out.append(f'<text x="{x0 + LEFT + pw / 2:.1f}" y="{y0 + H - 4}" text-anchor="middle">wall time</text>')
    return out


def small_multiples(panels: list[dict], title: str, columns: int = 3) -> str:
    """The whole figure: a legend line, then one panel per entry of ``panels`` on a shared log time axis."""
    times = [t for p in panels for t, _ in p["curve"] if t > 0] + [p["theirs"] for p in panels if p.get("theirs")]
    lo, hi = min(times, default=1.0), max(times, default=10.0)
    xlim = (10.0 ** math.floor(math.log10(lo)), 10.0 ** math.ceil(math.log10(hi)))
    if xlim[0] == xlim[1]:
        xlim = (xlim[0], xlim[0] * 10)
    rows = math.ceil(len(panels) / columns)
    width, height = columns * W, rows * H + 24
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="9" role="img">',
           f"<title>{escape(title)}</title>",
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<line x1="10" y1="12" x2="30" y2="12" stroke="{OURS}" stroke-width="1.5"/>'
           '<text x="34" y="15">ours (stored lite run, test accuracy after each epoch)</text>',
           f'<path d="M262,7 L267,12 L262,17 L257,12 Z" fill="{THEIRS}"/>'
           "<text x=\"271\" y=\"15\">reference's 10 epochs on this CPU (extrapolated)</text>",
           f'<line x1="500" y1="12" x2="520" y2="12" stroke="{TARGET}" stroke-dasharray="3,3"/>'
           "<text x=\"524\" y=\"15\">reference accuracy</text>"]
    for i, p in enumerate(panels):
        out += panel(p, (i % columns) * W, 24 + (i // columns) * H, xlim)
    out.append("</svg>")
    return "\n".join(out) + "\n"

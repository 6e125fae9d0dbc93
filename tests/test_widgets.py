"""The widget toolkit: live view + static HTML in one output, deterministic frames, unique ids."""

import base64
import re

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import widgets  # noqa: E402


def line(a):
    fig, ax = plt.subplots(figsize=(3, 2))
    x = np.linspace(-2, 2, 50)
    ax.plot(x, a * x**2)
    ax.set_ylim(-1, 5)
    ax.set_title(f"a = {a:g}")
    return fig


def two(a, n):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(np.arange(n), a * np.arange(n))
    return fig


def frames_of(page):
    return re.findall(r"data:image/png;base64,[A-Za-z0-9+/=]+", page)


def test_callback_default_and_extremes_give_different_figures():
    grid = [0.1, 0.5, 1.0, 2.0]
    before = set(plt.get_fignums())  # other tests in this worker may have left figures open
    png = {a: widgets.figure_to_png(line(a)) for a in (grid[0], grid[len(grid) // 2], grid[-1])}
    assert all(p.startswith(b"\x89PNG") for p in png.values())
    assert len(set(png.values())) == 3
    assert set(plt.get_fignums()) == before  # the toolkit closes what it renders


def test_live_output_is_the_static_copy_then_the_widget_view():
    """Two outputs, static copy first: JupyterLab prefers a bundle's widget view, so a bundle holding both would show
    "model not found" instead of the static copy once the kernel is gone."""
    out = widgets.slider(line, [0.5, 1.0, 2.0], value=1.0, description="a", live=True, precompute=True)
    static, view = out.outputs()
    assert set(static) == {"text/plain", "text/html"} and "dlw-static" in static["text/html"]
    assert widgets.FALLBACK_CSS in static["text/html"] and "<script>" in static["text/html"]
    assert set(view) == {widgets.WIDGET_VIEW} and view[widgets.WIDGET_VIEW]["model_id"] == out.widget.model_id
    assert set(out._repr_mimebundle_()) == {"text/plain", "text/html"}  # a bundle-only front end: the static copy
    # the live widget redraws from the cache when the slider moves
    slider_widget, image = out.widget.children[0], out.widget.children[2]
    first = image.value
    slider_widget.value = 2
    assert image.value != first


def test_displaying_publishes_two_outputs_live_and_one_headless(monkeypatch):
    import IPython.display

    published = []
    monkeypatch.setattr(IPython.display, "publish_display_data", lambda data, **kw: published.append(data))
    widgets.slider(line, [0.5, 1.0], description="a", live=True, precompute=False)._ipython_display_()
    assert [sorted(b) for b in published] == [["text/html", "text/plain"], [widgets.WIDGET_VIEW]]
    published.clear()
    widgets.slider(line, [0.5, 1.0], description="a")._ipython_display_()  # headless: static only
    assert len(published) == 1 and widgets.WIDGET_VIEW not in published[0]


def test_live_widget_says_when_it_computes_and_when_the_kernel_is_gone():
    seen, made = [], []

    def slow(a):
        if not made:  # the first picture is drawn while the widget is built
            seen.append(None)
        else:
            status, image = made[0].widget.children[1], made[0].widget.children[2]
            seen.append((status.value, "dlw-stale" in image._dom_classes))
        return line(a)

    out = widgets.slider(slow, [0.5, 1.0, 2.0], value=1.0, description="a", note="Look.", live_note="Trains.",
                         live=True, precompute=False)
    made.append(out)
    slider_widget, status, image, chrome = out.widget.children
    assert seen == [None]
    slider_widget.value = 2
    assert "Computing a = 2" in seen[-1][0] and seen[-1][1], "no busy line or stale picture while computing"
    assert status.value == "" and "dlw-stale" not in image._dom_classes
    slider_widget.value = 1  # cached: no busy line
    assert len(seen) == 2
    # the kernel-gone line: hidden until ipywidgets marks the views disconnected
    assert widgets.DEAD_TEXT in chrome.value
    assert ".jupyter-widgets-disconnected .dlw-dead{display:block}" in chrome.value
    assert "Look. Trains." in chrome.value
    assert set(widgets.live_classes(out.element_id)) <= set(out.widget._dom_classes)
    # the picture keeps its natural size: not stretched across the output by the VBox
    assert image.layout.align_self == "flex-start" and image.layout.width == "auto"


def test_static_copy_says_what_the_page_does():
    out = widgets.slider(line, [0.5, 1.0, 2.0], value=1.0, description="a", note="Look.", live_note="Trains.")
    page = out.static_html
    assert "Look." in page and "Trains." not in page  # the live note describes the kernel, not the page
    assert "drawn in advance" in page and widgets.RUN_HINT in page  # the hint shows where the script cannot run
    assert 'G.alt=' in page and 'alt="Figure for a = 1"' in page  # the script keeps the alt text in step
    assert 'aria-valuetext="1"' in page
    started = widgets.slider(line, [0.5, 1.0, 2.0], value=2.0, description="a", live=False, precompute=False)
    assert "disabled" in started.static_html and 'value="2" aria-valuetext="2"' in started.static_html


def test_headless_output_is_static_only_with_every_frame():
    # unit tests run outside a notebook, which counts as headless: no widget state, all frames
    out = widgets.slider(line, [0.5, 1.0, 2.0], description="a")
    bundle = out._repr_mimebundle_()
    assert widgets.WIDGET_VIEW not in bundle
    assert len(frames_of(bundle["text/html"])) == 1 + 3  # the <img> start frame + 3 frames in the script
    assert "https://" not in bundle["text/html"] and "src=\"http" not in bundle["text/html"]


def test_static_html_is_deterministic():
    a = widgets.slider(line, [0.5, 1.0, 2.0], value=1.0, description="a").static_html
    b = widgets.slider(line, [0.5, 1.0, 2.0], value=1.0, description="a").static_html
    assert a == b


def test_ids_unique_across_two_sliders():
    a = widgets.slider(line, [0.5, 1.0, 2.0], description="a")
    b = widgets.slider(line, [0.5, 1.0, 3.0], description="a")
    ids_a = set(re.findall(r'id="([^"]+)"', a.static_html))
    ids_b = set(re.findall(r'id="([^"]+)"', b.static_html))
    assert ids_a and ids_b and not ids_a & ids_b


def test_two_sliders_product_grid_and_dedup():
    out = widgets.sliders(two, {"a": [0.0, 1.0], "n": [5, 10, 20]}, values={"a": 1.0, "n": 10})
    page = out.static_html
    assert page.count('type="range"') == 2
    # a = 0 draws a flat line whose picture still differs by n (axis ticks); every frame is distinct here
    assert len(frames_of(page)) == 1 + 6
    assert '"n"' not in page or True
    assert ">a</label>" in page
    m = re.search(r"S=(\[[^\]]*\])", page)
    assert m and m.group(1) == "[3, 1]"  # row-major strides over (a, n)


def test_identical_frames_are_stored_once():
    out = widgets.slider(lambda v: line(1.0), [1, 2, 3, 4], description="v", fmt="{}")
    assert len(frames_of(out.static_html)) == 1 + 1


def test_frames_are_compact():
    png = widgets.figure_to_png(line(1.0))
    raw = base64.b64decode(widgets.data_uri(png).split(",", 1)[1])
    assert raw == png and len(png) < 15_000


def test_live_mode_computes_only_the_start_frame():
    calls = []

    def fn(v):
        calls.append(v)
        return line(v)

    out = widgets.slider(fn, [0.5, 1.0, 2.0], value=2.0, description="a", live=False, precompute=False)
    assert calls == [2.0]
    assert "starting picture only" in out.static_html and widgets.RUN_HINT in out.static_html


def test_value_not_in_grid_picks_the_nearest():
    out = widgets.slider(line, [0.5, 1.0, 2.0], value=1.9, description="a", precompute=False)
    assert "a=2" in out.text


def test_dual_output_factory_is_not_called_headless():
    called = []
    out = widgets.dual_output(lambda: called.append(1), "<b>static</b>")
    assert called == [] and out._repr_mimebundle_()["text/html"] == "<b>static</b>" and len(out.outputs()) == 1


def test_log_grid():
    g = widgets.log_grid(0.001, 10, 2)
    assert g[0] == 0.001 and g[-1] == 10 and len(g) == 9
    with pytest.raises(ValueError):
        widgets.sliders(line, {})


def test_descriptions_label_the_sliders_and_keys_stay_keyword_arguments():
    out = widgets.sliders(two, {"a": [1.0, 2.0], "n": [5, 10]}, descriptions={"a": "slope", "n": "points"})
    assert ">slope</label>" in out.static_html and ">points</label>" in out.static_html
    assert out.text.startswith("Slider: slope (2 values), points (2 values)")


SLIDER_CHAPTERS = {  # chapter: how many static copies its stored outputs hold (sliders and name boxes)
    "chapters/06_gradient_descent.ipynb": 1,
    "chapters/13_model_selection_weight_decay.ipynb": 1,
    "chapters/14_dropout_numerical_stability.ipynb": 1,
    "chapters/24_names_classifier.ipynb": 1,
}


@pytest.mark.parametrize("path", sorted(SLIDER_CHAPTERS))
def test_stored_outputs_hold_one_static_copy_per_widget_and_no_widget_view(path):
    """The website shows stored outputs: exactly one copy of each slider, and no widget view (whose state would pull
    the ipywidgets bundle from a CDN). A copy made by the current toolkit has the "run this cell" hint."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / path).read_text())
    copies = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            assert widgets.WIDGET_VIEW not in data, f"{path}: a stored live widget"
            page = "".join(data.get("text/html", ""))
            if "dlw-static" in page or 'class="dlw"' in page or "dl-namebox" in page:
                copies.append(page)
    assert len(copies) == SLIDER_CHAPTERS[path], f"{path}: {len(copies)} static copies"
    for page in copies:
        assert "dlw-static" in page and widgets.RUN_HINT in page, f"{path}: made by an older toolkit: re-execute"
        assert "Live:" not in page, f"{path}: the static copy describes the live widget"

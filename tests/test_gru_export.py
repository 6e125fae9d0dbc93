"""dlcourse.gru_export: the name box's weights export and the forward pass the browser runs."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from dlcourse import gru_export, widgets

LABELS = [f"c{i}" for i in range(5)]


def _model(bidirectional=True, layers=2, seed=0):
    torch.manual_seed(seed)
    emb = nn.Embedding(gru_export.N_CHARS, 8)
    gru = nn.GRU(8, 6, layers, bidirectional=bidirectional, batch_first=True)
    fc = nn.Linear(6 * (2 if bidirectional else 1), len(LABELS))
    return emb, gru, fc


# (typed, what the model reads): names written the way the training names are
NORMALIZED = [
    ("  nguyen ", "Nguyen"),
    ("Müller", "Muller"),  # accents folded (NFKD, then ASCII), not dropped ("Mller")
    ("Dvořák", "Dvorak"),
    ("García", "Garcia"),
    ("NAKAMURA", "Nakamura"),  # the data's case: first letter upper, the rest lower
    ("o\u2019brien", "O'Brien"),  # a phone's apostrophe; a capital after it, as in the data
    ("van   der BERG", "Van der berg"),
    ("Bekovich-Cherkassky", "Bekovichcherkassky"),  # the data has no hyphens
    ("Smith😀", "Smith"),
    ("张伟", ""),
    ("   ", ""),
    ("<img src=x onerror=alert(1)>", "Img srcx onerroralert"),
    ("a" * 20_000, "A" + "a" * (gru_export.MAX_NAME_LEN - 1)),  # cut at the box's length
]


@pytest.mark.parametrize("typed, read", NORMALIZED)
def test_normalize_name(typed, read):
    assert gru_export.normalize_name(typed) == read


def test_encode_and_the_data_case_rule():
    assert gru_export.encode_name("ab") == [ord("A"), ord("b")]
    assert gru_export.MAX_NAME_LEN >= 19 + 3  # the longest training name (19 characters), plus a margin
    # the case rule leaves the training names as they are written (all but 0.2 % of them)
    for name in ["Abbas", "O'Brien", "Van tonder", "De la fontaine", "Dan'Ko", "Nakamura"]:
        assert gru_export.normalize_name(name) == name


def test_export_is_json_and_float16_roundtrip():
    emb, gru, fc = _model()
    payload = gru_export.export(emb, gru, fc, LABELS)
    payload = json.loads(json.dumps(payload))
    w = gru_export.arrays(payload)
    assert w["embedding"].shape == (128, 8) and w["weight_hh_l1_reverse"].shape == (18, 6)
    np.testing.assert_allclose(w["fc.weight"], fc.weight.detach().numpy(), atol=1e-3)
    np.testing.assert_array_equal(w["fc.weight"], fc.weight.detach().numpy().astype(np.float16))


@pytest.mark.parametrize("bidirectional,layers", [(True, 2), (False, 1), (True, 1)])
def test_reference_forward_matches_packed_pytorch(bidirectional, layers):
    payload = gru_export.export(*_model(bidirectional, layers), LABELS)
    model = gru_export.build_model(payload)
    names = ["Li", "Nguyen", "Schwarzenegger", "O'Brien", "a"]
    probs = gru_export.torch_probabilities(model, names)  # padded batch, packed by length
    for name, p in zip(names, probs):
        np.testing.assert_allclose(gru_export.reference_forward(payload, name), p, atol=1e-5)


def test_padding_without_packing_would_differ():
    """The reason for packing: a bidirectional GRU fed padded names gives other answers for the short ones."""
    payload = gru_export.export(*_model(), LABELS)
    model = gru_export.build_model(payload)
    names = ["Li", "Schwarzenegger"]
    packed = gru_export.torch_probabilities(model, names)
    x = torch.zeros(2, 14, dtype=torch.long)
    for i, n in enumerate(names):
        x[i, : len(n)] = torch.tensor(gru_export.encode_name(n))
    with torch.no_grad():
        _, hn = model.gru(model.embedding(x))
        padded = torch.softmax(model.fc(torch.cat([hn[-2], hn[-1]], 1)), 1).numpy()
    assert np.abs(padded[0] - packed[0]).max() > 1e-3  # "Li" + 12 pads
    np.testing.assert_allclose(padded[1], packed[1], atol=1e-6)  # the longest name has no padding


def test_export_rejects_mismatched_head():
    emb, gru, _ = _model()
    with pytest.raises(ValueError):
        gru_export.export(emb, gru, nn.Linear(6, len(LABELS)), LABELS)


def test_namebox_html_is_self_contained_and_deterministic():
    payload = gru_export.export(*_model(), LABELS)
    a, b = gru_export.namebox_html(payload), gru_export.namebox_html(payload)
    assert a == b
    assert f'maxlength="{gru_export.MAX_NAME_LEN}"' in a and "setTimeout(show" in a  # capped and debounced
    assert widgets.RUN_HINT in a and "dlw-static" in a and widgets.FALLBACK_CSS in a
    assert "<script src" not in a and "http" not in a
    assert gru_export.box_id(payload) in a
    other = gru_export.export(*_model(seed=1), LABELS)
    assert gru_export.box_id(other) != gru_export.box_id(payload)


def test_js_matches_reference_in_node(tmp_path):
    """Run the page's JavaScript in Node (if installed) and compare with the NumPy transcription."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    payload = gru_export.export(*_model(), LABELS)
    names = ["Li", "nguyen", "Schwarzenegger", "O'Brien", "MÜLLER"]
    typed = [t for t, _ in NORMALIZED]
    script = tmp_path / "run.js"
    script.write_text(
        "const atob = (s) => Buffer.from(s, 'base64').toString('binary');\n"
        + gru_export.JS_FORWARD
        + f"\nconst m = dlGruModel({json.dumps(payload)});\n"
        + f"console.log(JSON.stringify([{json.dumps(names)}.map((n) => m.probabilities(n)),"
        + f" {json.dumps(typed)}.map((n) => m.normalize(n))]));\n")
    out = subprocess.run([node, str(script)], capture_output=True, text=True, check=True, timeout=60)
    js, normalized = json.loads(out.stdout)
    for name, p in zip(names, js):
        np.testing.assert_allclose(p, gru_export.reference_forward(payload, name), atol=1e-9)
    assert normalized == [r for _, r in NORMALIZED]  # the page reads names exactly as Python does


def test_name_box_static_only_when_headless(monkeypatch):
    monkeypatch.setenv("DLCOURSE_HEADLESS", "1")
    payload = gru_export.export(*_model(), LABELS)
    box = gru_export.name_box(lambda n: np.full(len(LABELS), 1 / len(LABELS)), payload)
    bundle = box._repr_mimebundle_()
    assert "dl-namebox" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" not in bundle


def test_name_box_live_widget_updates(monkeypatch):
    """Live (someone watches): a Text widget whose every change re-runs ``predict`` and shows the top 3."""
    monkeypatch.setattr(widgets, "live", lambda: True)
    payload = gru_export.export(*_model(), LABELS)
    seen = []

    def predict(name):
        seen.append(name)
        p = np.zeros(len(LABELS))
        p[len(name) % len(LABELS)] = 1.0
        return p

    box = gru_export.name_box(predict, payload, value="li", note="A note.")
    text, out, chrome = box.widget.children
    assert "A note." in chrome.value and "dlw-live" in box.widget._dom_classes
    assert len(box.outputs()) == 2  # the static copy, then the live view
    assert seen == ["Li"] and "c2" in out.value
    text.value = "tanaka"
    assert seen[-1] == "Tanaka" and "c1" in out.value and "100.0 %" in out.value
    text.value = "  "
    assert "type a name" in out.value
    text.value = "NAKAMURA-" + "x" * 20_000
    assert seen[-1] == "Nakamuraxxxxxxxxxxxxxxxx"[: gru_export.MAX_NAME_LEN]

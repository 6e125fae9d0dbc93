"""Run a trained character-level GRU classifier in the reader's browser (chapter 24's name box).

    payload = gru_export.export(model.embedding, model.gru, model.fc, labels=countries)
    gru_export.name_box(predict, payload)      # live: a Text widget; static: the same forward pass in JS

The static page has no kernel, so the trained weights travel *with the page*: ``export`` rounds them to
float16 and base64-encodes them into a small JSON payload (the notes' model, embedding 128 x 100 and a
2-layer bidirectional GRU with hidden size 100, has 319 k parameters: 0.64 MB as float16, 0.85 MB as
base64), and ``namebox_html`` writes an ``<input>`` box plus about 80 lines of plain JavaScript that run
embedding -> bidirectional multi-layer GRU -> linear -> softmax when the reader pauses typing (debounced).

Names are written the way the training names are (``normalize_name``, the same in Python and JavaScript):
accents are folded (NFKD, then ASCII: Müller -> Muller, Dvořák -> Dvorak), only letters, apostrophes and spaces
are kept (hyphens go, as in the data: BekovichCherkassky), and the case is the data's (NAKAMURA -> Nakamura,
o'brien -> O'Brien). The input is cut at ``MAX_NAME_LEN`` characters (the longest training name has 19), so a
pasted novel costs no more than a name.

Why plain JavaScript and not onnxruntime-web: the model is tiny (a few million multiply-adds per name,
about a millisecond), while onnxruntime-web would add a WebAssembly runtime of several MB that the page
would have to ship itself (the site loads no external JavaScript), and exporting a packed, variable-length
bidirectional GRU to ONNX needs extra ``sequence_lens`` plumbing. Plain JS has no dependency, is readable
next to the PyTorch equations, and is tested against PyTorch to 1e-4 in a real browser
(``tests/test_browser_namebox.py``).

Semantics match ``pack_padded_sequence``: the box runs one name at a time over its true length, so the
forward direction ends at the last real character and the backward direction *starts* there (no padding is
ever read). ``reference_forward`` is a NumPy transcription of the JavaScript, used by the unit tests.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import unicodedata

import numpy as np
import torch
from torch import nn

from . import widgets

N_CHARS = 128  # ASCII: a character's code is its index in the embedding table; 0 is padding
MAX_NAME_LEN = 24  # the longest training name has 19 characters; a margin, and then the box stops reading
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'"})  # phones type ’


def normalize_name(name: str, max_len: int = MAX_NAME_LEN) -> str:
    """What the box feeds the model: the name written the way the training names are.

    NFKD, then ASCII (accents folded: Müller -> Muller); typographic apostrophes become ``'``; only letters,
    apostrophes and single spaces stay; at most ``max_len`` characters; lower case but for the first letter and
    a letter after an apostrophe (NAKAMURA -> Nakamura, o'brien -> O'Brien), as 99.8 % of the training names
    are written. The JavaScript does exactly the same (``normalize`` in ``JS_FORWARD``).
    """
    s = unicodedata.normalize("NFKD", name).translate(_APOSTROPHES)
    s = re.sub(r" +", " ", re.sub(r"[^A-Za-z' ]+", "", s)).strip()[:max_len].strip()
    return re.sub(r"(^|')([a-z])", lambda m: m.group(1) + m.group(2).upper(), s.lower())


def encode_name(name: str, max_len: int = MAX_NAME_LEN) -> list[int]:
    """ASCII codes of the normalised name."""
    return [ord(c) for c in normalize_name(name, max_len)]


# ---- export / import -------------------------------------------------------------------------------

def _b64_f16(t: torch.Tensor) -> str:
    arr = t.detach().cpu().to(torch.float32).numpy().astype("<f2")
    return base64.b64encode(arr.tobytes()).decode("ascii")


def _unb64_f16(s: str, shape) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype="<f2").astype(np.float32).reshape(shape)


def export(embedding: nn.Embedding, gru: nn.GRU, fc: nn.Linear, labels: list[str]) -> dict:
    """The weights (float16, base64) and shapes the JavaScript needs, as a JSON-able dict.

    ``fc`` must read ``torch.cat([hn[-2], hn[-1]], dim=1)`` (last layer: forward, then backward) for a
    bidirectional GRU, or ``hn[-1]`` for a one-directional one.
    """
    if gru.input_size != embedding.embedding_dim:
        raise ValueError("the GRU's input_size must equal the embedding dimension")
    dirs = 2 if gru.bidirectional else 1
    if fc.in_features != dirs * gru.hidden_size:
        raise ValueError(f"fc must read {dirs} x hidden_size features")
    if fc.out_features != len(labels):
        raise ValueError("one label per output of fc")
    tensors = {"embedding": embedding.weight, "fc.weight": fc.weight, "fc.bias": fc.bias}
    for layer in range(gru.num_layers):
        for suffix in ("", "_reverse")[:dirs]:
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                name = f"{kind}_l{layer}{suffix}"
                tensors[name] = getattr(gru, name)
    return {
        "format": "dlcourse-gru-classifier-1",
        "dtype": "float16",
        "n_chars": embedding.num_embeddings,
        "hidden_size": gru.hidden_size,
        "num_layers": gru.num_layers,
        "bidirectional": bool(gru.bidirectional),
        "labels": list(labels),
        "shapes": {k: list(v.shape) for k, v in tensors.items()},
        "weights": {k: _b64_f16(v) for k, v in tensors.items()},
    }


def arrays(payload: dict) -> dict[str, np.ndarray]:
    """The exported weights as float32 arrays (float16 values, exactly as the browser sees them)."""
    return {k: _unb64_f16(v, payload["shapes"][k]) for k, v in payload["weights"].items()}


def build_model(payload: dict) -> nn.Module:
    """A PyTorch module with the exported (float16-rounded) weights: ``model(codes, lengths) -> logits``."""
    w = arrays(payload)
    model = _Classifier(payload["n_chars"], w["embedding"].shape[1], payload["hidden_size"],
                        payload["num_layers"], payload["bidirectional"], len(payload["labels"]))
    with torch.no_grad():
        model.embedding.weight.copy_(torch.from_numpy(w["embedding"]))
        model.fc.weight.copy_(torch.from_numpy(w["fc.weight"]))
        model.fc.bias.copy_(torch.from_numpy(w["fc.bias"]))
        for name, _ in model.gru.named_parameters():
            getattr(model.gru, name).copy_(torch.from_numpy(w[name]))
    return model.eval()


class _Classifier(nn.Module):
    def __init__(self, n_chars, emb, hidden, layers, bidirectional, n_out):
        super().__init__()
        self.embedding = nn.Embedding(n_chars, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, layers, bidirectional=bidirectional, batch_first=True)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), n_out)

    def forward(self, codes, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(codes), lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        _, hn = self.gru(packed)
        h = torch.cat([hn[-2], hn[-1]], dim=1) if self.gru.bidirectional else hn[-1]
        return self.fc(h)


def torch_probabilities(model: nn.Module, names: list[str]) -> np.ndarray:
    """Softmax probabilities for a batch of names (padded, then packed by true length), shape (n, classes)."""
    codes = [encode_name(n) for n in names]
    if any(not c for c in codes):
        raise ValueError("every name needs at least one ASCII character")
    lengths = torch.tensor([len(c) for c in codes])
    x = torch.zeros(len(codes), int(lengths.max()), dtype=torch.long)
    for i, c in enumerate(codes):
        x[i, : len(c)] = torch.tensor(c)
    with torch.no_grad():
        return torch.softmax(model(x, lengths), dim=1).numpy()


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference_forward(payload: dict, name: str) -> np.ndarray:
    """The JavaScript's forward pass, step by step in NumPy (float64): one name, its true length, softmax."""
    w = {k: v.astype(np.float64) for k, v in arrays(payload).items()}
    codes = encode_name(name)
    seq = [w["embedding"][c] for c in codes]
    H = payload["hidden_size"]
    dirs = ("", "_reverse") if payload["bidirectional"] else ("",)
    finals = []
    for layer in range(payload["num_layers"]):
        outs, finals = [], []
        for suffix in dirs:
            p = {k: w[f"{k}_l{layer}{suffix}"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
            order = range(len(seq)) if suffix == "" else range(len(seq) - 1, -1, -1)
            h = np.zeros(H)
            out = [None] * len(seq)
            for t in order:
                gi = p["weight_ih"] @ seq[t] + p["bias_ih"]
                gh = p["weight_hh"] @ h + p["bias_hh"]
                r = _sigmoid(gi[:H] + gh[:H])
                z = _sigmoid(gi[H:2 * H] + gh[H:2 * H])
                n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
                h = (1 - z) * n + z * h
                out[t] = h
            outs.append(out)
            finals.append(h)
        seq = [np.concatenate([o[t] for o in outs]) for t in range(len(seq))]
    logits = w["fc.weight"] @ np.concatenate(finals) + w["fc.bias"]
    e = np.exp(logits - logits.max())
    return e / e.sum()


# ---- the page ----------------------------------------------------------------------------------------

JS_FORWARD = r"""
function dlFromF16(b64, n) {  // float16 little-endian, base64 -> Float32Array
  const bin = atob(b64), out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    out[i] = e === 0 ? s * Math.pow(2, -14) * (f / 1024)
           : e === 31 ? (f ? NaN : s * Infinity)
           : s * Math.pow(2, e - 15) * (1 + f / 1024);
  }
  return out;
}
function dlGruModel(p) {
  const W = {};
  for (const k in p.weights) W[k] = dlFromF16(p.weights[k], p.shapes[k].reduce((a, b) => a * b, 1));
  const H = p.hidden_size, E = p.shapes.embedding[1], dirs = p.bidirectional ? ["", "_reverse"] : [""];
  const sig = (x) => 1 / (1 + Math.exp(-x));
  function affine(Wm, b, x, rows) {  // Wm (rows x x.length), row-major: Wm x + b
    const cols = x.length, y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = b[i];
      for (let j = 0, o = i * cols; j < cols; j++) s += Wm[o + j] * x[j];
      y[i] = s;
    }
    return y;
  }
  function normalize(name, maxLen = __MAX_NAME_LEN__) {  // same as dlcourse.gru_export.normalize_name
    let s = String(name).normalize("NFKD").replace(/[\u2018\u2019\u02bc`]/g, "'");
    s = s.replace(/[^A-Za-z' ]+/g, "").replace(/ +/g, " ").trim().slice(0, maxLen).trim();
    return s.toLowerCase().replace(/(^|')([a-z])/g, (m, a, b) => a + b.toUpperCase());
  }
  function probabilities(name, maxLen) {
    const codes = Array.from(normalize(name, maxLen), (c) => c.codePointAt(0));
    if (!codes.length) return null;
    // layer 0 reads the embeddings; the sequence is the name's true length: no padding (= packed semantics)
    let seq = codes.map((c) => W.embedding.subarray(c * E, (c + 1) * E));
    let finals = [];
    for (let layer = 0; layer < p.num_layers; layer++) {
      const outs = []; finals = [];
      for (const d of dirs) {
        const g = (k) => W[k + "_l" + layer + d];
        const Wih = g("weight_ih"), Whh = g("weight_hh"), bih = g("bias_ih"), bhh = g("bias_hh");
        let h = new Float64Array(H);
        const out = new Array(seq.length);
        const T = seq.length;
        for (let s = 0; s < T; s++) {
          const t = d === "" ? s : T - 1 - s;  // the backward direction starts at the LAST real character
          const gi = affine(Wih, bih, seq[t], 3 * H), gh = affine(Whh, bhh, h, 3 * H);
          const hn = new Float64Array(H);
          for (let i = 0; i < H; i++) {
            const r = sig(gi[i] + gh[i]), z = sig(gi[H + i] + gh[H + i]);
            const n = Math.tanh(gi[2 * H + i] + r * gh[2 * H + i]);  // r multiplies W_hn h + b_hn
            hn[i] = (1 - z) * n + z * h[i];
          }
          h = hn; out[t] = h;
        }
        outs.push(out); finals.push(h);
      }
      seq = seq.map((_, t) => { const v = new Float64Array(H * outs.length);
        outs.forEach((o, k) => v.set(o[t], k * H)); return v; });
    }
    const hcat = new Float64Array(H * finals.length);
    finals.forEach((f, k) => hcat.set(f, k * H));  // [forward final, backward final] = cat(hn[-2], hn[-1])
    const logits = affine(W["fc.weight"], W["fc.bias"], hcat, p.labels.length);
    const m = Math.max(...logits), e = logits.map((v) => Math.exp(v - m)), z = e.reduce((a, b) => a + b, 0);
    return Array.from(e, (v) => v / z);
  }
  return { probabilities, normalize };
}
""".replace("__MAX_NAME_LEN__", str(MAX_NAME_LEN))


def box_id(payload: dict) -> str:
    h = hashlib.sha1(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return f"dlnb-{h}"


DEFAULT_NAME = "Angelopoulos"  # a Greek surname of the test set, not in the training set: the lite model gets it right
DEBOUNCE_MS = 80  # the box recomputes when the reader pauses this long, not on every keystroke


def namebox_html(payload: dict, value: str = DEFAULT_NAME, top_k: int = 3, note: str = "",
                 max_len: int = MAX_NAME_LEN, live_helper: bool = False) -> str:
    """A self-contained HTML fragment: a text box and the top-k countries, computed in the browser.

    The box takes at most ``max_len`` characters (``maxlength``, and the script cuts anything longer that gets in),
    and recomputes ``DEBOUNCE_MS`` after the last keystroke. Where scripts do not run (an untrusted notebook),
    it says to run the cell; the script removes that line. ``live_helper``: a live widget is shown beside it.
    """
    bid = box_id(payload)
    data = json.dumps(payload, separators=(",", ":"))
    note_html = f'<div class="dlw-note" style="font-size:85%;color:#555">{html.escape(note)}</div>' if note else ""
    hint = f'<div class="dlw-hint" style="font-size:85%;color:#8a5a00">▶ {html.escape(widgets.RUN_HINT)}</div>'
    return f"""<div class="dl-namebox dlw-static" id="{bid}" data-top-k="{top_k}" data-max-len="{max_len}"
 style="font-family:sans-serif;margin:0.5em 0"><style>{widgets.FALLBACK_CSS}</style>
<label>Type a name: <input type="text" class="dl-namebox-input" value="{html.escape(value)}" autocomplete="off"
 spellcheck="false" maxlength="{max_len}" style="font-size:110%;padding:2px 6px;width:14em;max-width:90%"></label>
<table class="dl-namebox-out" aria-live="polite" style="margin:0.4em 0 0 0;border-collapse:collapse;border:none">
</table>{note_html}{hint}
<script type="application/json" class="dl-namebox-weights">{data}</script>
<script>
(function () {{
{JS_FORWARD}
  const me = document.currentScript, up = me && me.parentNode;  // robust if two identical boxes share a page
  const box = up && up.classList && up.classList.contains("dl-namebox") ? up : document.getElementById("{bid}");
  if (!box || box.dataset.ready) return;
  box.dataset.ready = "1";
  const hint = box.querySelector(".dlw-hint");
  if (hint) hint.remove();
  const payload = JSON.parse(box.querySelector(".dl-namebox-weights").textContent);
  const model = dlGruModel(payload), k = {top_k}, maxLen = {max_len};
  const input = box.querySelector(".dl-namebox-input"), table = box.querySelector(".dl-namebox-out");
  let timer = null;
  function show() {{
    timer = null;
    const name = model.normalize(input.value, maxLen);
    const probs = model.probabilities(name, maxLen);
    table.innerHTML = "";
    if (!probs) {{
      box.dataset.name = "";
      table.innerHTML = "<tr><td>(type a name in Latin letters)</td></tr>";
      return;
    }}
    const order = probs.map((p, i) => i).sort((a, b) => probs[b] - probs[a]).slice(0, k);
    for (const i of order) {{
      const tr = document.createElement("tr");
      tr.className = "dl-namebox-row";
      tr.dataset.country = payload.labels[i];
      tr.dataset.prob = probs[i].toPrecision(10);
      const bar = Math.round(probs[i] * 120);
      tr.innerHTML = "<td style='padding:1px 8px 1px 0;text-align:left;border:none'>" + payload.labels[i]
        + "</td><td style='width:130px;border:none'>"
        + "<div style='background:#4c72b0;height:0.9em;width:" + bar + "px'></div></td>"
        + "<td style='text-align:right;padding-left:6px;border:none'>" + (100 * probs[i]).toFixed(1) + " %</td>";
      table.appendChild(tr);
    }}
    box.dataset.name = name;
  }}
  input.addEventListener("input", () => {{  // debounce: recompute once the reader pauses
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(show, {DEBOUNCE_MS});
  }});
  show();
}})();
</script>{widgets.live_helper_script(bid) if live_helper else ""}
</div>"""


def top_k(probs, labels: list[str], k: int = 3) -> list[tuple[str, float]]:
    order = np.argsort(-np.asarray(probs))[:k]
    return [(labels[i], float(probs[i])) for i in order]


def _format_top(rows) -> str:
    cells = "".join(
        f"<tr><td style='padding:1px 8px 1px 0'>{html.escape(c)}</td>"
        f"<td style='width:130px'><div style='background:#4c72b0;height:0.9em;width:{round(p * 120)}px'></div></td>"
        f"<td style='text-align:right;padding-left:6px'>{100 * p:.1f} %</td></tr>" for c, p in rows)
    return f"<table style='border-collapse:collapse'>{cells}</table>"


def name_box(predict, payload: dict, value: str = DEFAULT_NAME, top_k_: int = 3, note: str = "",
             max_len: int = MAX_NAME_LEN):
    """The name box: live, an ipywidgets Text calling ``predict(name) -> probabilities`` (PyTorch) on the
    normalised name; static, ``namebox_html`` (the exported weights in JavaScript). The static copy is shown
    as well, so a reopened notebook has a working box (see ``widgets.DualOutput``)."""
    labels = payload["labels"]
    bid = box_id(payload)

    def build():
        import ipywidgets as w

        text = w.Text(value=value, description="Name:", continuous_update=True)
        out = w.HTML()

        def update(_change=None):
            name = normalize_name(text.value, max_len)
            out.value = (_format_top(top_k(predict(name), labels, top_k_)) if name
                         else "(type a name in Latin letters)")

        text.observe(update, names="value")
        update()
        box = w.VBox([text, out, widgets.live_chrome(note)])
        for cls in widgets.live_classes(bid):
            box.add_class(cls)
        return box

    static = namebox_html(payload, value=value, top_k=top_k_, note=note, max_len=max_len, live_helper=widgets.live())
    return widgets.dual_output(build, static, text=f"name box (top {top_k_} countries)")

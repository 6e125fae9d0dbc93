"""Side-by-side throughput of dlcourse and d2l on the same machine, in one run (a script, not a test).

    flock /tmp/dlcourse-execute.lock .venv/bin/python benchmarks/bench_vs_d2l.py [--device cpu] [--quick]

It measures
1. reading one epoch of Fashion-MNIST (batch 256): ``dl.load_data_fashion_mnist`` vs
   ``d2l.load_data_fashion_mnist`` (torchvision ``FashionMNIST`` + ``ToTensor`` per sample, 4 workers);
2. training d2l's sigmoid LeNet (batch 256, lr 0.9) with ``dl.train_ch6`` vs ``d2l.train_ch6``, each with
   its own loader, plus ``d2l.train_ch6`` fed by our loader (to split d2l's time into loader and loop);
3. examples/s for the lite configuration of every network of chapters 16-22 (``cnn_models.LITE_CONFIGS``):
   ``dl.train_ch6`` + our loader (resize per batch on the device) vs ``d2l.train_ch6`` + a torchvision
   ``DataLoader`` with d2l's per-sample ``Resize``, on the same number of batches.

Throughputs are wall-clock: examples trained / seconds the training call took (loading included). d2l's own
printed figure times only the compute between batches (not the wait for its DataLoader); it is recorded too.
Results go to ``benchmarks/results.json``. d2l 1.0.3 is needed: ``pip install --no-deps d2l==1.0.3 scipy``
(here installed with ``--target`` and passed as ``--d2l-path``). Data come from ``$DLCOURSE_DATA_MIRROR``:
the script writes a torchvision-format copy into a temporary folder, so nothing is downloaded.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import gzip
import io
import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DLCOURSE_HEADLESS", "1")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import torch  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cnn_models  # noqa: E402

import dlcourse as dl  # noqa: E402
from dlcourse.data import fetch  # noqa: E402
from dlcourse.data.registry import FILES  # noqa: E402

FMNIST = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def import_d2l(path: str | None):
    if path:
        sys.path.insert(0, path)
    with contextlib.redirect_stdout(io.StringIO()):
        from d2l import torch as d2l
    return d2l


def make_torchvision_copy(root: Path) -> None:
    """Write the mirror's Fashion-MNIST as ``root/FashionMNIST/raw/*`` so torchvision finds it offline."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in FMNIST:
        data = fetch.read(FILES[f"fashion-mnist/{name}.gz"])  # verified and decompressed
        (raw / name).write_bytes(data)
        with gzip.open(raw / f"{name}.gz", "wb", compresslevel=1) as f:
            f.write(data)


def quiet(fn, *args, **kwargs):
    """Call fn, capturing what it prints; return (result, printed text, wall seconds)."""
    buf = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        result = fn(*args, **kwargs)
    return result, buf.getvalue(), time.perf_counter() - start


def epoch_read(loader) -> tuple[int, float]:
    start, n = time.perf_counter(), 0
    for _X, y in loader:
        n += len(y)
    return n, time.perf_counter() - start


def bench_data(d2l, batch_size=256) -> dict:
    (ours, _), _, t_build_ours = quiet(dl.load_data_fashion_mnist, batch_size)
    n, t_ours = epoch_read(ours)
    (theirs, _), _, t_build_d2l = quiet(d2l.load_data_fashion_mnist, batch_size)
    n2, t_d2l = epoch_read(theirs)
    assert n == n2 == 60000, (n, n2)
    return {"examples": n, "ours_s": round(t_ours, 3), "d2l_s": round(t_d2l, 3),
            "ours_ex_per_s": round(n / t_ours), "d2l_ex_per_s": round(n / t_d2l),
            "ratio": round(t_d2l / t_ours, 1),
            "build_ours_s": round(t_build_ours, 2), "build_d2l_s": round(t_build_d2l, 2)}


def d2l_printed_speed(text: str) -> float | None:
    m = re.search(r"([\d.]+) examples/sec", text)
    return float(m.group(1)) if m else None


class Limited:
    """The first ``n`` batches of a loader (the same number for every trainer)."""

    def __init__(self, loader, n):
        self.loader, self.n = loader, n

    def __len__(self):
        return min(self.n, len(self.loader))

    def __iter__(self):
        for i, batch in enumerate(self.loader):
            if i >= self.n:
                return
            yield batch


def d2l_loaders(d2l, root: Path, batch_size, resize, n_train, n_test):
    """d2l's loader (torchvision dataset, per-sample Resize + ToTensor, 4 workers), on the first n examples."""
    import torchvision
    from torchvision import transforms

    trans = [transforms.ToTensor()]
    if resize:
        trans.insert(0, transforms.Resize(resize))
    trans = transforms.Compose(trans)
    train = torchvision.datasets.FashionMNIST(root=str(root), train=True, transform=trans, download=False)
    test = torchvision.datasets.FashionMNIST(root=str(root), train=False, transform=trans, download=False)
    sub = torch.utils.data
    workers = d2l.get_dataloader_workers()
    return (sub.DataLoader(sub.Subset(train, range(n_train)), batch_size, shuffle=True, num_workers=workers),
            sub.DataLoader(sub.Subset(test, range(n_test)), batch_size, shuffle=False, num_workers=workers))


def compare(name, make_net, cfg, d2l, root: Path, n_batches: int, n_test: int, device) -> dict:
    """Train ``make_net()`` for ``n_batches`` batches with dl.train_ch6 and with d2l.train_ch6; ex/s of each."""
    bs, resize, lr, momentum = cfg["batch_size"], cfg["resize"], cfg["lr"], cfg.get("momentum", 0.0)
    n_train = n_batches * bs
    torch.manual_seed(0)
    net = make_net()
    state = {k: v.clone() for k, v in net.state_dict().items()}
    out = {"name": name, "batch_size": bs, "input": resize or 28, "lr": lr, "momentum": momentum,
           "batches": n_batches, "source": cfg.get("source", "")}

    # ours: data in memory, resize per batch on the device, metrics read once per epoch
    train_iter, test_iter = dl.load_data_fashion_mnist(bs, resize=resize, n_train=n_train, n_test=n_test,
                                                       device=device)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    metrics, _, wall = quiet(dl.train_ch6, net, train_iter, test_iter, 1, lr, device, optimizer=opt, init=False)
    out["ours_ex_per_s"] = round(n_train / wall, 1)
    out["ours_reported_ex_per_s"] = round(metrics["examples_per_sec"], 1)

    # d2l: its train_ch6 (per-batch float() syncs, Accumulator) and its DataLoader with per-sample Resize.
    # d2l.train_ch6 always uses plain SGD; momentum configurations get the same SGD(momentum) via a patch.
    net2 = make_net()
    net2.load_state_dict(state)
    net2.apply = lambda fn: net2  # keep the same initial weights (d2l.train_ch6 re-initialises with Xavier)
    d_train, d_test = d2l_loaders(d2l, root, bs, resize, n_train, n_test)
    original_sgd = torch.optim.SGD
    if momentum:
        torch.optim.SGD = lambda params, lr: original_sgd(params, lr=lr, momentum=momentum)
    try:
        _, text, wall2 = quiet(d2l.train_ch6, net2, d_train, d_test, 1, lr, device)
    finally:
        torch.optim.SGD = original_sgd
    out["d2l_ex_per_s"] = round(n_train / wall2, 1)
    out["d2l_reported_ex_per_s"] = d2l_printed_speed(text)
    out["ratio"] = round(out["ours_ex_per_s"] / out["d2l_ex_per_s"], 2)
    return out


def bench_lenet(d2l, root: Path, device, epochs: int) -> dict:
    """d2l's LeNet chapter end to end: dl.train_ch6 + our loader vs d2l.train_ch6 + d2l's loader
    (+ d2l.train_ch6 with our loader, to separate the loader from the loop)."""
    res = {"model": "LeNet (sigmoid, avg pool)", "batch_size": 256, "lr": 0.9, "epochs": epochs}
    ours_train, ours_test = dl.load_data_fashion_mnist(256, device=device)
    d_train, d_test = d2l_loaders(d2l, root, 256, None, 60000, 10000)
    runs = {
        "ours": (dl.train_ch6, ours_train, ours_test),
        "d2l": (d2l.train_ch6, d_train, d_test),
        "d2l_loop_our_loader": (d2l.train_ch6, ours_train, ours_test),
    }
    for key, (trainer, tr, te) in runs.items():
        torch.manual_seed(0)
        net = cnn_models.lenet()
        result, text, wall = quiet(trainer, net, tr, te, epochs, 0.9, device)
        n = 60000 * epochs
        res[f"{key}_wall_s"] = round(wall, 2)
        res[f"{key}_ex_per_s"] = round(n / wall, 1)  # wall clock: training and the test pass, loading included
        res[f"{key}_reported_ex_per_s"] = (round(result["examples_per_sec"], 1) if isinstance(result, dict)
                                           else d2l_printed_speed(text))
        res[f"{key}_test_acc"] = (round(result["test_acc"], 4) if isinstance(result, dict)
                                  else float(re.search(r"test acc ([\d.]+)", text).group(1)))
    res["ratio"] = round(res["ours_ex_per_s"] / res["d2l_ex_per_s"], 2)
    res["ratio_loop_only"] = round(res["ours_ex_per_s"] / res["d2l_loop_our_loader_ex_per_s"], 2)
    return res


def summary_rows(results: dict) -> dict:
    """The fields ``tools/benchmarks_page.py`` renders: machine (text), script, rows, notes."""
    m = results["machine"]
    rows, notes = [], []
    if "data" in results:
        r = results["data"]
        rows.append({"what": "Fashion-MNIST, one epoch read (batch 256)", "ours": r["ours_ex_per_s"],
                     "d2l": r["d2l_ex_per_s"], "unit": "ex/s"})
    if "lenet" in results:
        r = results["lenet"]
        rows.append({"what": f"LeNet training, {r['epochs']} epoch(s), train_ch6 + own loader (wall clock)",
                     "ours": r["ours_ex_per_s"], "d2l": r["d2l_ex_per_s"], "unit": "ex/s"})
        rows.append({"what": "LeNet training, both fed by our loader (the loop alone)",
                     "ours": r["ours_ex_per_s"], "d2l": r["d2l_loop_our_loader_ex_per_s"], "unit": "ex/s"})
        notes.append(f"d2l's train_ch6 prints {r['d2l_reported_ex_per_s']} ex/s for the same LeNet run: its timer "
                     "stops while the DataLoader fetches the next batch, so its printed figure leaves the loader out.")
    for r in results.get("cnn", []):
        rows.append({"what": f"{r['name']} (lite: input {r['input']}, batch {r['batch_size']}, "
                             f"{r['batches']} batches)", "ours": r["ours_ex_per_s"], "d2l": r["d2l_ex_per_s"],
                     "unit": "ex/s"})
    if results.get("cnn"):
        notes.append("CNN rows: one short epoch each; d2l's time includes starting its 4 DataLoader workers, "
                     "which a full epoch spreads over more batches.")
    machine_text = (f"{m['cpu']} ({m['cpu_count']} cores, shared; torch {m['torch']}, "
                    f"{m['torch_threads']} threads; device {results['device']})")
    return {"machine": machine_text, "machine_details": m, "script": "benchmarks/bench_vs_d2l.py",
            "rows": rows, "notes": notes}


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info = {"platform": platform.platform(), "cpu": cpu, "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(), "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", ""),
            "python": platform.python_version(), "torch": torch.__version__}
    with contextlib.suppress(OSError):
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: dl.try_gpu())")
    parser.add_argument("--d2l-path", default=os.environ.get("D2L_PATH"), help="folder holding the d2l package")
    parser.add_argument("--lenet-epochs", type=int, default=1)
    parser.add_argument("--batches", type=int, default=20, help="batches per network in the CNN comparison")
    parser.add_argument("--models", default=",".join(cnn_models.LITE_CONFIGS), help="comma-separated names")
    parser.add_argument("--skip", default="", help="parts to skip: data,lenet,cnn")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    device = torch.device(args.device) if args.device else dl.try_gpu()
    if args.batches < 5:
        parser.error("--batches must be at least 5 (d2l.train_ch6 plots every len(loader) // 5 batches)")
    d2l = import_d2l(args.d2l_path)
    results = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "device": str(device),
               "machine": machine(), "d2l": getattr(d2l, "__version__", "1.0.3")}
    with tempfile.TemporaryDirectory(prefix="bench-d2l-") as tmp:
        root = Path(tmp) / "data"
        make_torchvision_copy(root)
        work = Path(tmp) / "work"
        work.mkdir()
        cwd = os.getcwd()
        os.chdir(work)  # d2l reads from ../data
        try:
            run_parts(args, d2l, root, device, results)
        finally:
            os.chdir(cwd)
    results.update(summary_rows(results))
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


def run_parts(args, d2l, root: Path, device, results: dict) -> None:
    skip = set(filter(None, args.skip.split(",")))
    if "data" not in skip:
        results["data"] = r = bench_data(d2l)
        print(f"[data] one epoch of Fashion-MNIST, batch 256: ours {r['ours_ex_per_s']:,} ex/s, "
              f"d2l {r['d2l_ex_per_s']:,} ex/s -> {r['ratio']}x", flush=True)
    if "lenet" not in skip:
        results["lenet"] = r = bench_lenet(d2l, root, device, args.lenet_epochs)
        print(f"[lenet] {args.lenet_epochs} epoch(s) on {device}: ours {r['ours_ex_per_s']:,} ex/s, "
              f"d2l {r['d2l_ex_per_s']:,} ex/s -> {r['ratio']}x (d2l's loop with our loader: "
              f"{r['d2l_loop_our_loader_ex_per_s']:,} ex/s; d2l prints {r['d2l_reported_ex_per_s']} ex/s, "
              f"timing compute only)", flush=True)
    if "cnn" not in skip:
        results["cnn"] = []
        for name in filter(None, args.models.split(",")):
            make_net, cfg = cnn_models.LITE_CONFIGS[name]
            r = compare(name, make_net, cfg, d2l, root, args.batches, 2 * cfg["batch_size"], device)
            results["cnn"].append(r)
            print(f"[cnn] {name:17s} input {r['input']:3d}, batch {r['batch_size']:3d}: ours "
                  f"{r['ours_ex_per_s']:8.1f} ex/s, d2l {r['d2l_ex_per_s']:8.1f} ex/s -> {r['ratio']}x",
                  flush=True)


if __name__ == "__main__":
    sys.exit(main())

"""Our training against the reference courses' own code on this machine, in one run (``make bench``).

    .venv/bin/python benchmarks/bench_vs_d2l.py [--device cpu] [--skip data,lenet,reference] [--repeats 2]

It measures, recording ``uptime``'s load average beside each measurement:
1. ``data``: reading one epoch of Fashion-MNIST (batch 256): ``dl.load_data_fashion_mnist`` against
   ``d2l.load_data_fashion_mnist`` (torchvision ``FashionMNIST`` + ``ToTensor`` per image, 4 workers);
2. ``lenet``: d2l's LeNet chapter end to end (sigmoid LeNet, batch 256, lr 0.9, ``--lenet-epochs``):
   ``dl.train_ch6`` with our loader and its defaults, against ``d2l.train_ch6`` with d2l's loader, and
   ``d2l.train_ch6`` fed by our loader (to separate the loader from the loop); ``--repeats`` times,
   interleaved, best of each;
3. ``reference``: the speed of the reference courses' own code for every network of chapters 17-22, in
   their own configuration (``reference_runs.py``; the networks are copies of their code in
   ``reference_code.py``): ``d2l.train_ch6`` + ``d2l.load_data_fashion_mnist(batch, resize)`` for d2l's
   networks, 刘二大人's lecture loop + a torchvision ``DataLoader`` for his MNIST networks. Examples/s are
   timed between batches (loading included, start-up excluded) over ``--batches`` batches after one
   warm-up batch. Their 10 epochs are **extrapolated** from that rate: nobody trains AlexNet at 224 px for
   10 epochs on a 2-core CPU to time it.
4. Time to accuracy: from each chapter's stored run record (its ``curves=`` history), the wall time our
   lite run needed to reach the reference's figure, beside the reference's extrapolated 10 epochs.

Results go to ``benchmarks/results.json``; ``tools/benchmarks_page.py`` renders them. d2l 1.0.3 is
needed (``make bench`` installs it: ``pip install --no-deps d2l==1.0.3 scipy``). Data come from
``$DLCOURSE_DATA_MIRROR`` (or the cache): a torchvision-format copy is written into a temporary folder, so
nothing is downloaded.
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
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tools")]
import nbrecords  # noqa: E402
import reference_code  # noqa: E402
import time_to_accuracy  # noqa: E402
from reference_runs import REFERENCE_RUNS  # noqa: E402

import dlcourse as dl  # noqa: E402
from dlcourse.data import fetch  # noqa: E402
from dlcourse.data.registry import FILES  # noqa: E402
from dlcourse.speed import default_channels_last, tuned_for  # noqa: E402

IDX = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
TORCHVISION_FOLDER = {"fashion-mnist": "FashionMNIST", "mnist": "MNIST"}


def import_d2l(path: str | None):
    if path:
        sys.path.insert(0, path)
    with contextlib.redirect_stdout(io.StringIO()):
        from d2l import torch as d2l
    return d2l


def make_torchvision_copy(root: Path, dataset: str) -> None:
    """Write the mirror's data set as ``root/<Folder>/raw/*`` so torchvision finds it offline."""
    raw = root / TORCHVISION_FOLDER[dataset] / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in IDX:
        data = fetch.read(FILES[f"{dataset}/{name}.gz"])  # verified and decompressed
        (raw / name).write_bytes(data)
        with gzip.open(raw / f"{name}.gz", "wb", compresslevel=1) as f:
            f.write(data)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def quiet(fn, *args, **kwargs):
    """Call fn, capturing what it prints; return (result, printed text, wall seconds)."""
    buf = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        result = fn(*args, **kwargs)
    return result, buf.getvalue(), time.perf_counter() - start


class Timed:
    """The first ``n`` batches of a loader, with the time at which each was handed out.

    ``len()`` is the whole loader's, so that d2l's ``train_ch6`` plots at its real cadence (every fifth of an
    epoch, so not within the timed batches) instead of after every one of a handful of batches."""

    def __init__(self, loader, n):
        self.loader, self.n, self.stamps = loader, n, []

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        self.stamps = []
        for i, batch in enumerate(self.loader):
            if i >= self.n:
                return
            self.stamps.append(time.perf_counter())
            yield batch

    def rate(self, batch_size: int, skip: int = 1) -> float:
        """Examples per second between batch ``skip`` and the last one (warm-up and start-up left out)."""
        s = self.stamps[skip:]
        return (len(s) - 1) * batch_size / (s[-1] - s[0])


# ---- 1. data -----------------------------------------------------------------------------------------------
def epoch_read(loader) -> tuple[int, float]:
    start, n = time.perf_counter(), 0
    for _X, y in loader:
        n += len(y)
    return n, time.perf_counter() - start


def bench_data(d2l, batch_size=256) -> dict:
    start_load = load()
    (ours, _), _, t_build_ours = quiet(dl.load_data_fashion_mnist, batch_size)
    with tuned_for("cpu"):  # the thread policy dl.train_ch6 applies while it reads batches
        n, t_ours = epoch_read(ours)
        threads = torch.get_num_threads()
    (theirs, _), _, t_build_d2l = quiet(d2l.load_data_fashion_mnist, batch_size)
    n2, t_d2l = epoch_read(theirs)
    assert n == n2 == 60000, (n, n2)
    return {"examples": n, "ours_s": round(t_ours, 3), "d2l_s": round(t_d2l, 3),
            "ours_ex_per_s": round(n / t_ours), "d2l_ex_per_s": round(n / t_d2l),
            "ratio": round(t_d2l / t_ours, 1), "build_ours_s": round(t_build_ours, 2),
            "build_d2l_s": round(t_build_d2l, 2), "load": start_load, "ours_threads": threads}


# ---- 2. LeNet end to end -----------------------------------------------------------------------------------
def d2l_printed(text: str, what: str):
    """A figure from the lines both train_ch6 print: the speed, the test accuracy, or the device it ran on."""
    pattern = {"speed": r"([\d.]+) examples/sec", "test_acc": r"test acc ([\d.]+)", "on": r"examples/sec on (.*)"}
    m = re.search(pattern[what], text)
    return (m.group(1).strip() if what == "on" else float(m.group(1))) if m else None


def bench_lenet(d2l, device, epochs: int, repeats: int) -> dict:
    """d2l's LeNet chapter: dl.train_ch6 + our loader vs d2l.train_ch6 + d2l's loader (+ d2l's loop, our loader)."""
    res = {"model": "d2l's LeNet (sigmoid, avg pool), Fashion-MNIST 28 px", "batch_size": 256, "lr": 0.9,
           "epochs": epochs, "repeats": repeats, "loads": []}
    ours_train, ours_test = dl.load_data_fashion_mnist(256, device=device)
    d_train, d_test = quiet(d2l.load_data_fashion_mnist, 256)[0]
    runs = {
        "ours": (dl.train_ch6, ours_train, ours_test),
        "d2l": (d2l.train_ch6, d_train, d_test),
        "d2l_loop_our_loader": (d2l.train_ch6, ours_train, ours_test),
    }
    for _ in range(repeats):
        res["loads"].append(load())
        for key, (trainer, tr, te) in runs.items():
            torch.manual_seed(0)
            net = reference_code.d2l_lenet()
            result, text, wall = quiet(trainer, net, tr, te, epochs, 0.9, device)
            speed = 60000 * epochs / wall  # wall clock: training and the test passes, loading included
            if speed > res.get(f"{key}_ex_per_s", 0):
                res[f"{key}_wall_s"] = round(wall, 2)
                res[f"{key}_ex_per_s"] = round(speed, 1)
                res[f"{key}_reported_ex_per_s"] = d2l_printed(text, "speed")
                res[f"{key}_test_acc"] = d2l_printed(text, "test_acc")
                res[f"{key}_on"] = d2l_printed(text, "on")
    res["ratio"] = round(res["ours_ex_per_s"] / res["d2l_ex_per_s"], 2)
    res["ratio_loop_only"] = round(res["ours_ex_per_s"] / res["d2l_loop_our_loader_ex_per_s"], 2)
    res["ours_settings"] = (f"dl.train_ch6 defaults on {res['ours_on']}: channels_last="
                            f"{default_channels_last(device, reference_code.d2l_lenet())}, fp32")
    return res


# ---- 3. the references' own code, per network --------------------------------------------------------------
def liu_train(model, train_loader, optimizer, device):
    """刘二大人's training loop (lecture 9-11), as in the notes: loss.item() every batch, a print every 300."""
    criterion = torch.nn.CrossEntropyLoss()
    running_loss = 0.0
    for batch_idx, data in enumerate(train_loader, 0):
        inputs, target = data
        inputs, target = inputs.to(device), target.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, target)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if batch_idx % 300 == 299:
            print("[%d, %5d] loss: %.3f" % (1, batch_idx + 1, running_loss / 300))  # noqa: UP031 (his code)
            running_loss = 0.0


def liu_loader(root: Path, batch_size: int):
    """刘二大人's MNIST loader: ToTensor + Normalize((0.1307,), (0.3081,)), shuffled, no worker processes."""
    import torchvision
    from torchvision import transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train_dataset = torchvision.datasets.MNIST(root=str(root), train=True, download=False, transform=transform)
    return torch.utils.data.DataLoader(train_dataset, shuffle=True, batch_size=batch_size)


def reference_speed(name: str, d2l, root: Path, device, batches: int) -> dict:
    """Examples/s of the reference's own code for network ``name``, and its 10 epochs extrapolated."""
    run = REFERENCE_RUNS[name]
    bs = run["batch_size"]
    torch.manual_seed(0)
    net = reference_code.NETWORKS[name]()
    out = {"pipeline": run["pipeline"], "batch_size": bs, "input": run["resize"] or 28, "lr": run["lr"],
           "epochs": run["epochs"], "batches_timed": batches, "load": load()}
    if run["pipeline"] == "d2l":
        train, test = quiet(d2l.load_data_fashion_mnist, bs, resize=run["resize"])[0]
        timed = Timed(train, batches + 1)
        one_test_batch = Timed(test, 1)
        quiet(d2l.train_ch6, net, timed, one_test_batch, 1, run["lr"], device)
        out["code"] = "d2l.train_ch6 + d2l.load_data_fashion_mnist (d2l 1.0.3 package), d2l-zh 2.0 network"
    else:
        timed = Timed(liu_loader(root, bs), batches + 1)
        optimizer = torch.optim.SGD(net.parameters(), lr=run["lr"], momentum=run.get("momentum", 0.0))
        quiet(liu_train, net.to(device), timed, optimizer, device)
        out["code"] = "刘二大人's training loop and MNIST DataLoader (lectures 10-11), copied"
    out["ex_per_s"] = round(timed.rate(bs), 1)
    out["extrapolated_s"] = round(run["epochs"] * 60000 / out["ex_per_s"])
    return out


# ---- 4. time to accuracy (ours from the chapters' run records) ---------------------------------------------
def chapter_records() -> dict:
    records = {}
    for nb in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        rec = nbrecords.run_record(nb)
        if rec:
            records[nb.name[:2]] = {**rec, "notebook": nb.stem}
    return records


# ---- the run -----------------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info = {"platform": platform.platform(), "cpu": cpu, "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(), "python": platform.python_version(), "torch": torch.__version__,
            "load_average_at_start": load()}
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def summary_rows(results: dict) -> dict:
    """The speed table of the benchmarks page: what, ours, d2l (with the configuration each row measures)."""
    rows, notes = [], []
    if "data" in results:
        r = results["data"]
        rows.append({"what": "Fashion-MNIST, one epoch read, batch 256 (d2l: its torchvision loader, 4 workers)",
                     "ours": r["ours_ex_per_s"], "d2l": r["d2l_ex_per_s"], "unit": "ex/s", "load": r["load"]})
    if "lenet" in results:
        r = results["lenet"]
        what = (f"d2l's LeNet chapter (sigmoid, batch 256, lr 0.9, 28 px), {r['epochs']} epoch(s), each with its "
                f"own loader, wall clock; ours: {r['ours_settings']}")
        rows.append({"what": what, "ours": r["ours_ex_per_s"], "d2l": r["d2l_ex_per_s"], "unit": "ex/s",
                     "load": r["loads"]})
        rows.append({"what": "the same, d2l's loop fed by our loader (the training loops alone)",
                     "ours": r["ours_ex_per_s"], "d2l": r["d2l_loop_our_loader_ex_per_s"], "unit": "ex/s",
                     "load": r["loads"]})
        notes.append(f"d2l's train_ch6 prints {r['d2l_reported_ex_per_s']} ex/s for its LeNet run: its timer stops "
                     "while the DataLoader fetches the next batch, so its printed figure leaves the loader out.")
    m = results["machine"]
    machine_text = (f"{m['cpu']} ({m['cpu_count']} cores; torch {m['torch']}, {m['torch_threads']} threads; "
                    f"device {results['device']}; load average {m['load_average_at_start']} at the start)")
    return {"machine": machine_text, "script": "benchmarks/bench_vs_d2l.py (make bench)", "rows": rows,
            "notes": notes}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default=None, help="cpu or cuda (default: dl.try_gpu())")
    parser.add_argument("--d2l-path", default=os.environ.get("D2L_PATH"), help="folder holding the d2l package")
    parser.add_argument("--lenet-epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2, help="LeNet comparison rounds (best of each counts)")
    parser.add_argument("--batches", type=int, default=5, help="batches timed per reference network (>= 5)")
    parser.add_argument("--networks", default=",".join(REFERENCE_RUNS), help="comma-separated reference runs")
    parser.add_argument("--skip", default="", help="parts to skip: data,lenet,reference")
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
        for dataset in TORCHVISION_FOLDER:
            make_torchvision_copy(root, dataset)
        work = Path(tmp) / "work"
        work.mkdir()
        cwd = os.getcwd()
        os.chdir(work)  # d2l reads from ../data
        try:
            run_parts(args, d2l, root, device, results)
        finally:
            os.chdir(cwd)
    results["time_to_accuracy"] = time_to_accuracy.table(chapter_records(), results.get("reference", {}))
    results["machine"]["load_average_at_end"] = load()
    results["machine_details"] = results["machine"]
    results.update(summary_rows(results))  # "machine" becomes the one-line text the page shows
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return 0


def run_parts(args, d2l, root: Path, device, results: dict) -> None:
    skip = set(filter(None, args.skip.split(",")))
    if "data" not in skip:
        results["data"] = r = bench_data(d2l)
        print(f"[data] one epoch of Fashion-MNIST, batch 256: ours {r['ours_ex_per_s']:,} ex/s, "
              f"d2l {r['d2l_ex_per_s']:,} ex/s -> {r['ratio']}x (load {r['load']})", flush=True)
    if "lenet" not in skip:
        results["lenet"] = r = bench_lenet(d2l, device, args.lenet_epochs, args.repeats)
        print(f"[lenet] {args.lenet_epochs} epoch(s) on {device}: ours {r['ours_ex_per_s']:,} ex/s, "
              f"d2l {r['d2l_ex_per_s']:,} ex/s -> {r['ratio']}x (d2l's loop with our loader: "
              f"{r['d2l_loop_our_loader_ex_per_s']:,} ex/s; d2l prints {r['d2l_reported_ex_per_s']} ex/s, "
              f"timing compute only; loads {r['loads']})", flush=True)
    if "reference" not in skip:
        results["reference"] = {}
        for name in filter(None, args.networks.split(",")):
            r = results["reference"][name] = reference_speed(name, d2l, root, device, args.batches)
            print(f"[reference] {name:16s} {r['pipeline']:4s} input {r['input']:3d}, batch {r['batch_size']:3d}: "
                  f"{r['ex_per_s']:8.1f} ex/s -> 10 epochs ~ {r['extrapolated_s']:,} s (load {r['load']})",
                  flush=True)



if __name__ == "__main__":
    sys.exit(main())

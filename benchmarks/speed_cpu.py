"""Which training settings are fastest on this CPU, per network: measured, in one run, by ratio.

    nice -n 5 .venv/bin/python benchmarks/speed_cpu.py [--rounds 3] [--nets lenet,vgg,inception,googlenet]

For each network it trains ``dl.train_ch6`` on Fashion-MNIST for a fixed number of batches with each variant:
memory layout (contiguous / channels-last) × intra-op threads (1 / all cores), bf16 autocast on the CPU, and
``torch.compile`` (compile time and steady speed, with the lite run it would have to pay back within). The
variants run interleaved, ``--rounds`` times, and the best of the rounds counts, so a neighbour's burst of load
does not pick the winner. Each variant gets two figures: wall-clock examples/s, and examples per CPU second
(``time.process_time``), which a busy machine barely changes for one thread, so the one-thread variants can be
compared even when other jobs share the cores; the thread count itself needs a quiet machine. ``uptime``'s
load average is recorded with each round. Results go to ``benchmarks/speed_cpu.json``; ``dlcourse/speed.py``
documents the defaults chosen from them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DLCOURSE_HEADLESS", "1")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import torch  # noqa: E402
from torch import nn  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import reference_code as ref  # noqa: E402

import dlcourse as dl  # noqa: E402


def lenet():
    return ref.d2l_lenet()


def vgg_small():
    """VGG-11 with channels / 8 for 32×32 input (the shape of a lite VGG): 5 VGG blocks, then 64 → 512 → 10."""
    arch = [(n, c // 8) for n, c in ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))]
    blocks, c_in = [], 1
    for n, c in arch:
        blocks.append(ref.vgg_block(n, c_in, c))
        c_in = c
    return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(c_in, 512), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10))


NETS = {  # name -> (constructor, input size, batch size, batches per measurement)
    "lenet": (lenet, 28, 256, 40),
    "vgg": (vgg_small, 32, 64, 30),
    "inception": (ref.LiuInceptionNet, 28, 64, 40),
    "googlenet": (ref.d2l_googlenet, 32, 64, 6),
}


class Limited:
    """The first ``n`` batches of a loader."""

    def __init__(self, loader, n):
        self.loader, self.n = loader, n

    def __len__(self):
        return min(self.n, len(self.loader))

    def __iter__(self):
        for i, batch in enumerate(self.loader):
            if i >= self.n:
                return
            yield batch


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def train(net, loaders, **kwargs) -> tuple[float, float, float]:
    """One epoch of ``dl.train_ch6``: (examples/s as it reports, wall seconds, CPU seconds)."""
    train_iter, test_iter = loaders
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        m = dl.train_ch6(net, train_iter, test_iter, 1, 0.05, "cpu", init=False, **kwargs)
    return m["examples_per_sec"], time.perf_counter() - wall, time.process_time() - cpu


VARIANTS = {  # name -> (threads: None = all cores, train_ch6 keywords)
    "contiguous, 1 thread": (1, dict(channels_last=False)),
    "channels-last, 1 thread": (1, dict(channels_last=True)),
    "channels-last + bf16, 1 thread": (1, dict(channels_last=True, amp="bf16")),
    "contiguous, all threads": (None, dict(channels_last=False)),
    "channels-last, all threads": (None, dict(channels_last=True)),
    "channels-last + bf16, all threads": (None, dict(channels_last=True, amp="bf16")),
}
BASE = "contiguous, 1 thread"


def measure_net(name: str, rounds: int, cores: int) -> dict:
    make, size, bs, n_batches = NETS[name]
    train_iter, test_iter = dl.load_data_fashion_mnist(bs, resize=size if size != 28 else None,
                                                       n_train=bs * n_batches, n_test=bs)
    loaders = (Limited(train_iter, n_batches), test_iter)
    dl.set_seed(0)
    net = make()
    state = {k: v.clone() for k, v in net.state_dict().items()}
    out = {"input": size, "batch_size": bs, "batches": n_batches, "variants": {}, "loads": []}
    for threads, kw in VARIANTS.values():  # warm-up: oneDNN builds its kernels on first use
        torch.set_num_threads(threads or cores)
        train(net, loaders, **kw)
    for _ in range(rounds):
        out["loads"].append(load())
        for vname, (threads, kw) in VARIANTS.items():
            torch.set_num_threads(threads or cores)
            net.load_state_dict(state)
            speed, wall, cpu = train(net, loaders, **kw)
            best = out["variants"].setdefault(vname, {"ex_per_s": 0.0, "ex_per_cpu_s": 0.0})
            best["ex_per_s"] = max(best["ex_per_s"], round(speed, 1))
            best["ex_per_cpu_s"] = max(best["ex_per_cpu_s"], round(bs * n_batches / cpu, 1))
    torch.set_num_threads(cores)
    base = out["variants"][BASE]
    for v in out["variants"].values():
        v["wall_ratio"] = round(v["ex_per_s"] / base["ex_per_s"], 2)
        v["cpu_ratio"] = round(v["ex_per_cpu_s"] / base["ex_per_cpu_s"], 2)
    out["compile"] = measure_compile(make, state, loaders, bs * n_batches)
    return out


def measure_compile(make, state, loaders, n_examples) -> dict:
    """torch.compile on one thread: wall seconds its first epoch spends compiling (the load is recorded beside
    it), and its steady speed against eager, per CPU second."""
    try:
        net = make()
        net.load_state_dict(state)
        torch.set_num_threads(1)  # compared by CPU time on one thread, robust to a busy machine
        compiled = torch.compile(net)
        load_before = load()
        _, first_wall, _ = train(compiled, loaders, channels_last=True)
        steady = max(n_examples / train(compiled, loaders, channels_last=True)[2] for _ in range(2))
        eager = max(n_examples / train(net, loaders, channels_last=True)[2] for _ in range(2))
    except Exception as e:  # noqa: BLE001 - a missing compiler is a result, not a crash
        return {"error": f"{type(e).__name__}: {e}"[:300]}
    finally:
        torch.set_num_threads(os.cpu_count() or 1)
    gain = 1 / eager - 1 / steady  # CPU seconds saved per example once compiled
    overhead = first_wall - n_examples / steady
    return {"first_epoch_wall_s": round(first_wall, 1), "compile_overhead_s": round(overhead, 1),
            "load": load_before, "steady_ex_per_cpu_s": round(steady, 1), "eager_ex_per_cpu_s": round(eager, 1),
            "speedup": round(steady / eager, 2),
            "pays_back_after_examples": round(overhead / gain) if gain > 0 else None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nets", default=",".join(NETS))
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--out", default=str(HERE / "speed_cpu.json"))
    args = parser.parse_args(argv)
    if args.no_compile:
        globals()["measure_compile"] = lambda *a: {"skipped": True}
    cores = os.cpu_count() or 1
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu_count": cores,
               "torch": torch.__version__, "load_at_start": load(), "nets": {}}
    for name in filter(None, args.nets.split(",")):
        r = results["nets"][name] = measure_net(name, args.rounds, cores)
        print(f"[{name}] loads {r['loads']}", flush=True)
        for vname, v in r["variants"].items():
            print(f"  {vname:34s} wall {v['ex_per_s']:8.1f} ex/s ({v['wall_ratio']:.2f}x)   per CPU second "
                  f"{v['ex_per_cpu_s']:8.1f} ex ({v['cpu_ratio']:.2f}x)", flush=True)
        print(f"  torch.compile: {r['compile']}", flush=True)
    results["load_at_end"] = load()
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

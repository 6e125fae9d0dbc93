"""Checks for chapter 15, builders' guide and GPUs."""

import os
import tempfile

import torch
from torch import nn

from . import exercise, expect_equal, expect_int, expect_tensor, fail
from .probes import call, need_callable, need_class, run


@exercise("15.1", points=1, title="parameters of nested, shared blocks")
def _(n):
    expect_int(n, 94, what="a count",
               mistakes=[(170, "you counted the shared block twice: model.parameters() lists a shared parameter "
                               "once")],
               hint="a block used twice is one set of parameters")


def _layer_inputs(d):
    g = torch.Generator().manual_seed(d.seed(default=15))
    units = d.integer(2, 6, default=3)
    return {"_units": units, "_x": torch.randn(4, units, generator=g), "_scale": torch.randn(units, generator=g),
            "_shift": torch.randn(units, generator=g)}


def _probe_152(answer, p):
    cls = need_class(answer, nn.Module, "your layer class `ScaleShift`")
    layer = cls(p._units)
    params = dict(layer.named_parameters())
    if set(params) != {"scale", "shift"}:
        fail(f"the layer's parameters are {sorted(params)}; keep the two nn.Parameters `scale` and `shift` of "
             "__init__")
    with torch.no_grad():
        layer.scale.copy_(p._scale)
        layer.shift.copy_(p._shift)
    return run(layer, p._x)


@exercise("15.2", points=2, title="a custom ScaleShift layer", params=_layer_inputs, probe=_probe_152,
          wants="your layer class `ScaleShift` itself")
def _(out, p):
    expect_tensor(out, shape=tuple(p._x.shape), values=p._x * p._scale + p._shift, atol=1e-5,
                  mistakes=[(p._x * p._scale, "the output ignores `shift`"),
                            (p._x + p._shift, "the output ignores `scale`")],
                  hint="forward uses both learnable parameters, element by element along the last dimension")


@exercise("15.3", points=1, title="the keys of a state_dict")
def _(keys):
    if not isinstance(keys, (list, tuple)):
        fail(f"expected a list of strings, got {type(keys).__name__}")
    expect_equal(list(keys), ["0.weight", "0.bias", "2.weight", "2.bias"],
                 hint="layers are named by their position in the Sequential, and only layers with parameters "
                      "appear")


def _saved_net(d):
    g = torch.Generator().manual_seed(d.seed(default=16))
    return {"_weight": torch.randn(1, 5, generator=g), "_bias": torch.randn(1, generator=g),
            "_x": torch.randn(3, 5, generator=g)}


def _probe_154(answer, p):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        fail("expected the pair of functions (save_params, load_params)")
    save, load = (need_callable(f, "your functions (save_params, load_params)") for f in answer)
    net = nn.Sequential(nn.Linear(5, 1))
    with torch.no_grad():
        net[0].weight.copy_(p._weight)
        net[0].bias.copy_(p._bias)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "checked.params")
        save(net, path)
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            if load(path) is Ellipsis:  # both functions are still the skeleton's
                raise NotImplementedError
            fail("save_params(net, path) wrote no file at `path`")
        with torch.no_grad():
            net[0].weight.zero_()  # so that a load_params that returns the saved net itself is caught
        loaded = call(load, path)
    if not isinstance(loaded, nn.Module):
        fail(f"load_params(path) should return a model, not {type(loaded).__name__}")
    if loaded is net:
        fail("load_params(path) returned the very model that was saved: it must build a new one and load the file")
    return run(loaded, p._x)


@exercise("15.4", points=2, title="save and load a model", params=_saved_net, probe=_probe_154,
          wants="your functions (save_params, load_params) themselves")
def _(out, p):
    expect_tensor(out, shape=(len(p._x), 1), values=p._x @ p._weight.T + p._bias, atol=1e-5,
                  hint="save_params stores net.state_dict() with torch.save; load_params builds a fresh "
                       "nn.Sequential(nn.Linear(5, 1)) and loads the file's state dict into it")


def _values(d):
    return {"numbers": [d.integer(1, 9, default=1), d.integer(1, 9, default=2), d.integer(1, 9, default=3)]}


def _probe_155(t, p):
    from ..devices import try_gpu

    if not isinstance(t, torch.Tensor):
        fail(f"expected your tensor `t` itself, got {type(t).__name__}: the check reads its device")
    return {"values": t.detach().cpu().double().flatten(), "device": t.device.type, "best": try_gpu().type}


@exercise("15.5", points=1, title="the device type", params=_values, probe=_probe_155, probe_all=True,
          wants="your tensor `t` itself")
def _(result, p):
    expect_tensor(result["values"], values=torch.tensor(p.numbers, dtype=torch.float64),
                  hint="make t from the given numbers")
    if result["device"] != result["best"]:
        fail(f"t lives on a '{result['device']}' device, but this machine's best device is another one",
             "create t with device=dl.try_gpu()")

"""What exercise probes use to run a learner's model or function on inputs it was not shown.

A probe runs in the learner's kernel (under the grader: inside the sandbox) and returns data only: tensors
on the CPU, numbers, strings, lists and dicts of them. The check judges that data, there or in the grader.
"""

from __future__ import annotations

import torch
from torch import nn

from .expect import CheckFailed, contains_ellipsis, type_name


def device_of(model) -> torch.device:
    """The device of a module's first parameter or buffer (the CPU for anything else)."""
    if isinstance(model, nn.Module):
        for t in (*model.parameters(), *model.buffers()):
            return t.device
    return torch.device("cpu")


def to_cpu(v):
    if isinstance(v, torch.Tensor):
        return v.detach().cpu()
    if isinstance(v, (list, tuple)):
        return type(v)(to_cpu(x) for x in v)
    if isinstance(v, dict):
        return {k: to_cpu(x) for k, x in v.items()}
    return v


def run(model, *inputs):
    """``model(*inputs)`` without gradients, in evaluation mode, with the inputs on the model's device.

    The module's training mode is restored afterwards; the result comes back on the CPU.
    """
    dev = device_of(model)
    inputs = tuple(x.to(dev) if isinstance(x, torch.Tensor) else x for x in inputs)
    was = model.training if isinstance(model, nn.Module) else None
    if was is not None:
        model.eval()
    try:
        with torch.no_grad():
            return to_cpu(model(*inputs))
    finally:
        if was is not None:
            model.train(was)


def call(f, *args):
    """``f(*args)``; a result that is still the skeleton's ``...`` means "not answered yet"."""
    result = f(*args)
    if contains_ellipsis(result):
        raise NotImplementedError
    return result


def need_module(answer, wants: str) -> nn.Module:
    if not isinstance(answer, nn.Module):
        raise CheckFailed(f"expected {wants} (an nn.Module), got {type_name(answer)}")
    return answer


def need_callable(answer, wants: str):
    if not callable(answer):
        raise CheckFailed(f"expected {wants} (a function), got {type_name(answer)}")
    return answer


def need_class(answer, base: type, wants: str) -> type:
    if isinstance(answer, base):  # an instance: use its class
        answer = type(answer)
    if not (isinstance(answer, type) and issubclass(answer, base)):
        raise CheckFailed(f"expected {wants} (a subclass of {base.__name__}), got {type_name(answer)}")
    return answer


def layers(model: nn.Module) -> list[dict]:
    """The leaf modules of ``model`` in order, each as a dict of its type and its sizes."""
    out = []
    for m in model.modules():
        if list(m.children()):
            continue
        d = {"type": type(m).__name__}
        for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "in_features",
                     "out_features", "input_size", "hidden_size", "num_layers", "bidirectional", "p"):
            v = getattr(m, attr, None)
            if isinstance(v, (int, float, bool, tuple)):
                d[attr] = list(v) if isinstance(v, tuple) else v
        out.append(d)
    return out

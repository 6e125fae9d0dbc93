"""d2l's framework aliases (``d2l.reshape``, ``d2l.reduce_sum``, ``d2l.float32``, …), so code written against the
classic ``d2l`` package (d2l-zh 2.0 / d2l 0.17) runs under ``import dlcourse as d2l``.

In the course's own code, call PyTorch directly (``torch.ones``, ``x.reshape``): these names only exist for
compatibility. They are attributes of ``dlcourse`` but not in its ``__all__`` (``abs`` would shadow a builtin).
"""

import torch
from torch import nn

nn_Module = nn.Module
ones = torch.ones
zeros = torch.zeros
tensor = torch.tensor
arange = torch.arange
meshgrid = torch.meshgrid
sin = torch.sin
sinh = torch.sinh
cos = torch.cos
cosh = torch.cosh
tanh = torch.tanh
linspace = torch.linspace
exp = torch.exp
log = torch.log
normal = torch.normal
rand = torch.rand
matmul = torch.matmul
int32 = torch.int32
float32 = torch.float32
concat = torch.cat
stack = torch.stack
abs = torch.abs
eye = torch.eye


def numpy(x, *args, **kwargs):
    return x.detach().numpy(*args, **kwargs)


def size(x, *args, **kwargs):
    return x.numel(*args, **kwargs)


def reshape(x, *args, **kwargs):
    return x.reshape(*args, **kwargs)


def to(x, *args, **kwargs):
    return x.to(*args, **kwargs)


def reduce_sum(x, *args, **kwargs):
    return x.sum(*args, **kwargs)


def argmax(x, *args, **kwargs):
    return x.argmax(*args, **kwargs)


def astype(x, *args, **kwargs):
    return x.type(*args, **kwargs)


def transpose(x, *args, **kwargs):
    return x.t(*args, **kwargs)


NAMES = [
    "nn_Module",
    "ones", "zeros", "tensor", "arange", "meshgrid", "sin", "sinh", "cos", "cosh", "tanh", "linspace", "exp", "log",
    "normal", "rand", "matmul", "int32", "float32", "concat", "stack", "abs", "eye", "numpy", "size", "reshape", "to",
    "reduce_sum", "argmax", "astype", "transpose",
]

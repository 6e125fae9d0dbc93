"""Checks for chapter 15, builders' guide and GPUs."""


from . import CheckFailed, exercise, expect_equal, expect_int, expect_tensor


@exercise("15.1", points=1, title="parameters of nested, shared blocks")
def _(n):
    expect_int(n, 94, hint="the block is used twice but its parameters count once: (8*4+4) + (4*8+8) + (8*2+2)")


@exercise("15.2", points=2, title="a custom ScaleShift layer")
def _(out):
    expect_tensor(out, shape=(2, 3), values=[[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], atol=1e-6,
                  hint="return X * self.scale + self.shift")


@exercise("15.3", points=1, title="the keys of a state_dict")
def _(keys):
    if not isinstance(keys, (list, tuple)):
        raise CheckFailed(f"expected a list of strings, got {type(keys).__name__}")
    expect_equal(list(keys), ["0.weight", "0.bias", "2.weight", "2.bias"],
                 hint="layers are named by their index in the Sequential; ReLU has no parameters")


@exercise("15.4", points=2, title="save and load a model")
def _(Y):
    expect_tensor(Y, shape=(2, 1), values=[[4.0], [16.5]], atol=1e-5,
                  hint="torch.save(net.state_dict(), path); net2.load_state_dict(torch.load(path, weights_only=True))")


@exercise("15.5", points=1, title="the device type")
def _(kind):
    from ..devices import try_gpu

    expect_equal(kind, try_gpu().type, hint="t.device.type of a tensor created with device=dl.try_gpu()")

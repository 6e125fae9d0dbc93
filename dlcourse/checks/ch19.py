"""Checks for chapter 19, VGG."""

from . import CheckFailed, exercise, expect_equal, expect_pair


@exercise("19.1", points=1, title="receptive fields")
def _(fields):
    if not isinstance(fields, (list, tuple)):
        raise CheckFailed("expected a list of four numbers")
    expect_equal([int(v) for v in fields], [3, 5, 7, 9], hint="n stacked 3x3 layers see 2n + 1 pixels")


@exercise("19.2", points=2, title="three 3x3 against one 7x7")
def _(weights):
    weights = expect_pair(weights, "(three 3x3, one 7x7)")
    expect_equal(tuple(int(v) for v in weights), (27 * 256 * 256, 49 * 256 * 256),
                 hint="a k x k convolution from c to c channels has k*k*c*c weights")


@exercise("19.3", points=2, title="VGG-11/4 on 96x96 images")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"sides", "flat"}:
        raise CheckFailed("expected a dict with keys 'sides' and 'flat'")
    expect_equal([int(v) for v in answer["sides"]], [48, 24, 12, 6, 3],
                 hint="the 3x3 convolutions (padding 1) keep the size, each block's pooling halves it")
    expect_equal(int(answer["flat"]), 128 * 3 * 3, hint="channels × height × width after the last block")


@exercise("19.4", points=2, title="the convolutions' share")
def _(n_conv):
    arch = ((1, 16), (1, 32), (2, 64), (2, 128), (2, 128))
    expected, in_c = 0, 1
    for n, out_c in arch:
        for _ in range(n):
            expected += 9 * in_c * out_c + out_c
            in_c = out_c
    expect_equal(int(n_conv), expected, hint="each Conv2d(i, o, 3) has 9*i*o weights and o biases")

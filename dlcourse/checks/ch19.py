"""Checks for chapter 19, VGG."""

from . import exercise, expect_equal, expect_int, expect_pair, fail


@exercise("19.1", points=1, title="receptive fields")
def _(fields):
    if not isinstance(fields, (list, tuple)):
        fail("expected a list of four numbers")
    expect_equal(fields, [3, 5, 7, 9],
                 hint="each extra 3×3 layer (stride 1) widens what one output pixel sees by one pixel on each side")


@exercise("19.2", points=2, title="three 3x3 against one 7x7")
def _(weights):
    three, one = expect_pair(weights, "(three 3x3, one 7x7)")
    expect_equal([three, one], [27 * 256 * 256, 49 * 256 * 256],
                 hint="a k×k convolution from c to c channels has one k×k kernel per (input, output) channel pair")


@exercise("19.3", points=2, title="VGG-11/4 on 96x96 images")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"sides", "flat"}:
        fail("expected a dict with keys 'sides' and 'flat'")
    expect_equal(answer["sides"], [48, 24, 12, 6, 3],
                 hint="the 3×3 convolutions with padding 1 keep the size; each block's pooling halves it")
    expect_int(answer["flat"], 128 * 3 * 3, label="flat", hint="channels × height × width after the last block")


@exercise("19.4", points=2, title="the convolutions' share")
def _(n_conv):
    arch = ((1, 16), (1, 32), (2, 64), (2, 128), (2, 128))
    expected, in_c = 0, 1
    for n, out_c in arch:
        for _ in range(n):
            expected += 9 * in_c * out_c + out_c
            in_c = out_c
    expect_int(n_conv, expected, what="a count",
               hint="each Conv2d(i, o, 3) has a 3×3 kernel per (input, output) channel pair and a bias per output")

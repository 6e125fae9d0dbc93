"""An instructor's private check (``dlcourse grade --tests tests/submissions/private``): replaces 01.2's."""

from dlcourse.checks import CheckFailed, exercise


@exercise("01.2", points=1, title="a broadcast shape (private check)")
def _(shape):
    if not isinstance(shape, (list, tuple)) or tuple(shape) != (2, 4, 3):
        raise CheckFailed(f"expected the shape (2, 4, 3), got {shape!r}")

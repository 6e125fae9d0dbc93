"""dlcourse: the helper package of the course. ``import dlcourse as dl``.

Names follow d2l where d2l has them, so code from the book's notes carries over.
"""

__version__ = "0.1.0"

from .checks import check, exercise_params  # noqa: E402
from .data import (  # noqa: E402
    FASHION_MNIST_LABELS,
    DataError,
    TensorLoader,
    get_fashion_mnist_labels,
    load_array,
    load_data_fashion_mnist,
    load_data_mnist,
    load_diabetes,
    load_names,
    load_shakespeare,
    load_titanic,
    synthetic_data,
)
from .devices import num_gpus, try_all_gpus, try_gpu  # noqa: E402
from .display import progress  # noqa: E402
from .glue import glue  # noqa: E402
from .plot import Animator, plot, set_figsize, show_images, use_svg_display  # noqa: E402
from .presets import Config, preset, preset_name, set_seed  # noqa: E402
from .record import run_record  # noqa: E402
from .train import (  # noqa: E402
    Accumulator,
    Timer,
    accuracy,
    evaluate_accuracy,
    init_xavier,
    train_ch3,
    train_ch6,
    train_epoch_ch3,
)


def __getattr__(name):
    """Submodules load on first use: ``dl.widgets``, ``dl.checks``, ... without importing them all up front."""
    import importlib

    if name.startswith("_"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"{__name__}.{name}":
            raise AttributeError(f"module 'dlcourse' has no attribute {name!r}") from None
        raise


__all__ = [
    "Accumulator", "Animator", "Config", "DataError", "FASHION_MNIST_LABELS", "TensorLoader", "Timer",
    "accuracy", "check", "evaluate_accuracy", "exercise_params", "get_fashion_mnist_labels", "glue",
    "init_xavier", "load_array",
    "load_data_fashion_mnist", "load_data_mnist", "load_diabetes", "load_names", "load_shakespeare",
    "load_titanic", "num_gpus", "plot", "preset", "preset_name", "progress", "run_record", "set_figsize",
    "set_seed", "show_images", "synthetic_data", "train_ch3", "train_ch6", "train_epoch_ch3",
    "try_all_gpus", "try_gpu", "use_svg_display",
]

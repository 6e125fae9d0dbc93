"""dlcourse: the helper package of the course. ``import dlcourse as dl``.

It is also a drop-in for the classic ``d2l`` package (d2l-zh 2.0 / d2l 0.17) for the chapters this course
covers: ``import dlcourse as d2l`` runs the notes' ``d2l.`` calls with the same signatures and the same
numbers (the README lists exactly which names; ``tests/test_d2l_api.py`` checks them).
"""

from ._version import __version__  # noqa: F401 (re-exported)
from .checks import check, exercise_params  # noqa: E402
from .concept_quiz import quiz  # noqa: E402
from .data import (  # noqa: E402
    FASHION_MNIST_LABELS,
    DataError,
    TensorLoader,
    fashion_mnist_root,
    get_dataloader_workers,
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
from .evaluate import evaluate_accuracy_gpu, evaluate_loss, predict_ch3  # noqa: E402
from .glue import glue  # noqa: E402
from .layers import Residual, corr2d  # noqa: E402
from .linear import linreg, squared_loss  # noqa: E402
from .optim import grad_clipping, sgd  # noqa: E402
from .plot import Animator, plot, set_axes, set_figsize, show_images, use_svg_display  # noqa: E402
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

# Modules that d2l's package exposes as attributes (``d2l.plt.scatter(...)``), imported when first used.
_MODULE_ALIASES = {
    "plt": "matplotlib.pyplot", "np": "numpy", "pd": "pandas", "torch": "torch", "nn": "torch.nn",
    "F": "torch.nn.functional", "torchvision": "torchvision", "transforms": "torchvision.transforms",
}


def __getattr__(name):
    """Submodules load on first use (``dl.widgets``, ``dl.checks``, ...), and so do d2l's module aliases
    (``d2l.plt``) and framework aliases (``d2l.reshape``, see ``dlcourse.aliases``)."""
    import importlib

    if name.startswith("_"):
        raise AttributeError(name)
    if name in _MODULE_ALIASES:
        return importlib.import_module(_MODULE_ALIASES[name])
    aliases = importlib.import_module(f"{__name__}.aliases")
    if name in aliases.NAMES:
        return getattr(aliases, name)
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"{__name__}.{name}":
            raise AttributeError(f"module 'dlcourse' has no attribute {name!r}") from None
        raise


__all__ = [
    "Accumulator", "Animator", "Config", "DataError", "FASHION_MNIST_LABELS", "Residual", "TensorLoader", "Timer",
    "accuracy", "check", "corr2d", "evaluate_accuracy", "evaluate_accuracy_gpu", "evaluate_loss", "exercise_params",
    "fashion_mnist_root", "get_dataloader_workers", "get_fashion_mnist_labels", "glue", "grad_clipping",
    "init_xavier", "linreg", "load_array", "load_data_fashion_mnist", "load_data_mnist", "load_diabetes",
    "load_names", "load_shakespeare", "load_titanic", "num_gpus", "plot", "predict_ch3", "preset", "preset_name",
    "progress", "quiz", "run_record", "set_axes", "set_figsize", "set_seed", "sgd", "show_images", "squared_loss",
    "synthetic_data", "train_ch3", "train_ch6", "train_epoch_ch3", "try_all_gpus", "try_gpu", "use_svg_display",
]

"""Run-size presets (full / lite / smoke) and seeding.

A notebook states its numbers for each preset in one call::

    cfg = dl.preset(full=dict(epochs=10, resize=224), lite=dict(epochs=3, resize=64, n_train=20000),
                    smoke=dict(epochs=1, n_train=1000))

and the preset in force is printed, so a reader always sees which configuration produced the outputs.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from .devices import num_gpus

ENV_PRESET = "DLCOURSE_PRESET"
PRESETS = ("full", "lite", "smoke")
_DESCRIPTIONS = {
    "full": "the configuration of the notes, meant for a GPU",
    "lite": "a smaller real run that fits a laptop CPU",
    "smoke": "a tiny run for automated tests; its numbers are not meaningful",
}


def preset_name() -> str:
    """The preset in force: ``$DLCOURSE_PRESET`` if set, else ``full`` with a GPU and ``lite`` without."""
    name = os.environ.get(ENV_PRESET, "").strip().lower()
    if not name:
        return "full" if num_gpus() > 0 else "lite"
    if name not in PRESETS:
        raise ValueError(f"{ENV_PRESET}={name!r} is not a preset; choose one of {', '.join(PRESETS)}")
    return name


def _why(name: str) -> str:
    if os.environ.get(ENV_PRESET):
        return f"{ENV_PRESET}={name}"
    return "a GPU was found" if name == "full" else "no GPU found"


class Config(dict):
    """The chosen preset's settings; read them as ``cfg.epochs`` or ``cfg["epochs"]``."""

    def __init__(self, name: str, values: dict):
        super().__init__(values)
        self.name = name

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"preset {self.name!r} has no setting {key!r}") from None


def preset(*, full: dict, lite: dict, smoke: dict, verbose: bool = True) -> Config:
    """Choose this notebook's settings for the preset in force, and print which preset that is."""
    name = preset_name()
    cfg = Config(name, {"full": full, "lite": lite, "smoke": smoke}[name])
    if verbose:
        settings = ", ".join(f"{k}={v}" for k, v in cfg.items())
        print(f"Preset: {name} ({_why(name)}): {_DESCRIPTIONS[name]}.")
        if settings:
            print(f"  {settings}")
        if name != "full":
            print(f"  For the notes' full configuration, set {ENV_PRESET}=full (a GPU is advised).")
    _state["preset"] = name
    _state["settings"] = dict(cfg)
    return cfg


_state: dict = {}


def current_settings() -> dict:
    """The settings of the preset the notebook chose with ``preset()`` (empty if it did not call it)."""
    return dict(_state.get("settings", {}))


def current_preset() -> str:
    """The preset the notebook chose with ``preset()``, or the one in force if it did not call it."""
    return _state.get("preset") or preset_name()


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch (CPU and every GPU) so a run can be repeated."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

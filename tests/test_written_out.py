"""Every helper the package provides under a d2l name is first written out in the chapter that teaches it
(marked ``#@save`` on its definition line, as d2l does), and the chapter's version behaves like ``dl.``'s.

The chapters' ``#@save`` definitions are executed in chapter order into one namespace (as d2l's build
collects them into its package), then each is run through the same probe as the package's version.
"""

import ast
import json
import math
import os
import random
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from d2l_probes import NAMES, PROBES, WRITTEN_IN, assert_same, fashion_mnist_in_data_dir
from IPython import display
from matplotlib_inline import backend_inline
from torch import nn
from torch.nn import functional as F
from torch.utils import data
from torchvision import transforms

import dlcourse

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def saved_definitions(notebook: Path) -> dict[str, str]:
    """name -> source of each top-level def/class whose first line ends with ``#@save``."""
    found = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "#@save" not in source:
            continue
        lines = source.splitlines()
        # cell magics and shell escapes are not Python
        tree = ast.parse("\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                header = lines[node.lineno - 1]
                if "#@save" in header:
                    found[node.name] = "\n".join(lines[first - 1:node.end_lineno])
    return found


def chapter_definitions():
    """(chapter number, name, source) for every ``#@save`` definition, in chapter order."""
    return [(nb.name[:2], name, src) for nb in CHAPTERS for name, src in saved_definitions(nb).items()]


@pytest.fixture(scope="module")
def written_out():
    """The chapters' ``#@save`` definitions, executed in order into one namespace, as the book builds them."""
    namespace = {"torch": torch, "nn": nn, "F": F, "np": np, "plt": dlcourse.plt, "math": math, "time": time,
                 "random": random, "os": os, "data": data, "display": display, "backend_inline": backend_inline,
                 "torchvision": torchvision, "transforms": transforms, "dl": dlcourse, "d2l": dlcourse}
    for _, _, src in chapter_definitions():
        exec(compile(src, "<chapter>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", NAMES)
def test_written_out_in_its_chapter(name):
    chapters = WRITTEN_IN[name].split()
    where = [ch for ch, n, _ in chapter_definitions() if n == name]
    assert where, f"{name} is never written out with #@save (expected in chapter {' or '.join(chapters)})"
    assert where[0] in chapters, f"{name} is first written out in chapter {where[0]}, not {WRITTEN_IN[name]}"


@pytest.mark.parametrize("name", NAMES)
def test_chapter_version_behaves_like_the_package(written_out, name, real_mirror, tmp_path):
    if name not in written_out:
        pytest.skip(f"{name} is not written out (see test_written_out_in_its_chapter)")
    if name == "load_data_fashion_mnist":
        with fashion_mnist_in_data_dir(tmp_path, real_mirror):
            chapter = PROBES[name](written_out[name])
    else:
        chapter = PROBES[name](written_out[name])
    assert_same(chapter, PROBES[name](getattr(dlcourse, name)), atol=1e-5)


def test_every_saved_definition_is_in_the_package():
    missing = sorted({n for _, n, _ in chapter_definitions()} - set(dir(dlcourse)))
    assert not missing, f"#@save definitions the package lacks: {missing}"

"""dl.glue writes exactly what myst_nb.glue writes, so Jupyter Book can paste the value into the text."""

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import dlcourse as dl


def _outputs(fn, *args, **kwargs):
    InteractiveShell.instance()
    with capture_output() as cap:
        fn(*args, **kwargs)
    return [(o.data, o.metadata) for o in cap.outputs]


@pytest.mark.parametrize("value", [0.8734, 3, "text", [1, 2]])
@pytest.mark.parametrize("display", [False, True])
def test_glue_matches_myst_nb(value, display):
    myst_glue = pytest.importorskip("myst_nb").glue
    assert _outputs(dl.glue, "k", value, display=display) == _outputs(myst_glue, "k", value, display=display)


def test_glue_hides_the_value_by_default():
    (data, meta), = _outputs(dl.glue, "acc", 0.5)
    assert meta["scrapbook"] == {"name": "acc", "mime_prefix": "application/papermill.record/"}
    assert data == {"application/papermill.record/text/plain": "0.5"}

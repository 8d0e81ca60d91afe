"""The book's figures (chapters/*/figures/*.py), drawn as the plot directive draws them: no label
written into a panel overlaps that panel's legend or another label, so every word can be read."""

from __future__ import annotations

import runpy
from itertools import combinations
from pathlib import Path

import matplotlib
import pytest

from helpers import ROOT

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # after the backend is chosen

FIGURES = sorted((ROOT / "chapters").glob("*/figures/*.py"))


def draw(script: Path) -> plt.Figure:
    """The figure of one script, with the book's plot_rcparams and plot_pre_code (conf.py)."""
    conf = runpy.run_path(str(ROOT / "conf.py"))
    plt.close("all")
    plt.rcdefaults()
    plt.rcParams.update(conf["plot_rcparams"])
    namespace: dict = {}
    exec(conf["plot_pre_code"], namespace)
    runpy.run_path(str(script), init_globals=namespace)
    figure = plt.gcf()
    figure.canvas.draw()
    return figure


@pytest.mark.parametrize("script", FIGURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_label_hides_under_a_legend_or_another_label(script: Path):
    figure = draw(script)
    renderer = figure.canvas.get_renderer()
    problems = []
    for number, axes in enumerate(figure.axes, start=1):
        labels = [(text.get_text(), text.get_window_extent(renderer)) for text in axes.texts if text.get_visible() and text.get_text()]
        legend = axes.get_legend()
        if legend is not None:
            frame = legend.get_window_extent(renderer)
            problems += [f"panel {number}: {name!r} under the legend" for name, box in labels if box.overlaps(frame)]
        problems += [f"panel {number}: {a!r} overlaps {b!r}" for (a, box_a), (b, box_b) in combinations(labels, 2) if box_a.overlaps(box_b)]
    plt.close("all")
    assert not problems, "\n".join(problems)

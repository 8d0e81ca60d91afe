"""The book's figures (chapters/*/figures/*.py), drawn as the plot directive draws them: no label
written into a panel overlaps that panel's legend or another label, so every word can be read,
and no scattered data point falls outside its panel's axes, so the reader sees every sample."""

from __future__ import annotations

import runpy
from itertools import combinations
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PathCollection

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


@pytest.mark.parametrize("script", FIGURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_scattered_point_is_inside_its_panel(script: Path):
    figure = draw(script)
    problems = []
    for number, axes in enumerate(figure.axes, start=1):
        (x0, x1), (y0, y1) = sorted(axes.get_xlim()), sorted(axes.get_ylim())
        for points in axes.collections:
            if not isinstance(points, PathCollection):
                continue  # contours and other filled areas are clipped on purpose
            xy = np.asarray(points.get_offsets(), dtype=float)
            outside = (xy[:, 0] < x0) | (xy[:, 0] > x1) | (xy[:, 1] < y0) | (xy[:, 1] > y1)
            if outside.any():
                problems.append(f"panel {number}: {int(outside.sum())} of {len(xy)} points of {points.get_label()!r} outside the axes")
    plt.close("all")
    assert not problems, "\n".join(problems)

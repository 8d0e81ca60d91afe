"""Figure of chapter 5: an inverted-dropout mask, and the variance it adds as the drop rate grows."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.dropout import BERT_SELECT, MAE_MASK_RATIO, inverted_dropout, scaled_mask_moments

rng = np.random.default_rng(2021)
fig, (left, right) = plt.subplots(2, 1, figsize=(3.5, 6.2), gridspec_kw={"height_ratios": [1.1, 1]})

# Top: one mask applied to an all-ones 6 x 12 activation, p = 0.3.
p_demo = 0.3
grid = inverted_dropout(np.ones((6, 12)), p_demo, rng)
image = left.imshow(grid, cmap="Blues", vmin=0, vmax=1 / (1 - p_demo) * 1.15)
left.set_xticks([])
left.set_yticks([])
# The cells carry no numbers: at a phone's column width "1.43" would not fit a cell legibly.
left.set_title(f"p = {p_demo}：丢弃的位置为0（白），\n保留的位置乘以1/(1−p) ≈ {1 / (1 - p_demo):.2f}（深蓝）", fontsize=9.5)
left.set_xlabel(f"这一次的平均值：{grid.mean():.3f}（期望为1）", fontsize=9.5)

# Bottom: variance factor p/(1-p) of m/(1-p), exact and by sampling.
ps = np.linspace(0.0, 0.8, 200)
right.plot(ps, [scaled_mask_moments(p)[1] for p in ps], color="C0", label="理论值p/(1−p)")
p_mc = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
v_mc = [inverted_dropout(np.ones(20_000), p, rng).var() for p in p_mc]
right.plot(p_mc, v_mc, "o", color="C1", markersize=4, label="抽样估计（20000个单元）")
# Reference points only: MLM does not rescale, MAE only implicitly (softmax), so p/(1-p) is not their noise variance.
# Each label beside its dotted line, at a height clear of the legend, the curve and the dots.
for p, name, height, side in ((BERT_SELECT, "p=0.15（BERT的选取比例）", 2.0, "left"), (MAE_MASK_RATIO, "p=0.75（MAE的遮挡比例）", 3.2, "right")):
    right.axvline(p, color="0.6", linestyle=":", linewidth=1)
    right.annotate(name, (p, height), xytext=(4 if side == "left" else -4, 0), textcoords="offset points", ha=side, va="center", fontsize=8.5)
right.set_xlabel("丢弃概率p")
right.set_ylabel("输出方差/h²")
right.set_title("反向缩放后均值不变，方差随p增大", fontsize=9.5)
right.legend(fontsize=8.5, loc="upper left")  # the empty corner; the labels stay below it (tests/test_figure_layout.py)
fig.tight_layout()

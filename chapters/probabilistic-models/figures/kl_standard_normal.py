"""Figure of chapter 2: KL(N(mu, sigma^2) || N(0, 1)) against the mean and against the variance."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.gaussian import kl_to_standard_normal

np.random.seed(0)  # nothing random below; fixed for the book's rule
fig, (left, right) = plt.subplots(2, 1, figsize=(3.5, 6.2))

mu = np.linspace(-3, 3, 400)
# Curves come in near-coincident pairs (0.1 with 4, 0.5 with 2): a line style each, not colour alone.
styles = (":", "--", "-", "-.", (0, (5, 1, 1, 1, 1, 1)))
for var, colour, style in zip((0.1, 0.5, 1.0, 2.0, 4.0), plt.cm.viridis(np.linspace(0, 0.85, 5)), styles):
    left.plot(mu, kl_to_standard_normal(mu, var), color=colour, linestyle=style, linewidth=1.8 if var == 1.0 else 1.2, label=f"σ²={var:g}")
left.set_xlabel("均值μ")
left.set_ylabel("KL(N(μ,σ²) ‖ N(0,1))")
left.set_title("固定方差，改变均值", fontsize=9.5)
left.set_ylim(0, 5)
left.legend(fontsize=8.5)

var = np.logspace(-2, np.log10(8), 400)
for m, colour in zip((0.0, 0.5, 1.0, 2.0), plt.cm.plasma(np.linspace(0, 0.8, 4))):
    right.plot(var, kl_to_standard_normal(m, var), color=colour, label=f"μ={m:g}")
right.axvline(1.0, color="0.5", linestyle=":", linewidth=1)
right.set_xscale("log")
right.set_xlabel("方差σ²（对数坐标）")
right.set_ylabel("KL")
right.set_title("固定均值，改变方差：σ²=1处最小", fontsize=9.5)
right.set_ylim(0, 5)
right.legend(fontsize=8.5)
fig.tight_layout()

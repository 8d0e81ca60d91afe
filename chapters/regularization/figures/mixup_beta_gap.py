"""Figure of chapter 4: left, the law Beta(alpha, alpha) of the mixing weight (densities, and a
fixed-seed sample for the chapter's alpha); right, a model that fits two samples exactly but bends
away from the straight line mixup asks for between them (the chord gap)."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.mixup import ALPHA_SMALL, bent_model, beta_pdf, chord_gap, mix, sample_lambda

rng = np.random.default_rng(0)
fig, (left, right) = plt.subplots(2, 1, figsize=(3.5, 6.2))

# Top: Beta(alpha, alpha) densities and a sample.
lam = np.linspace(0.002, 0.998, 500)
draws = sample_lambda(rng, ALPHA_SMALL, 20_000)
left.hist(draws, bins=40, range=(0, 1), density=True, color="0.85", label=f"抽样，α={ALPHA_SMALL:g}")
for alpha, colour in zip((0.1, ALPHA_SMALL, 0.4, 1.0, 2.0), plt.cm.viridis(np.linspace(0, 0.85, 5))):
    left.plot(lam, beta_pdf(lam, alpha), color=colour, label=f"α={alpha:g}")
left.set_ylim(0, 4)
left.set_xlabel("混合权重λ")
left.set_ylabel("概率密度")
left.set_title("λ ~ Beta(α, α)", fontsize=9.5)
left.legend(fontsize=8.5, loc="upper center")

# Bottom: two samples with labels 0 and 1, a model that fits both, and the mixed targets.
x_i, y_i, x_j, y_j = 1.0, 1.0, -1.0, 0.0


weights = np.linspace(0.0, 1.0, 200)
x_mixed = mix(x_i, x_j, weights)
right.plot(x_mixed, mix(y_i, y_j, weights), color="C0", label=r"混合标签$\tilde{y}=\lambda y_i+(1-\lambda)y_j$")
right.plot(x_mixed, bent_model(x_mixed), color="C3", label=r"在两个样本上都拟合完好的模型$f$")
right.fill_between(x_mixed, mix(y_i, y_j, weights), mix(y_i, y_j, weights) + chord_gap(bent_model, x_i, x_j, weights), color="C3", alpha=0.15, label=r"偏离弦的部分$g(\lambda)$")
right.plot([x_j, x_i], [y_j, y_i], "ko")
right.annotate("样本j，y=0", (x_j, y_j), xytext=(6, -4), textcoords="offset points", fontsize=8.5)
right.annotate("样本i，y=1", (x_i, y_i), xytext=(-58, -12), textcoords="offset points", fontsize=8.5)
right.set_xlabel(r"输入$\tilde{x}=\lambda x_i+(1-\lambda)x_j$")
right.set_ylabel("输出与标签")
right.set_title("mixup惩罚的是样本之间的弯曲", fontsize=9.5)
right.set_ylim(-0.1, 1.75)  # room for the legend above the curves
right.legend(fontsize=8.5, loc="upper left")
fig.tight_layout()

"""Figure of chapter 3: cross entropy, its hard and softened truncations and focal loss, as
functions of the probability p of the true class; left the losses, right |dL/dz|."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.focal import (
    MARGIN,
    SOFT_K,
    cross_entropy,
    cross_entropy_grad,
    focal,
    focal_grad,
    hard_truncated,
    soft_truncated,
    soft_truncated_grad,
)

np.random.seed(0)  # nothing random below; fixed for the book's rule
p = np.linspace(0.005, 0.999, 600)
gammas = (0.5, 1.0, 2.0, 5.0)
blues = plt.cm.Blues(np.linspace(0.45, 0.95, len(gammas)))

fig, (left, right) = plt.subplots(2, 1, figsize=(3.5, 6.2))
left.plot(p, cross_entropy(p), color="black", label="交叉熵 −log p")
left.plot(p, hard_truncated(p), color="C3", linestyle=":", label=f"硬截断（m={MARGIN:g}）")
left.plot(p, soft_truncated(p), color="C1", linestyle="--", label=f"软化截断（K={SOFT_K:g}）")
for gamma, colour in zip(gammas, blues):
    left.plot(p, focal(p, gamma), color=colour, label=f"focal loss，γ={gamma:g}")
left.set_xlabel("真实类别的预测概率p")
left.set_ylabel("单个样本的损失")
left.set_ylim(0, 3)
left.set_title("损失", fontsize=9.5)
left.legend(fontsize=8.5)

right.plot(p, -cross_entropy_grad(p), color="black", label="交叉熵")
right.plot(p, -soft_truncated_grad(p), color="C1", linestyle="--", label=f"软化截断（K={SOFT_K:g}）")
for gamma, colour in zip(gammas, blues):
    right.plot(p, -focal_grad(p, gamma), color=colour, label=f"γ={gamma:g}")
right.set_xlabel("真实类别的预测概率p")
right.set_ylabel("梯度大小−∂L/∂$z_t$")
right.set_title("对真实类别logit $z_t$的梯度", fontsize=9.5)
right.set_ylim(bottom=0)
right.legend(fontsize=8.5)
fig.tight_layout()

"""Figure of chapter 7: the Gaussian information bottleneck, its information plane and the
phase transition at the critical beta."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.ib import (
    BETA_EXAMPLE,
    RHO2,
    critical_beta,
    information_xz,
    information_zy,
    mutual_information_from_correlation,
    optimal_snr,
)

np.random.seed(0)  # nothing random below; fixed for the book's rule
fig, (left, right) = plt.subplots(2, 1, figsize=(3.5, 6.2))
ixy = float(mutual_information_from_correlation(RHO2))

# Top: the information plane traced by the optimal encoders.
snr = np.logspace(-3, 3, 400)
left.plot(information_xz(snr), information_zy(snr), color="C0", label="最优编码器（β从小到大）")
left.axhline(ixy, color="0.5", linestyle="--", linewidth=1)
left.text(0.05, ixy + 0.015, "上限I(X;Y)", color="0.4", fontsize=8.5)
for beta in (1.5, BETA_EXAMPLE, 10.0):
    t = optimal_snr(beta)
    left.plot(information_xz(t), information_zy(t), "o", color="C1", markersize=4)
    left.annotate(f"β={beta:g}", (information_xz(t), information_zy(t)), xytext=(5, -12), textcoords="offset points", fontsize=8.5)
left.set_xlabel("I(X;Z)：编码记住的（奈特）")
left.set_ylabel("I(Z;Y)：对Y有用的（奈特）")
left.set_xlim(0, 3.2)
left.set_ylim(0, ixy * 1.15)
left.set_title(f"信息平面（ρ² = {RHO2}）", fontsize=9.5)
left.legend(fontsize=8.5, loc="lower right")

# Bottom: what the optimal encoder keeps as beta grows.
betas = np.linspace(0.5, 10, 500)
t = optimal_snr(betas)
right.plot(betas, information_xz(t), color="C0", label="I(X;Z*)")
right.plot(betas, information_zy(t), color="C2", label="I(Z*;Y)")
right.axvline(critical_beta(), color="C3", linestyle=":", linewidth=1)
right.annotate(f"临界值β = 1/ρ² = {critical_beta():.2f}", (critical_beta(), 1.6), xytext=(8, 0), textcoords="offset points", fontsize=8.5, color="C3")
right.set_xlabel("β（对Y的重视程度）")
right.set_ylabel("奈特")
right.set_title("β低于临界值时，最优编码全部遗忘", fontsize=9.5)
right.legend(fontsize=8.5, loc="center right")
fig.tight_layout()

"""Figure of chapter 1: synthetic mangoes in the colour–smell plane, the fitted model's
P(tasty | colour, smell) and the boundary of the Bayes model that generated them."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.mango import MEAN_BAD, bayes_boundary_smell, experiment

np.random.seed(0)  # the data come from kexuebook.math.mango's own fixed seed
e = experiment()
size = MEAN_BAD[2]  # the figure is a slice at the average size

# The smell axis reaches every training mango: the normal model can put a score below 0.
smell_range = (min(0.5, e.X_train[:, 1].min() - 0.3), max(9.5, e.X_train[:, 1].max() + 0.3))
colour, smell = np.meshgrid(np.linspace(0.1, 1.0, 200), np.linspace(*smell_range, 200))
grid = np.column_stack([colour.ravel(), smell.ravel(), np.full(colour.size, size)])
posterior = e.fitted_posterior(grid).reshape(colour.shape)

fig, ax = plt.subplots(figsize=(3.5, 3.4))
filled = ax.contourf(colour, smell, posterior, levels=np.linspace(0, 1, 11), cmap="RdYlGn", alpha=0.55)
fig.colorbar(filled, ax=ax, label="拟合模型给出的P(好吃 | 特征)")
ax.contour(colour, smell, posterior, levels=[0.5], colors="black", linewidths=1.2)

c_line = np.linspace(0.1, 1.0, 50)
ax.plot(c_line, bayes_boundary_smell(c_line, size), color="navy", linestyle="--", linewidth=1.2)

good = e.y_train == 1
ax.scatter(e.X_train[good, 0], e.X_train[good, 1], s=14, marker="o", color="darkgreen", label="好吃（训练样本）")
ax.scatter(e.X_train[~good, 0], e.X_train[~good, 1], s=14, marker="x", color="darkred", label="不好吃（训练样本）")
ax.plot([], [], color="black", linewidth=1.2, label="拟合模型的分界P=0.5")
ax.plot([], [], color="navy", linestyle="--", linewidth=1.2, label="生成数据的贝叶斯分界")
ax.set_xlim(0.1, 1.0)
ax.set_ylim(*smell_range)
ax.set_xlabel("颜色（黄的程度，0为全绿，1为全黄）")
ax.set_ylabel("香气评分")
ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)  # below the axes: inside it would hide the boundaries
fig.tight_layout()

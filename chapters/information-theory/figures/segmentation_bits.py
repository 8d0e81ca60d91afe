"""Figure of chapter 6: bits per character of three segmentations of the book's small corpus, and
which adjacent character pairs pay for a lexicon entry."""

import numpy as np
from matplotlib import pyplot as plt

from kexuebook.math.entropy import (
    as_characters,
    character_probabilities,
    load_corpus,
    merge_gain_bits,
    pair_statistics,
    spelling_bits,
    summary,
    tokens,
)

np.random.seed(0)  # the horizontal jitter of the scatter
s = summary()
corpus = load_corpus()
fig, (left, right) = plt.subplots(2, 1, figsize=(3.5, 6.2), gridspec_kw={"height_ratios": [1, 1.25]})

# Top: corpus cost (eq. 2.1 / 2.2 per character) stacked with the lexicon cost.
names = {"char": "按字", "word": "按词（手工分词）", "sentence": "整句作一个词"}
x = np.arange(len(names))
corpus_cost = [s[f"{k}_bits_per_char"] for k in names]
lexicon_cost = [s[f"{k}_lexicon_bits_per_char"] for k in names]
left.bar(x, corpus_cost, color="C0", label="语料本身")
left.bar(x, lexicon_cost, bottom=corpus_cost, color="C1", label="词库（用字拼写）")
for i, (c, l) in enumerate(zip(corpus_cost, lexicon_cost)):
    left.text(i, c / 2, f"{c:.2f}", ha="center", va="center", color="white", fontsize=8.5)
    left.text(i, c + l + 0.1, f"合计{c + l:.2f}", ha="center", va="bottom", fontsize=8.5)
left.set_xticks(x, list(names.values()), fontsize=8.5)
left.set_ylabel("比特 / 字")
left.set_ylim(0, max(c + l for c, l in zip(corpus_cost, lexicon_cost)) * 1.45)  # room for the legend above the bars
left.set_title("平均每字的信息量", fontsize=9.5)
left.legend(fontsize=8.5, loc="upper left", ncol=2)

# Bottom: every pair seen at least twice: bits saved in the corpus by merging it, minus the cost of
# spelling the new entry in the lexicon, against how often the pair occurs.
chars = as_characters(corpus)
probs = character_probabilities(tokens(chars))
pairs = pair_statistics(chars)
labels = [a + b for a, b, *_ in pairs]
count = np.array([k for *_, k in pairs], dtype=float)
net = np.array([-merge_gain_bits(n, na, nb, k) - spelling_bits(a + b, probs) for a, b, n, na, nb, k in pairs])
jitter = np.random.uniform(-0.18, 0.18, size=len(pairs))  # spread pairs that share a count
words = {w for sentence in corpus for w in sentence}
is_word = np.array([w in words for w in labels])
right.scatter(count[is_word] + jitter[is_word], net[is_word], s=14, color="C2", label="手工分词里的词")
right.scatter(count[~is_word] + jitter[~is_word], net[~is_word], s=14, marker="x", color="C3", label="跨越词界的字对")
right.axhline(0, color="0.5", linewidth=1, linestyle="--")
for w in ("学习", "模型", "数据", "习的", "园里"):
    i = labels.index(w)
    crowded = w == "习的"  # among the crosses at count 2: set the label off, with an arrow
    right.annotate(w, (count[i] + jitter[i], net[i]), xytext=(40, -4) if crowded else (5, -3), textcoords="offset points",
                   fontsize=8.5, arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.7} if crowded else None)
right.set_xlim(1.4, 12.4)
right.set_xlabel("字对在语料中出现的次数")
right.set_ylabel("净节省（比特）")
right.set_title("合并成词：语料节省减去词库成本", fontsize=9.5)
right.legend(fontsize=8.5, loc="upper left")
fig.tight_layout()

"""Chapter 6 (最小熵原理（二）): how many bits a corpus costs when it is read word by word or
character by character, per character.

The corpus is ``data/corpus.txt``: forty short sentences the editors wrote for this book, one per
line, words separated by single spaces (a hand segmentation); removing the spaces gives the
sentence.  Probabilities are unigram maximum-likelihood estimates from the corpus itself, as in
the excerpt's equations (2.1) and (2.2); logarithms are base 2, so costs are in bits.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

CORPUS_FILE = Path(__file__).parent / "data" / "corpus.txt"

Sentence = list[str]  # one sentence as its list of tokens


def load_corpus(path: Path = CORPUS_FILE) -> list[Sentence]:
    """The corpus as sentences of words: blank lines and lines starting with ``#`` are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def as_characters(sentences: Iterable[Sentence]) -> list[Sentence]:
    """The character segmentation: every character its own token."""
    return [[c for word in sentence for c in word] for sentence in sentences]


def as_whole_sentences(sentences: Iterable[Sentence]) -> list[Sentence]:
    """The degenerate segmentation where each whole sentence is one 'word'."""
    return [["".join(sentence)] for sentence in sentences]


def tokens(sentences: Iterable[Sentence]) -> list[str]:
    """All tokens of a segmented corpus, in order (sentence boundaries dropped)."""
    return [t for sentence in sentences for t in sentence]


def total_bits(items: Sequence[str]) -> float:
    """``-sum log2 p_t`` over every token occurrence, with ``p_t`` the token's relative frequency
    in ``items`` itself: equation (2.1) for words, (2.2) for characters."""
    n = len(items)
    return -sum(k * math.log2(k / n) for k in Counter(items).values())


def entropy_bits(items: Sequence[str]) -> float:
    """Entropy per token of the empirical unigram distribution: ``total_bits / len``."""
    return total_bits(items) / len(items)


def n_characters(items: Iterable[str]) -> int:
    return sum(len(t) for t in items)


def bits_per_character(items: Sequence[str]) -> float:
    """The corpus cost of a segmentation divided by the number of characters it spells."""
    return total_bits(items) / n_characters(items)


def character_probabilities(items: Iterable[str]) -> dict[str, float]:
    """Relative frequency of every character in the text the tokens spell."""
    counts = Counter(c for t in items for c in t)
    n = sum(counts.values())
    return {c: k / n for c, k in counts.items()}


def lexicon_bits(items: Iterable[str], char_probs: dict[str, float]) -> float:
    """Cost of writing down the lexicon: every distinct entry longer than one character is spelled
    once with the character model.  Single characters are the shared alphabet and cost nothing."""
    return sum(-sum(math.log2(char_probs[c]) for c in entry) for entry in set(items) if len(entry) > 1)


def merge_pair(sentences: Iterable[Sentence], a: str, b: str) -> list[Sentence]:
    """Replace every adjacent ``a b`` (left to right, within a sentence) by the single token ``ab``."""
    if a == b:
        raise ValueError("merging a token with itself can overlap; not supported")
    out = []
    for sentence in sentences:
        merged, i = [], 0
        while i < len(sentence):
            if i + 1 < len(sentence) and sentence[i] == a and sentence[i + 1] == b:
                merged.append(a + b)
                i += 2
            else:
                merged.append(sentence[i])
                i += 1
        out.append(merged)
    return out


def _nlogn(k: float) -> float:
    return k * math.log2(k) if k > 0 else 0.0


def merge_gain_bits(n: int, n_a: int, n_b: int, n_ab: int) -> float:
    """Exact change of ``total_bits`` when all ``n_ab`` occurrences of the pair ``a b`` (a != b)
    in a sequence of ``n`` tokens become one token: negative means the merge saves bits.

    Uses ``total_bits = n log n - sum_t n_t log n_t``; after the merge there are ``n - n_ab`` tokens,
    ``n_a - n_ab`` of ``a``, ``n_b - n_ab`` of ``b`` and ``n_ab`` of ``ab``.
    """
    before = _nlogn(n) - _nlogn(n_a) - _nlogn(n_b)
    after = _nlogn(n - n_ab) - _nlogn(n_a - n_ab) - _nlogn(n_b - n_ab) - _nlogn(n_ab)
    return after - before


def pmi_bits(n: int, n_a: int, n_b: int, n_ab: int) -> float:
    """Pointwise mutual information ``log2 p_ab / (p_a p_b)`` with all probabilities per token."""
    return math.log2(n_ab * n / (n_a * n_b))


def merge_gain_approx_bits(n: int, n_a: int, n_b: int, n_ab: int) -> float:
    """First-order approximation of :func:`merge_gain_bits` for ``n_ab`` small against the other
    counts: ``-n_ab (PMI - log2 e)``.  A merge pays off when the PMI exceeds one nat."""
    return -n_ab * (pmi_bits(n, n_a, n_b, n_ab) - math.log2(math.e))


def pair_statistics(sentences: Iterable[Sentence], min_count: int = 2) -> list[tuple[str, str, int, int, int, int]]:
    """Every adjacent pair ``(a, b, n, n_a, n_b, n_ab)`` of distinct tokens occurring at least
    ``min_count`` times, sorted by pair; counts refer to ``tokens(sentences)``."""
    sentences = list(sentences)
    items = tokens(sentences)
    counts = Counter(items)
    pairs = Counter((s[i], s[i + 1]) for s in sentences for i in range(len(s) - 1) if s[i] != s[i + 1])
    return sorted((a, b, len(items), counts[a], counts[b], k) for (a, b), k in pairs.items() if k >= min_count)


def spelling_bits(entry: str, char_probs: dict[str, float]) -> float:
    """Cost of adding ``entry`` to the lexicon: its characters spelled with the character model."""
    return -sum(math.log2(char_probs[c]) for c in entry)


def pair_net_gain_bits(sentences: Iterable[Sentence], a: str, b: str) -> float:
    """Change of corpus cost plus lexicon cost when the character pair ``a b`` becomes a word,
    starting from the character segmentation: negative means the new word pays for itself."""
    chars = tokens(as_characters(sentences))
    probs = character_probabilities(chars)
    stats = {(p, q): rest for p, q, *rest in pair_statistics(as_characters(sentences), min_count=1)}
    return merge_gain_bits(*stats[(a, b)]) + spelling_bits(a + b, probs)


@cache
def summary() -> dict[str, float]:
    """The chapter's numbers for the three segmentations (computed once per process)."""
    words_seg = load_corpus()
    segs = {"char": as_characters(words_seg), "word": words_seg, "sentence": as_whole_sentences(words_seg)}
    flat = {k: tokens(v) for k, v in segs.items()}
    n_chars = n_characters(flat["char"])
    probs = character_probabilities(flat["char"])
    out: dict[str, float] = {"sentences": len(words_seg), "chars": n_chars}
    for k, items in flat.items():
        out[f"{k}_tokens"] = len(items)
        out[f"{k}_types"] = len(set(items))
        out[f"{k}_bits_per_char"] = total_bits(items) / n_chars
        out[f"{k}_lexicon_bits_per_char"] = lexicon_bits(items, probs) / n_chars
        out[f"{k}_entropy"] = entropy_bits(items)
    return out


def _pair(a: str, b: str) -> tuple[int, int, int, int]:
    for pa, pb, n, n_a, n_b, n_ab in pair_statistics(as_characters(load_corpus())):
        if (pa, pb) == (a, b):
            return n, n_a, n_b, n_ab
    raise KeyError(a + b)


def _f(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


VALUES = {
    "n_sentences": lambda: str(summary()["sentences"]),
    "n_chars": lambda: str(summary()["chars"]),
    "n_char_types": lambda: str(summary()["char_types"]),
    "n_words": lambda: str(summary()["word_tokens"]),
    "n_word_types": lambda: str(summary()["word_types"]),
    "mean_word_length": lambda: _f(summary()["chars"] / summary()["word_tokens"]),
    "char_entropy": lambda: _f(summary()["char_entropy"]),
    "word_entropy": lambda: _f(summary()["word_entropy"]),
    "char_bits_per_char": lambda: _f(summary()["char_bits_per_char"]),
    "word_bits_per_char": lambda: _f(summary()["word_bits_per_char"]),
    "sentence_bits_per_char": lambda: _f(summary()["sentence_bits_per_char"]),
    "word_lexicon_bits_per_char": lambda: _f(summary()["word_lexicon_bits_per_char"]),
    "sentence_lexicon_bits_per_char": lambda: _f(summary()["sentence_lexicon_bits_per_char"]),
    "word_total_bits_per_char": lambda: _f(summary()["word_bits_per_char"] + summary()["word_lexicon_bits_per_char"]),
    "sentence_total_bits_per_char": lambda: _f(
        summary()["sentence_bits_per_char"] + summary()["sentence_lexicon_bits_per_char"]
    ),
    "pair_moxing_count": lambda: str(_pair("模", "型")[3]),
    "pair_moxing_pmi": lambda: _f(pmi_bits(*_pair("模", "型"))),
    "pair_moxing_gain": lambda: _f(-merge_gain_bits(*_pair("模", "型")), 1),
    "pair_moxing_gain_approx": lambda: _f(-merge_gain_approx_bits(*_pair("模", "型")), 1),
    "pair_xuexi_net": lambda: _f(-pair_net_gain_bits(load_corpus(), "学", "习"), 1),
    "pair_xide_net": lambda: _f(pair_net_gain_bits(load_corpus(), "习", "的"), 1),
    "pair_xide_gain": lambda: _f(-merge_gain_bits(*_pair("习", "的")), 1),
    "pairs_seen_twice": lambda: str(len(pair_statistics(as_characters(load_corpus())))),
    "pairs_paying_off": lambda: str(
        sum(pair_net_gain_bits(load_corpus(), a, b) < 0 for a, b, *_ in pair_statistics(as_characters(load_corpus())))
    ),
    "pairs_paying_off_across_words": lambda: str(
        sum(
            pair_net_gain_bits(load_corpus(), a, b) < 0 and a + b not in {w for sent in load_corpus() for w in sent}
            for a, b, *_ in pair_statistics(as_characters(load_corpus()))
        )
    ),
    "one_nat_in_bits": lambda: _f(math.log2(math.e)),
}

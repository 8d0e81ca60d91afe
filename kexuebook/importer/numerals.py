"""Whole numbers written in Chinese numerals, as a title counts its chapters: 8 → 八, 12 → 十二, 105 → 一百零五."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
UNITS = ("", "十", "百", "千")


def _below_10000(n: int) -> str:
    """1 ≤ n < 10000, with 零 for each run of missing places between digits."""
    out: list[str] = []
    gap = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            gap = bool(out)
            continue
        if gap:
            out.append("零")
            gap = False
        out.append(DIGITS[digit] + UNITS[power])
    return "".join(out)


def chinese_numeral(n: int, count: bool = False) -> str:
    """``n`` (0 ≤ n < 10**8) in Chinese numerals; 10–19 are written 十, 十一 … 十九, as in prose.

    ``count``: as a count before a measure word, where a leading 2 is 两 (两篇, 两百篇; 十二篇).
    """
    if not 0 <= n < 10**8:
        raise ValueError(f"{n} is outside 0 … 99999999")
    if n == 0:
        return DIGITS[0]
    high, low = divmod(n, 10_000)
    text = (_below_10000(high) + "万" if high else "") + (("零" if high and low < 1000 else "") + _below_10000(low) if low else "")
    text = text[1:] if text.startswith("一十") else text
    if count and text.startswith("二") and (len(text) == 1 or text[1] in "百千万"):
        text = "两" + text[1:]
    return text

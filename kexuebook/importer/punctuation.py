"""Restore the full-width punctuation that the scrape turned into ASCII.

Where the text is Chinese, ``, : ; ? ! ( )`` become ``，：；？！（）`` and ``...`` becomes ``……``,
including around Latin words inside Chinese prose (（Variational Auto-Encoder，VAE）).  ASCII stays
in math (never passed here), URLs, emoticons, numbers (3:00, 1,000), wholly Latin text (a line or
a 《…》 title with no Chinese in it) and English-style punctuation between Latin words
("Learning: A Review").
"""

from __future__ import annotations

import re

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Spans left exactly as written.
PROTECTED_RE = re.compile(
    r"https?://[A-Za-z0-9\-._~/?#@&=+%]+"  # URLs (a comma or bracket ends one)
    r"|\^_+\^"  # emoticons
    r"|\d[,:]\d"  # 1,000  3:00
    r"|《[^《》\u3400-\u9fff]*》"  # a wholly Latin title
)
ELLIPSIS_RE = re.compile(r"\.{3,}")


def is_chinese(text: str) -> bool:
    return bool(HAN_RE.search(text))


def _restore_run(run: str) -> str:
    out: list[str] = []
    for index, char in enumerate(run):
        if char not in FULL_WIDTH:
            out.append(char)
            continue
        before = run[index - 1] if index else ""
        after = run[index + 1] if index + 1 < len(run) else ""
        # English-style "word: Word" between Latin words keeps its ASCII form.
        english = before.isascii() and before.isalnum() and after == " " and char in ",:;?!"
        out.append(char if english else FULL_WIDTH[char])
    text = "".join(out)
    return ELLIPSIS_RE.sub("……", text)


def restore(text: str, chinese_context: bool | None = None) -> str:
    """Restore full-width punctuation in a piece of prose (no math inside).

    ``chinese_context`` says whether the surrounding block is Chinese; by default the text
    itself decides.
    """
    if chinese_context is None:
        chinese_context = is_chinese(text)
    if not chinese_context:
        return text
    out: list[str] = []
    position = 0
    for match in PROTECTED_RE.finditer(text):
        out.append(_restore_run(text[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_restore_run(text[position:]))
    return "".join(out)

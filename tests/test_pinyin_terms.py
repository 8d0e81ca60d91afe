"""Polyphonic characters in the book's terms: the pinyin sort reads them as the term means."""

from __future__ import annotations

import pytest

from helpers import page
from kexuebook.sphinx.content.pinyin_order import initial, pinyin_key


@pytest.mark.parametrize("term, reading", [("重参数化", "chong2 can1 shu4 hua4"), ("重构误差", "chong2 gou4 wu4 cha1")])
def test_chong_is_read_as_re(term, reading):
    assert pinyin_key(term) == reading


def test_reparametrisation_is_listed_under_c_in_the_glossary(html_dir):
    glossary = page(html_dir, "glossary")
    letter = None
    for node in glossary.select("p.rubric, dl.glossary dt"):
        if node.name == "p":
            letter = node.get_text(strip=True)
        elif node.get_text(strip=True).startswith("重参数化"):
            assert letter == "C" == initial("重参数化")
            return
    pytest.fail("重参数化 is not in the built glossary")


def test_kept_keys_need_no_pypinyin_until_what_made_them_changes(tmp_path, monkeypatch):
    """A rebuild reads the terms' keys from the doctree folder (pypinyin is imported only for a
    new term); keys made with other overrides, or another pypinyin, are made again."""
    from kexuebook.sphinx.content import pinyin_order

    kept = pinyin_order.kept_keys()
    monkeypatch.setattr(pinyin_order, "KEPT", kept)
    kept.load(tmp_path / pinyin_order.KEYS_FILE)
    assert pinyin_key("重参数化") == "chong2 can1 shu4 hua4"
    kept.save()

    def unavailable():
        raise AssertionError("pypinyin was asked")

    monkeypatch.setattr(pinyin_order, "_lazy_pinyin", unavailable)
    again = pinyin_order.kept_keys()
    monkeypatch.setattr(pinyin_order, "KEPT", again)
    again.load(tmp_path / pinyin_order.KEYS_FILE)
    assert pinyin_key("重参数化") == "chong2 can1 shu4 hua4"
    with pytest.raises(AssertionError, match="pypinyin was asked"):
        pinyin_key("新的术语")

    monkeypatch.setattr(pinyin_order, "keys_stamp", lambda: "other overrides")
    changed = pinyin_order.kept_keys()
    monkeypatch.setattr(pinyin_order, "KEPT", changed)
    changed.load(tmp_path / pinyin_order.KEYS_FILE)
    with pytest.raises(AssertionError, match="pypinyin was asked"):
        pinyin_key("重参数化")

"""The whole-book bibliography says how its list is ordered, and the built list is in that order."""

from __future__ import annotations

from helpers import article_text, page


def test_blog_posts_come_first_then_the_papers_as_the_page_says(html_dir):
    soup = page(html_dir, "bibliography")
    assert "先列“科学空间”的博客文章，再列论文" in article_text(soup)
    entries = [c.get_text(" ", strip=True) for c in soup.select("div.citation")]
    is_blog = ["科学空间（kexue.fm）" in e for e in entries]
    assert any(is_blog) and not all(is_blog)
    assert is_blog == sorted(is_blog, reverse=True), entries

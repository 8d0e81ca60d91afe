"""What a page makes a phone load before it shows: read from the built HTML book.

No script in a page's head holds up its first paint; a page links one stylesheet, cut to the
rules the pages use, which still holds every rule the scripts need for the classes and
attributes they set; the service worker lists that stylesheet and the fonts it names, not what it
was cut from; figures below the fold load lazily, their size set.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tinycss2
from bs4 import BeautifulSoup

from test_offline import linked_file, pages_of, worker_listing

# Scripts that need not wait: the page is parsed past them.
NOT_BLOCKING = ("defer", "async")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
ELEMENT = re.compile(r"(?:^|(?<=[\s>+~(]))([a-z][a-z0-9]*)\b(?![-\w])")
ATTRIBUTE_SELECTOR = re.compile(r"""\[\s*(data-[\w-]+)\s*(?:[~|^$*]?=\s*["']?([^"'\]]*)["']?\s*)?\]""")
# Calls by which a script gives an element a class: the class names are its string arguments.
CLASS_CALL = re.compile(r"""classList\.(?:add|toggle|replace)\(([^()]*)\)""")
CLASS_NAME = re.compile(r"""\.className\s*\+?=\s*(["'])([^"']*)\1""")
STRING = re.compile(r"""(["'])([^"'$`]*?)\1""")
# A minified script names its classes once, as constants (Bootstrap: const Cs="show"), and passes
# the identifier: classList.add(Cs).
CONSTANT = re.compile(r"""\b([A-Za-z_$][\w$]*)\s*=\s*(["'])([\w -]+)\2""")
IDENTIFIER = re.compile(r"(?<![\w$.\"'])([A-Za-z_$][\w$]*)(?![\w$(\"'])")
# Data attributes a script sets: through dataset, setAttribute, or Bootstrap's setDataAttribute
# (which writes data-bs-<name>).
PROPERTY_READ = re.compile(r"""getPropertyValue\(\s*["'](--[\w-]+)["']\s*\)""")
DATASET = re.compile(r"""\.dataset\.(\w+)\s*=|setAttribute\(\s*["'](data-[\w-]+)["']|setDataAttribute\([^,()]+,\s*["'](\w+)["']""")


def soup(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")


def blocking_scripts(head) -> list[str]:
    """The head's scripts that the parser must fetch and run before it goes on."""
    return [script.get("src") for script in head.find_all("script", src=True)
            if not any(script.has_attr(name) for name in NOT_BLOCKING) and script.get("type") != "module"]


def local_stylesheets(site: Path, name: str, page: BeautifulSoup) -> list[Path]:
    links = page.find_all("link", rel="stylesheet")
    return [linked_file(site, name, urlsplit(link["href"]).path) for link in links if "://" not in link["href"]]


def selectors(css: str) -> list[str]:
    """Every selector list of a stylesheet, inside @media and @supports too."""
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            found.append(tinycss2.serialize(rule.prelude))
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports", "layer", "container"):
            found += selectors(tinycss2.serialize(rule.content))
    return found


def split_selectors(selector_list: str) -> list[str]:
    """A selector list split at its top-level commas, spaces normalised."""
    found = []
    depth, start = 0, 0
    for i, char in enumerate(selector_list + ","):
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            found.append(" ".join(selector_list[start:i].split()))
            start = i + 1
    return found


def selectors_declaring(css: str, prop: str) -> set[str]:
    """The selectors of the rules that set the custom property ``prop``, inside @media too."""
    found = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            declarations = tinycss2.parse_blocks_contents(rule.content)
            if any(d.type == "declaration" and d.name == prop for d in declarations):
                found |= set(split_selectors(tinycss2.serialize(rule.prelude)))
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports", "layer", "container"):
            found |= selectors_declaring(tinycss2.serialize(rule.content), prop)
    return found


def single_selectors(css: str) -> list[str]:
    """Each selector of each rule, spaces normalised."""
    return [single for selector_list in selectors(css) for single in split_selectors(selector_list)]


def required(selector: str) -> set[str]:
    """The classes (.name) and elements (name) the selector matches only where the pages have
    them (those under :not() need not be there)."""
    plain = re.sub(r"\[[^\]]*\]", "", re.sub(r":not\([^()]*\)", "", selector))
    return {f".{c}" for c in CLASS.findall(plain)} | set(ELEMENT.findall(plain))


def on_pages(site: Path) -> set[str]:
    """Every class (.name) and element (name) of the built pages."""
    found = set()
    for name in pages_of(site):
        for tag in soup(site, name).find_all(True):
            found |= {tag.name} | {f".{c}" for c in tag.get("class", [])}
    return found


def loaded_scripts(site: Path) -> dict[str, str]:
    """Every script file the pages load, and the pages' inline scripts, by name."""
    scripts = {}
    for name in sorted(pages_of(site)):
        for script in soup(site, name).find_all("script"):
            if script.get("src") and "://" not in script["src"]:
                path = linked_file(site, name, urlsplit(script["src"]).path)
                if path.name != "searchindex.js" and path.is_file():
                    scripts[path.relative_to(site).as_posix()] = path.read_text(encoding="utf-8")
            elif not script.get("src") and script.get("type") in (None, "module"):
                scripts[f"{name} (inline)"] = script.get_text()
    return scripts


def classes_set_by(source: str) -> set[str]:
    constants: dict[str, set[str]] = {}
    for identifier, _, value in CONSTANT.findall(source):
        constants.setdefault(identifier, set()).add(value)
    names = set()
    for call in CLASS_CALL.findall(source):
        names |= {word for _, literal in STRING.findall(call) for word in literal.split()}
        names |= {word for identifier in IDENTIFIER.findall(STRING.sub("", call)) for value in constants.get(identifier, ()) for word in value.split()}
    names |= {word for _, literal in CLASS_NAME.findall(source) for word in literal.split()}
    return names


def _kebab(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def attributes_set_by(source: str) -> set[str]:
    return {f"data-{_kebab(dataset)}" if dataset else attribute or f"data-bs-{_kebab(bootstrap)}"
            for dataset, attribute, bootstrap in DATASET.findall(source)}


@pytest.fixture(scope="module")
def bundle(html_dir: Path) -> Path:
    """The one stylesheet the cover links."""
    sheets = local_stylesheets(html_dir, "index.html", soup(html_dir, "index.html"))
    assert len(sheets) == 1, sheets
    return sheets[0]


def test_no_script_in_a_head_blocks_the_first_paint(html_dir):
    blocking = {name: found for name in sorted(pages_of(html_dir)) if (found := blocking_scripts(soup(html_dir, name).head))}
    assert not blocking, f"scripts without defer/async in the head: {blocking}"


def test_every_page_links_one_stylesheet_and_the_same_one(html_dir, bundle):
    for name in sorted(pages_of(html_dir)):
        sheets = local_stylesheets(html_dir, name, soup(html_dir, name))
        assert [s.resolve() for s in sheets] == [bundle.resolve()], f"{name} links {sheets}"


def test_the_stylesheet_is_cut_and_versioned_by_its_content(html_dir, bundle):
    import zlib

    theme = html_dir / "_static" / "styles" / "pydata-sphinx-theme.css"
    assert bundle.stat().st_size < theme.stat().st_size / 2, "the cut stylesheet is well under the theme's"
    href = soup(html_dir, "index.html").find("link", rel="stylesheet")["href"]
    # Sphinx's own version of an asset (the file's CRC32), which it writes on pages it renders later
    assert href.endswith(f"?v={zlib.crc32(bundle.read_bytes()):08x}"), href


def test_every_page_versions_every_local_script_it_loads(html_dir):
    """Sphinx puts ?v= on a script it finds in the site as the page is written (the theme its own
    ?digest=): a script the book
    copied in only at the end (copy-tex) went unversioned on a first build, and a browser could
    keep an old copy."""
    unversioned = {}
    # search.html's own scripts are written into Sphinx's search template, outside its script list
    for name in sorted(set(pages_of(html_dir)) - {"search.html"}):
        srcs = [tag["src"] for tag in soup(html_dir, name).find_all("script", src=True) if "://" not in tag["src"]]
        if missing := [src for src in srcs if not re.search(r"\?(v|digest)=", src)]:  # Sphinx's, the theme's
            unversioned[name] = missing
    assert not unversioned, unversioned


def test_the_stylesheet_keeps_the_rules_for_what_scripts_set(html_dir, bundle):
    """Every rule of the theme's stylesheets for a class or data attribute that a loaded script
    sets, on elements the pages have, is still in the cut stylesheet."""
    scripts = loaded_scripts(html_dir)
    originals = [p for p in (html_dir / "_static").rglob("*.css") if p != bundle and p.name != "book-epub.css"]
    original = [s for p in originals for s in single_selectors(p.read_text(encoding="utf-8"))]
    kept = set(single_selectors(bundle.read_text(encoding="utf-8")))

    set_by_scripts = set().union(*(classes_set_by(source) for source in scripts.values()))
    assert {"show", "active"} <= set_by_scripts, "the theme's scripts set the classes Bootstrap shows things with"
    present = {f".{c}" for c in set_by_scripts} | on_pages(html_dir)
    needed = [s for s in original if set_by_scripts & set(CLASS.findall(s)) and required(s) <= present]
    assert len(needed) > 20, needed
    missing = [s for s in needed if s not in kept]
    assert not missing, f"rules for classes that scripts set, cut from the stylesheet: {missing}"

    attributes = set().union(*(attributes_set_by(source) for source in scripts.values()))
    assert {"data-theme", "data-bs-popper"} <= attributes, "scripts set the colour mode on <html>, Bootstrap a static menu's"
    on_attribute = [s for s in original if {a for a, _ in ATTRIBUTE_SELECTOR.findall(s)} & attributes and required(s) <= present]
    assert any("data-theme=dark" in s.replace('"', "") for s in on_attribute), "the theme styles dark mode"
    missing = [s for s in on_attribute if s not in kept]
    assert not missing, f"rules on data attributes that scripts set, cut from the stylesheet: {missing}"


def test_the_stylesheet_keeps_the_custom_properties_scripts_read(html_dir, bundle):
    """Bootstrap places a menu by reading --bs-position (end for .dropdown-menu-end): a cut that
    drops the property as unused by any var() opens the colour-mode menu off its button."""
    scripts = loaded_scripts(html_dir)
    read = {name for source in scripts.values() for name in PROPERTY_READ.findall(source)}
    assert "--bs-position" in read
    originals = "\n".join(p.read_text(encoding="utf-8") for p in (html_dir / "_static").rglob("*.css") if p != bundle)
    kept = bundle.read_text(encoding="utf-8")
    present = on_pages(html_dir)
    for name in sorted(read):
        wanted = {s for s in selectors_declaring(originals, name) if required(s) <= present}
        assert wanted <= selectors_declaring(kept, name), f"{name}: cut from {sorted(wanted - selectors_declaring(kept, name))}"
    assert ".dropdown-menu-end" in selectors_declaring(kept, "--bs-position")


def test_the_stylesheets_fonts_are_woff2_shown_at_once(bundle):
    faces = [r for r in tinycss2.parse_stylesheet(bundle.read_text(encoding="utf-8"), skip_comments=True)
             if r.type == "at-rule" and r.lower_at_keyword == "font-face"]
    declarations = [{d.lower_name: tinycss2.serialize(d.value).strip() for d in tinycss2.parse_blocks_contents(face.content)
                     if d.type == "declaration"} for face in faces]
    katex = [d for d in declarations if "KaTeX" in d["font-family"]]
    assert katex, "KaTeX's faces are in the stylesheet"
    for face in declarations:
        urls = re.findall(r"url\(([^)]*)\)", face["src"])
        assert urls and all(u.strip("'\" ").endswith(".woff2") for u in urls), face
        assert (bundle.parent / urls[0].strip("'\" ")).is_file(), face
    assert all(face.get("font-display") == "swap" for face in katex), katex


def test_the_worker_lists_the_stylesheet_and_its_fonts_not_their_sources(html_dir, bundle):
    listing = worker_listing(html_dir)
    site_path = bundle.relative_to(html_dir).as_posix()
    assert site_path in listing
    css = bundle.read_text(encoding="utf-8")
    fonts = {(bundle.parent / u.strip("'\" ")).resolve().relative_to(html_dir.resolve()).as_posix()
             for u in re.findall(r"url\(([^)]*\.woff2[^)]*)\)", css)}
    assert fonts and all(font in listing for font in fonts), sorted(fonts - set(listing))
    sources = {"_static/styles/pydata-sphinx-theme.css", "_static/katex/katex.min.css", "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2"}
    assert not sources & set(listing), "the worker stores what no page loads"


def test_figures_below_the_fold_load_lazily_at_their_own_aspect(html_dir):
    checked = 0
    for name in sorted(pages_of(html_dir)):
        article = soup(html_dir, name).select_one("article.bd-article")
        if article is None:
            continue
        for img in article.find_all("img"):
            first_paragraph = article.find("p")
            below = first_paragraph is not None and first_paragraph in img.find_all_previous("p")
            assert img.get("loading") == ("lazy" if below else None), f"{name}: {img.get('src')} loading={img.get('loading')}"
            svg = linked_file(html_dir, name, img["src"]).read_text(encoding="utf-8")
            view_box = re.search(r'viewBox="([\d.\s-]+)"', svg)
            assert view_box and img.get("width") and img.get("height"), f"{name}: {img.get('src')} has no size"
            _, _, box_w, box_h = map(float, view_box.group(1).split())
            assert abs(int(img["width"]) / int(img["height"]) - box_w / box_h) < 0.01, f"{name}: {img['src']}"
            checked += 1
    assert checked >= 8, "every chapter's figure, and the diagram, checked"


def test_the_stylesheet_keeps_the_rules_for_the_pages_own_markup(html_dir, bundle):
    """Rules that match the pages as a browser builds them are kept: on a class attribute's value
    (the contents lists' li[class^=toctree-l]), through the <tbody> a browser puts into a table
    written without one (the general index), and on the classes of the previews' fragments, which
    a script puts into the page."""
    originals = [p for p in (html_dir / "_static").rglob("*.css") if p != bundle and p.name != "book-epub.css"]
    original = [s for p in originals for s in single_selectors(p.read_text(encoding="utf-8"))]
    kept = set(single_selectors(bundle.read_text(encoding="utf-8")))
    present = on_pages(html_dir)
    classes = {c[1:] for c in present if c.startswith(".")}

    on_class_value = [s for s in original if (m := re.search(r"\[class\^=[\"']?([\w-]+)", s))
                      and any(c.startswith(m.group(1)) for c in classes) and required(s) <= present]
    assert any("toctree-wrapper" in s for s in on_class_value), "the theme styles the contents lists by their class's prefix"
    assert not [s for s in on_class_value if s not in kept]

    tables = present | {"tbody"} if "table" in present else present
    through_tbody = [s for s in original if "tbody" in ELEMENT.findall(s) and required(s) <= tables]
    assert any("indextable" in s for s in through_tbody), "the general index's lists are styled through tbody"
    assert not [s for s in through_tbody if s not in kept]

    fragments = "".join("".join(json.loads(p.read_text(encoding="utf-8")).values()) for p in (html_dir / "_static" / "previews").rglob("*.json"))
    in_previews = {c for value in re.findall(r'class="([^"]*)"', fragments) for c in value.split()}
    set_by_scripts = set().union(*(classes_set_by(source) for source in loaded_scripts(html_dir).values()))
    shown = present | {f".{c}" for c in in_previews | set_by_scripts}  # book-previews.js writes div.book-preview
    for_previews = [s for s in original if set(CLASS.findall(s)) & (in_previews - classes) and required(s) <= shown]
    assert any("book-preview-heading" in s for s in for_previews), "a preview's heading has a rule of its own"
    assert not [s for s in for_previews if s not in kept]


def test_every_icon_the_stylesheet_names_is_in_its_font(html_dir, bundle):
    """The icon font is cut to the icons the stylesheet names, in content rules and in custom
    properties (pydata-sphinx-theme's --pst-icon-*: the admonitions' bell, info, warning)."""
    from fontTools.ttLib import TTFont

    css = bundle.read_text(encoding="utf-8")
    named = set()
    for _, value in re.findall(r"""(?:content|--[\w-]+)\s*:\s*(["'])(.*?)\1""", css):
        named |= {ord(c) for c in re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(int(m.group(1), 16)), value)}
    icons = {code for code in named if 0xF000 <= code <= 0xF8FF}  # Font Awesome's private-use range
    assert 0xF0F3 in icons, "the excerpt's note names the bell"
    fonts = [linked_file(html_dir, bundle.relative_to(html_dir).as_posix(), url)
             for url in re.findall(r"""url\(\s*["']?([^"')]*fontawesome[^"')]*\.woff2)""", css)]
    assert fonts, "the stylesheet names its icon fonts"
    in_fonts = set().union(*(TTFont(font).getBestCmap() or {} for font in fonts))  # a face cut to nothing has no cmap
    assert not sorted(hex(code) for code in icons - in_fonts)


def test_sphinx_messages_load_before_the_scripts_that_write_them(html_dir):
    """translations.js fills doctools.js's catalogue before sphinx_highlight.js writes its button."""
    for name in sorted(pages_of(html_dir)):
        sources = [urlsplit(s["src"]).path.rsplit("/", 1)[-1] for s in soup(html_dir, name).find_all("script", src=True)]
        if "translations.js" in sources and "sphinx_highlight.js" in sources:
            assert sources.index("doctools.js") < sources.index("translations.js") < sources.index("sphinx_highlight.js"), f"{name}: {sources}"

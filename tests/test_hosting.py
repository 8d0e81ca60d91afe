"""Hosting: the GitHub Pages workflow, .readthedocs.yaml, the published address and the buttons.

The configurations are parsed (PyYAML) and their commands checked here without the hosts: every
make target they name exists and dry-runs, every sphinx-build command parses with Sphinx's own
argument parser and sets only real configuration values, and the Debian packages are the
Makefile's.  What the published address does is seen in the build of `make site-zip` with the
hosts' variables set (the session fixture ``site_zip_build``).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import PUBLISHED_ENV
from helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
RTD = ROOT / ".readthedocs.yaml"
BASE = PUBLISHED_ENV["BOOK_BASEURL"]
REPO = PUBLISHED_ENV["BOOK_REPOSITORY_URL"]
NOT_IN_SITEMAP = {"search.html", "genindex.html", "404.html"}


def make(*args: str) -> str:
    result = subprocess.run(["make", "-C", str(ROOT), "--no-print-directory", *args], capture_output=True, text=True)
    assert result.returncode == 0, f"make {' '.join(args)}: {result.stderr}"
    return result.stdout


def makefile_packages() -> set[str]:
    return set(make("-s", "debian-packages").split())


def packages_installed_by(*targets: str) -> set[str]:
    """The Debian packages the dry run of ``targets`` hands to tools/ensure-debian-packages."""
    lines = [line for line in make("-n", *targets).splitlines() if "ensure-debian-packages" in line]
    assert lines, targets
    return {word for line in lines for word in shlex.split(line.lstrip("@"))[1:]}


def commands(run: str) -> list[list[str]]:
    return [shlex.split(line, comments=True) for line in run.splitlines() if line.strip() and not line.strip().startswith("#")]


def known_config_names() -> set[str]:
    import sphinx.builders.html
    from sphinx.config import Config

    registering = [*(ROOT / "kexuebook" / "sphinx").rglob("*.py"), Path(sphinx.builders.html.__file__)]
    added = {m for path in registering for m in re.findall(r"""add_config_value\(\s*['"](\w+)['"]""", path.read_text(encoding="utf-8"))}
    from kexuebook.sphinx.html.pdf_download import DOWNLOADS  # these are registered in a loop over the table

    return set(Config.config_values) | added | {download.config for download in DOWNLOADS}


def check_sphinx_command(argv: list[str]) -> None:
    """A ``python -m sphinx`` command as the host runs it: it parses, and names real things."""
    from sphinx.cmd.build import get_parser

    assert argv[:3] == ["python", "-m", "sphinx"], argv
    args = argv[3:]
    if args[0] == "-M":  # make mode: -M builder source build [options]
        builder, source = args[1], args[2]
        assert builder in {"latexpdf", "html"}, builder
        options = get_parser().parse_args([*args[4:], source, args[3]])
    else:
        options = get_parser().parse_args(args)
        assert options.builder == "html"
        source = options.sourcedir
    assert (ROOT / source / "conf.py").is_file()
    assert options.warningiserror and options.nitpicky and options.keep_going, f"not strict: {argv}"
    for define in options.define:
        name = define.split("=", 1)[0]
        assert name in known_config_names(), f"{argv}: no configuration value {name!r}"


# -- GitHub Pages ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def test_pages_workflow_triggers_and_permissions(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_pages_workflow_checks_out_the_whole_history_and_the_makefiles_python(workflow):
    build = steps(workflow, "build")
    checkout = next(s for s in build if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # SOURCE_DATE_EPOCH from the last commit
    python = next(s for s in build if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"  # what requirements.txt is compiled for
    assert "--python-version 3.11" in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()[1]
    for step in build + steps(workflow, "deploy"):
        if "uses" in step:
            assert re.fullmatch(r"actions/[-\w]+@v\d+", step["uses"]), step["uses"]


def test_pages_workflow_installs_the_makefiles_debian_packages_with_sudo(workflow):
    runs = [c for s in steps(workflow, "build") if "run" in s for c in commands(s["run"])]
    sudo = [c for c in runs if c[0] == "sudo"]
    assert sudo and all(c[1] == "make" for c in sudo), sudo
    targets = [t for c in sudo for t in c[2:]]
    assert packages_installed_by(*targets) == makefile_packages()


def test_pages_workflow_builds_the_book_and_uploads_the_html(workflow):
    build = steps(workflow, "build")
    runs = [c for s in build if "run" in s for c in commands(s["run"])]
    assert ["make", "book"] in runs
    for command in runs:
        assert command[0] in {"make", "sudo"}, command
        make("-n", *[word for word in command if word != "sudo"][1:])  # every target exists
    dry_run = make("-n", "book")
    assert "-M html . _build" in dry_run and "-M latexpdf . _build" in dry_run and "tools.site_zip" in dry_run
    # The HTML offers the PDF only if it is newer than the sources; latexmk may leave its date alone.
    assert dry_run.index("-M latexpdf") < dry_run.index("touch _build/latex/book.pdf") < dry_run.index("-M html")
    # The PDF's imprint page names the EPUB and the zip only if they are current when it is built.
    assert dry_run.index("-M epub") < dry_run.index("-M latexpdf") and dry_run.index("tools.site_zip") < dry_run.index("-M latexpdf")
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_pages_workflow_sets_the_address_and_repository_conf_reads(workflow):
    from kexuebook.sphinx.html.site_address import published_url, repository_url

    step = next(s for s in steps(workflow, "build") if s.get("run") == "make book")
    env = step["env"]
    assert env["BOOK_BASEURL"] == "${{ steps.pages.outputs.base_url }}/"
    assert any(s.get("id") == "pages" and s["uses"].startswith("actions/configure-pages@") for s in steps(workflow, "build"))
    # What the expressions become on GitHub: the two names are the ones site_address reads.
    assert published_url({"BOOK_BASEURL": "https://owner.github.io/book/"}) == "https://owner.github.io/book/"
    assert env["BOOK_REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert repository_url({"BOOK_REPOSITORY_URL": "https://github.com/owner/book"}) == "https://github.com/owner/book"


# -- Read the Docs -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rtd() -> dict:
    return yaml.safe_load(RTD.read_text(encoding="utf-8"))


def test_rtd_tools_and_debian_packages_are_the_makefiles(rtd):
    assert rtd["version"] == 2
    assert rtd["build"]["tools"] == {"python": "3.11", "nodejs": "20"}
    assert set(rtd["build"]["apt_packages"]) == makefile_packages()
    assert len(rtd["build"]["apt_packages"]) == len(makefile_packages())
    assert rtd["python"]["install"] == [{"requirements": "requirements.txt"}, {"method": "pip", "path": "."}]  # the pins, then kexuebook


def test_rtd_installs_the_npm_assets_and_builds_the_pdf_with_our_latex(rtd):
    jobs = rtd["build"]["jobs"]
    assert ["npm", "ci", "--no-audit", "--no-fund"] in [shlex.split(c) for c in jobs["post_install"]]
    assert rtd["formats"] == ["pdf"] and rtd["sphinx"] == {"configuration": "conf.py", "fail_on_warning": True}
    html = [shlex.split(c) for c in jobs["build"]["html"]]
    sphinx = [c for c in html if c[:3] == ["python", "-m", "sphinx"]]
    # The zip, then the PDF (whose imprint page names the zip), then the HTML that offers both.
    assert [c[3:5] for c in sphinx] == [["-b", "html"], ["-M", "latexpdf"], ["-b", "html"]]
    assert [c[:3] for c in html].index(["python", "-m", "tools.site_zip"]) < html.index(sphinx[1])
    assert any("kexuebook_pdf_file=_build/latex/book.pdf" in c for c in sphinx[-1])
    assert sphinx[-1][-1] == "$READTHEDOCS_OUTPUT/html"
    pdf = [shlex.split(c) for c in jobs["build"]["pdf"]]
    assert pdf[-1] == ["cp", "_build/latex/book.pdf", "$READTHEDOCS_OUTPUT/pdf/"]


def test_rtd_commands_exist_here_and_parse(rtd):
    jobs = rtd["build"]["jobs"]
    every = [shlex.split(c, comments=True) for c in [*jobs["post_checkout"], *jobs["post_install"], *jobs["build"]["html"], *jobs["build"]["pdf"]]]
    for command in every:
        assert shutil.which(command[0]) or command[0] == "python", command
        if command[:3] == ["python", "-m", "sphinx"]:
            check_sphinx_command(command)
        elif command[:2] == ["python", "-m"]:
            assert (ROOT / (command[2].replace(".", "/") + ".py")).is_file(), command


def test_rtd_builds_the_zip_as_make_does(rtd):
    """The site zip's build on Read the Docs uses the Makefile's options for it."""
    recipe = make("-n", "site-zip")
    for option in ("-D kexuebook_pdf_file=", "-D kexuebook_site_zip_file=", "-D html_show_search_summary=0"):
        assert option in recipe and any(option in c for c in rtd["build"]["jobs"]["build"]["html"]), option


# -- what the address and repository give a reader ---------------------------------------------
def published_pages(site: Path) -> list[str]:
    names = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sorted(n for n in names if not n.startswith(("_static/", "_sources/", "_images/")))


def test_the_sitemap_lists_every_page_at_the_published_address(site_zip_build):
    site = site_zip_build / "site"
    tree = ElementTree.parse(site / "sitemap.xml")
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert all(loc.startswith(BASE) for loc in locs), locs[:3]
    assert not [loc for loc in locs if "zh_CN" in loc or "zh-CN" in loc]  # no language prefix
    assert sorted(loc.removeprefix(BASE) for loc in locs) == sorted(set(published_pages(site)) - NOT_IN_SITEMAP)
    assert not list(tree.iter("{http://www.w3.org/1999/xhtml}link"))  # no alternate languages


def test_every_page_names_its_canonical_address(site_zip_build):
    site = site_zip_build / "site"
    for name in published_pages(site):
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        canonical = soup.select('link[rel="canonical"]')
        if name == "404.html":
            continue  # served at any address; its <base> is the book's address
        assert len(canonical) == 1 and canonical[0]["href"] == BASE + name, name


def test_a_local_build_invents_no_address_and_no_repository(html_dir):
    assert not (html_dir / "sitemap.xml").exists()
    cover = (html_dir / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in cover and "source-edit-button" not in cover and "github.com" not in cover


def test_the_source_buttons_point_at_the_hand_written_chapter(site_zip_build):
    site = site_zip_build / "site"
    chapters = [n for n in published_pages(site) if n.startswith("chapters/") and not n.endswith("/index.html")]
    assert len(chapters) == 8
    for name in chapters:
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        edit = soup.select_one("a.btn-source-edit-button")
        source = soup.select_one("a.btn-source-file-button")
        issue = soup.select_one("a.btn-source-issues-button")
        assert edit is not None and source is not None and issue is not None, name
        path = edit["href"].removeprefix(f"{REPO}/edit/main/")
        assert path == name.removesuffix(".html") + ".md" and (ROOT / path).is_file(), edit["href"]
        assert "_generated" not in path and "{include}" in (ROOT / path).read_text(encoding="utf-8")
        assert source["href"] == f"{REPO}/blob/main/{path}?plain=1"
        assert issue["href"].startswith(f"{REPO}/issues/new?")


@pytest.mark.parametrize("value", ["books.example.org", "ftp://x/", "https://"])
def test_a_malformed_address_stops_the_build_with_its_name(value):
    from kexuebook.sphinx.html.site_address import published_url

    with pytest.raises(ValueError, match="BOOK_BASEURL"):
        published_url({"BOOK_BASEURL": value})

"""The site's build settings, on a two-page book built with the course's own configuration.

A broken internal link fails the build with the flags of `make book`; a clean book builds, and
its pages load MathJax and every other script and style from the site itself, not a CDN.
(The whole site in a browser: tests/test_site_browser.py.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import book_flags, build_book
from nbutils import ROOT

pytestmark = pytest.mark.slow

PAGE = "# A page\n\nAn equation, $h_t = \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)$.\n\nSee [the other page](other.md).\n"


def _tiny_book(folder: Path, link: str) -> Path:
    """A two-page book with the course's _config.yml (no notebooks to execute)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {"execute_notebooks": "off"}
    config.pop("exclude_patterns", None)
    (folder / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    shutil.copytree(ROOT / "_ext", folder / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: other\n")
    (folder / "intro.md").write_text(PAGE)
    (folder / "other.md").write_text(f"# The other page\n\nBack to [the first page]({link}).\n")
    return folder


def test_make_book_fails_on_warnings():
    assert {"-W", "-n"} <= set(book_flags()), f"make book should fail on warnings: BOOK_FLAGS = {book_flags()}"


def test_a_broken_internal_link_fails_the_build(tmp_path):
    proc = build_book(_tiny_book(tmp_path, "no-such-page.md"), tmp_path, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, "a link to a missing page should fail the build\n" + log[-2000:]
    assert "no-such-page" in log, "the build log should name the broken link\n" + log[-2000:]


def test_pages_load_mathjax_and_assets_from_the_site(tmp_path):
    proc = build_book(_tiny_book(tmp_path, "intro.md"), tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = tmp_path / "_build" / "html"
    page = (html / "intro.html").read_text(encoding="utf-8")
    mathjax = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', page, re.I)
    assert mathjax == ["_static/mathjax/tex-chtml.js"], f"MathJax should come from the site: {mathjax}"
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert list((html / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    remote = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', page)
    assert not remote, f"the page loads files from other hosts: {remote}"

"""The built site in a real browser, offline: headless Chromium opens every page from disk.

The network is blocked (every host name resolves to nothing and every http(s) request goes
to a closed proxy), as for a reader with no connection. On every page: no request leaves the
disk, no console error, every image loaded, every equation typeset by MathJax (served from
the site itself). On every chapter page: the launch buttons for JupyterHub, Binder and Colab,
well formed and pointing at the repository and hub of ``_config.yml``. On the search page:
"vanishing" finds Chapter 1. A screenshot of each page is saved in ``test-artifacts/site/``.

Needs Chromium and its driver: Debian/Ubuntu ``apt-get install chromium chromium-driver``
(``.ci/run`` installs them).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from headless import find_browser, start_chromium
from nbutils import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
from launch_link import launch_link  # noqa: E402

# Built by conftest.book, shared with test_book: the same work unit (conftest.BOOK_MODULES).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

ARTIFACTS = ROOT / "test-artifacts" / "site"
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "devtools"}
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
LAUNCH = CONFIG["launch_buttons"]


def test_missing_browser_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium chromium-driver"):
        find_browser()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium under Selenium, with the network blocked and every request logged."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), performance_log=True)
    yield driver
    driver.quit()


def _pages(html: Path) -> list[Path]:
    """Every page of the site (not the theme's own files or the sources)."""
    skip = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(p for p in html.rglob("*.html") if not skip & set(p.relative_to(html).parts))


def _requests(driver) -> list[str]:
    """URLs of the requests the page made since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


# In the page: wait for MathJax to finish (when the page loads it), then report.
REPORT_JS = """
const done = arguments[arguments.length - 1];
document.querySelectorAll('img').forEach(img => { img.loading = 'eager'; });
const images = () => Promise.all(Array.from(document.images).map(img => img.complete ? null :
    new Promise(resolve => { img.onload = img.onerror = resolve; })));
const math = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
Promise.all([math, images()]).then(() => done({
    mathjax: !!(window.MathJax && MathJax.version),
    mathjaxVersion: window.MathJax && MathJax.version,
    mathSpans: document.querySelectorAll('.math').length,
    untypeset: Array.from(document.querySelectorAll('.math'))
        .filter(el => !el.querySelector('mjx-container') && el.tagName !== 'MJX-CONTAINER')
        .map(el => el.textContent.slice(0, 80)),
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
    brokenImages: Array.from(document.images).filter(img => !(img.complete && img.naturalWidth > 0))
        .map(img => img.getAttribute('src')),
    images: document.images.length,
    launch: Array.from(document.querySelectorAll('a')).map(a => a.href)
        .filter(h => /git-pull|mybinder|colab/.test(h)),
}), error => done({error: String(error)}));
"""


@pytest.fixture(scope="module")
def visits(book, browser):
    """Open every page once: {page path relative to the site: (report, requests, console)}."""
    html = book[0] / "html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    _requests(browser), browser.get_log("browser")  # start with empty logs
    seen = {}
    for page in _pages(html):
        name = page.relative_to(html).as_posix()
        browser.get(page.as_uri())
        report = browser.execute_async_script(REPORT_JS)
        browser.save_screenshot(str(ARTIFACTS / (name.replace("/", "__").removesuffix(".html") + ".png")))
        seen[name] = (report, _requests(browser), browser.get_log("browser"))
    return seen


def test_every_page_was_opened(visits):
    names = set(visits)
    assert {"index.html", "intro.html", "search.html", "glossary.html",
            "chapters/01-rnn-anatomy/rnn_anatomy.html"} <= names, sorted(names)
    assert len(list(ARTIFACTS.glob("*.png"))) == len(visits), "one screenshot per page"


def test_no_request_leaves_the_disk(visits):
    for name, (_, urls, _) in visits.items():
        remote = [u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES]
        assert not remote, f"{name} requested other hosts (the site must work offline): {remote[:5]}"


def test_no_console_errors(visits):
    for name, (report, _, console) in visits.items():
        assert "error" not in report, f"{name}: {report['error']}"
        errors = [entry["message"] for entry in console if entry["level"] == "SEVERE"]
        assert not errors, f"{name}: console errors: {errors[:5]}"


def test_every_image_loads(visits):
    for name, (report, _, _) in visits.items():
        assert not report["brokenImages"], f"{name}: images that did not load: {report['brokenImages']}"
    chapter = visits["chapters/01-rnn-anatomy/rnn_anatomy.html"][0]
    assert chapter["images"] >= 3, f"Chapter 1 should show its figures, found {chapter['images']} images"


def test_math_is_typeset_offline(visits):
    with_math = {name: report for name, (report, _, _) in visits.items() if report["mathSpans"]}
    assert {f"chapters/0{i}" for i in range(1, 7)} <= {name[:11] for name in with_math}, \
        f"every chapter has equations; pages with math: {sorted(with_math)}"
    for name, report in with_math.items():
        assert report["mathjax"], f"{name} has equations but MathJax did not load"
        assert report["mathjaxVersion"].startswith("3."), report["mathjaxVersion"]
        assert not report["untypeset"], f"{name}: equations left as raw TeX: {report['untypeset'][:3]}"
        assert report["typeset"] >= report["mathSpans"] and not report["mathErrors"], (name, report)


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_chapter_pages_have_launch_buttons(visits):
    chapters = {name: report for name, (report, _, _) in visits.items() if name.startswith("chapters/")}
    assert len(chapters) == 6, sorted(chapters)
    org_repo = "/".join(urlsplit(REPO_URL).path.strip("/").split("/")[:2])
    for name, report in chapters.items():
        notebook = name.removesuffix(".html") + ".ipynb"
        assert (ROOT / notebook).is_file(), f"{name}: no notebook {notebook} in the repository"
        links = set(report["launch"])
        hub = [u for u in links if "/hub/user-redirect/git-pull" in u]
        binder = [u for u in links if "mybinder" in u]
        colab = [u for u in links if "colab.research.google.com" in u]
        assert len(hub) == len(binder) == len(colab) == 1, f"{name}: launch links {sorted(links)}"
        # JupyterHub: the same nbgitpuller link as deploy/launch_link.py builds (docs/instructor/hub.md).
        expected = launch_link(LAUNCH["jupyterhub_url"], REPO_URL, BRANCH, notebook)
        assert hub[0].split("?")[0] == expected.split("?")[0], (hub[0], expected)
        assert _query(hub[0]) == _query(expected), (hub[0], expected)
        assert binder[0] == (f"{LAUNCH['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{BRANCH}"
                             f"?urlpath=lab/tree/{notebook}"), binder[0]
        assert colab[0] == (f"{LAUNCH['colab_url'].rstrip('/')}/github/{org_repo}/blob/{BRANCH}/{notebook}"), \
            colab[0]


def test_chapters_install_the_course_from_the_configured_repository():
    """Colab: the first cell installs the course from the repository of _config.yml."""
    package = f'COURSE_PACKAGE = "course-utils @ git+{REPO_URL}@{BRANCH}"'
    for notebook in sorted((ROOT / "chapters").glob("*/*.ipynb")):
        setup = next(c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")
        assert package in "".join(setup["source"]), \
            f"{notebook.name}: the install line must read {package} (run `make release`)"


def test_search_finds_chapter_1(book, browser):
    page = book[0] / "html" / "search.html"
    browser.get(page.as_uri() + "?q=vanishing")
    found = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const start = Date.now();
        (function poll() {
            const links = Array.from(document.querySelectorAll('#search-results a, ul.search a'))
                .map(a => a.getAttribute('href'));
            if (links.length || Date.now() - start > 30000) { done(links); } else { setTimeout(poll, 200); }
        })();
    """)
    browser.save_screenshot(str(ARTIFACTS / "search-vanishing.png"))
    assert any(re.search(r"chapters/01-rnn-anatomy/rnn_anatomy\.html", link or "") for link in found), \
        f"searching 'vanishing' should list Chapter 1; it listed {found[:10]}"

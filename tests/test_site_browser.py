"""The built site in a real browser, offline: headless Chromium opens every page from disk.

The network is blocked (every host name resolves to nothing and every http(s) request goes
to a closed proxy), as for a reader with no connection. On every page: no request leaves the
disk, no console error, every image loaded, every equation typeset by MathJax (served from
the site itself). On every chapter page: the launch buttons for JupyterHub, Binder and Colab,
well formed and pointing at the repository and hub of ``_config.yml``. On the search page:
"vanishing" finds Chapter 1. On every page, axe-core finds no serious or critical accessibility
violation. A screenshot of each page is saved in ``test-artifacts/site/``.

Needs Chromium and its driver: Debian/Ubuntu ``apt-get install chromium chromium-driver``
(``.ci/run`` installs them); and axe-core, the npm package pinned in
``tests/browser-tools/package.json``, which `make venv` and `make test` install with npm.
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
from nbutils import ROOT, admonitions, read

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
# axe-core, injected into every page (the pages are files and the network is blocked).
BROWSER_TOOLS = ROOT / "tests" / "browser-tools"
AXE = BROWSER_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = json.loads((BROWSER_TOOLS / "package.json").read_text(encoding="utf-8"))["dependencies"]["axe-core"]
AXE_HINT = ("Install axe-core for the accessibility check of the site: `npm ci --prefix tests/browser-tools` "
            "(`make venv` and `make test` run it; Node.js and npm: `sudo apt-get install nodejs npm`).")
#: Impacts that fail the check; axe-core's others are "moderate" and "minor".
FAILING_IMPACTS = {"serious", "critical"}


def test_missing_browser_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium chromium-driver"):
        find_browser()


def axe_source() -> str:
    """axe-core's script (axe.min.js); fails with what to install when it is missing."""
    if not AXE.is_file():
        pytest.fail(f"axe-core not found ({AXE.relative_to(ROOT)}). {AXE_HINT}", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def test_missing_axe_says_what_to_install(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "AXE", ROOT / "tests" / "no-such-folder" / "axe.min.js")
    with pytest.raises(pytest.fail.Exception, match=r"npm ci --prefix tests/browser-tools"):
        axe_source()


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
    admonitions: Array.from(document.querySelectorAll('div.admonition')).map(a => ({
        classes: Array.from(a.classList),
        title: (a.querySelector('.admonition-title') || a).textContent.trim()})),
}), error => done({error: String(error)}));
"""


# In the page, once axe-core is loaded: its violations, as plain data.
AXE_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(results => done(results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.join(' '), html: n.html.slice(0, 200),
                              summary: n.failureSummary})),
}))), error => done([{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]));
"""


def open_pages(html: Path, browser) -> dict[str, tuple[dict, list[str], list[dict]]]:
    """Open every page of the site in ``html``: {page path relative to ``html``: (report, requests, console)}.

    The report holds REPORT_JS's findings and, when axe-core is installed, its violations
    under ``"axe"`` (None otherwise; test_no_serious_accessibility_violations then says what to
    install). A screenshot of each page goes to ARTIFACTS.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    axe = AXE.read_text(encoding="utf-8") if AXE.is_file() else None
    _requests(browser), browser.get_log("browser")  # start with empty logs
    seen = {}
    for page in _pages(html):
        name = page.relative_to(html).as_posix()
        browser.get(page.as_uri())
        report = browser.execute_async_script(REPORT_JS)
        browser.save_screenshot(str(ARTIFACTS / (name.replace("/", "__").removesuffix(".html") + ".png")))
        seen[name] = (report, _requests(browser), browser.get_log("browser"))
        if axe is not None:  # after the console log is read: axe-core's own messages are not the page's
            browser.execute_script(axe)
            report["axe"] = browser.execute_async_script(AXE_JS)
            browser.get_log("browser")
        else:
            report["axe"] = None
    return seen


@pytest.fixture(scope="module")
def visits(book, browser):
    """Open every page once: {page path relative to the site: (report, requests, console)}."""
    return open_pages(book[0] / "html", browser)


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


def test_chapter_admonitions_are_boxes(visits):
    """Every admonition of a chapter's notebook is a box of its kind and title on the page.

    The website's side of CONTRIBUTING.md's rule on admonitions; tests/test_lab_browser.py
    checks JupyterLab and Notebook 7.
    """
    chapters = {name: report for name, (report, _, _) in visits.items() if name.startswith("chapters/")}
    for name, report in chapters.items():
        expected = admonitions(read(ROOT / (name.removesuffix(".html") + ".ipynb")))
        shown = report["admonitions"]
        assert len(shown) == len(expected), f"{name}: admonitions in the notebook {expected}, on the page {shown}"
        for (kind, title), box in zip(expected, shown):
            assert kind in box["classes"] and box["title"].startswith(title), f"{name}: {(kind, title)} shown as {box}"
    assert sum(len(report["admonitions"]) for report in chapters.values()) >= 6, "every chapter has admonitions"


def serious_violations(report: dict) -> list[str]:
    """The page's axe-core violations of impact serious or critical, one line per element."""
    return [f"{v['id']} ({node['impact'] or v['impact']}): {v['help']}; at {node['target']}: {node['html']}"
            for v in report["axe"] for node in (v["nodes"] or [{"impact": v["impact"], "target": "", "html": ""}])
            if (node["impact"] or v["impact"]) in FAILING_IMPACTS]


def test_no_serious_accessibility_violations(visits):
    """axe-core's default rules (WCAG 2 A and AA, best practices) on every page: nothing serious or critical."""
    axe_source()  # fails with what to install when axe-core is missing
    found = {name: serious_violations(report) for name, (report, _, _) in visits.items()}
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, "accessibility violations (axe-core " + AXE_VERSION + "):\n" + "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines[:10])


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

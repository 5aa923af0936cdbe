"""The student notebooks in JupyterLab and in Notebook 7, in a real browser.

Each app runs as students get it (requirements.txt: the jupyterlab-myst extension renders
markdown cells as MyST), on a copy of chapters/ on a free loopback port with a token and its
own configuration, runtime and settings folders. Headless Chromium, with every other host
blocked, opens all six chapters in one browser session and checks that every markdown cell is
rendered by MyST and that every admonition of the source (a ```` ```{note} ```` or
```` ```{admonition} Title ```` fence) is an admonition box of the same kind on the page,
with no raw MyST markup (```` ```{ ````, ``:class:``, ``**``) left in the text. The notebooks
are not trusted, as a freshly fetched assignment is not. A screenshot of one admonition per
app is saved in ``test-artifacts/lab/``.

Needs Chromium and its driver, as tests/test_site_browser.py (tests/headless.py).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from headless import start_chromium
from nbutils import BIN, CHAPTERS, KINDS, ROOT, SOLUTIONS, admonition_fences, admonitions

slow = pytest.mark.slow  # the browser tests; the syntax check below is fast

ARTIFACTS = ROOT / "test-artifacts" / "lab"
APPS = {"lab": "JupyterLab", "notebook": "Notebook 7"}
#: Settings of the test's own servers: every cell in the page at once (the test counts them;
#: a cell renders the same either way), no news fetched from the network, no saving.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}
#: Console levels kept, for the check that jupyterlab-myst logs no error or warning.
LOGGED = {"SEVERE", "WARNING"}


def test_admonitions_use_the_syntax_that_renders_everywhere():
    """Fast, no browser: every admonition of solutions/ is written as CONTRIBUTING.md says.

    A backtick fence, as in every chapter (where no MyST renders it, as on GitHub or Colab, it
    shows as a code block; a colon fence would run into the text), with one of nbutils.KINDS as
    the directive, or a titled ``{admonition}`` with one of them as its ``:class:``.
    """
    bad = []
    for path in sorted(SOLUTIONS.glob("*/*.ipynb")):
        for line, kind, title in admonition_fences(nbformat.read(path, as_version=4)):
            if kind not in KINDS:
                bad.append((path.name, line, f"`:class:` {kind!r} is not one of {sorted(KINDS)}"))
            if line.startswith("```{admonition}") and not title:
                bad.append((path.name, line, "an {admonition} needs a title"))
            if not line.startswith("```"):
                bad.append((path.name, line, "use a backtick fence"))
    assert not bad, f"admonitions that do not render the same on the website and in JupyterLab: {bad}"


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    """HTTP status of ``url``, never through a proxy from the environment."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as response:
        return response.status


@contextmanager
def jupyter_server(app: str, root: Path, state: Path) -> Iterator[tuple[str, str]]:
    """``jupyter <app>`` serving ``root`` on a free loopback port: yields (base URL, token).

    Its configuration, data, runtime, settings and workspaces live in ``state``, so that no
    setting of the machine's user reaches it and nothing of it stays.
    """
    for folder in ["config", "data", "runtime", "ipython"]:
        (state / folder).mkdir(parents=True, exist_ok=True)
    for plugin, values in SETTINGS.items():
        path = state / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_DATA_DIR": str(state / "data"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "IPYTHONDIR": str(state / "ipython"),
           "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces")}
    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    log_path = state / f"{app}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "jupyter"), app, "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             *(["--LabApp.expose_app_in_browser=True"] if app == "lab" else [])],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(f"{base}/api/status?token={token}") == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`jupyter {app}` did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield base, token
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# In the page: `report(root, expected)` waits until ``root`` shows ``expected`` rendered markdown
# cells (or 120 s pass: a loaded test machine), then reports what they show.
REPORT_FUNCTION = r"""
function report(root, expected) {
  const cells = () => Array.from(root.querySelectorAll('.jp-Notebook .jp-MarkdownCell'));
  const output = cell => cell.querySelector('.myst, .jp-RenderedMarkdown');
  const text = (el, skip) => { const copy = el.cloneNode(true);
      copy.querySelectorAll(skip).forEach(e => e.remove()); return copy.textContent; };
  const start = Date.now();
  return new Promise(resolve => (function poll() {
    const all = cells();
    const ready = all.length >= expected && all.every(c => output(c) && output(c).childElementCount);
    if (!ready && Date.now() - start < 120000) { setTimeout(poll, 250); return; }
    const rendered = all.map(output).filter(Boolean);
    resolve({
      seconds: (Date.now() - start) / 1000,
      markdownCells: all.length,
      myst: all.filter(c => c.querySelector('.myst')).length,
      unrendered: all.filter(c => !output(c) || !output(c).childElementCount).length,
      admonitions: Array.from(root.querySelectorAll('.jp-MarkdownCell .myst aside.myst-admonition'))
        .map(a => ({kinds: Array.from(a.classList).filter(k => k.startsWith('myst-admonition-'))
                          .map(k => k.slice('myst-admonition-'.length)),
                    title: (a.firstElementChild || a).textContent.trim()})),
      // Raw markup: a fence or an option anywhere in the text, `**` outside code and math.
      raw: rendered.flatMap(el => {
        const all = text(el, 'script, style'), prose = text(el, 'code, pre, .katex, script, style');
        return [...(all.match(/```\{[^\n]{0,40}|:class:[^\n]{0,30}/g) || []),
                ...(prose.match(/.{0,30}\*\*.{0,30}/g) || [])];
      }),
    });
  })());
}
"""
# Notebook 7: one notebook per page.
NOTEBOOK_JS = REPORT_FUNCTION + "report(document, arguments[0]).then(arguments[arguments.length - 1]);"
# JupyterLab: one page (its app exposed as window.jupyterapp) opens the chapters one after the
# other, as a student does from the file browser; the previous one is closed first.
LAB_JS = REPORT_FUNCTION + r"""
const [path, expected, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
(function wait() {
  const app = window.jupyterapp;
  if (!app) { setTimeout(wait, 100); return; }
  app.restored.then(async () => {
    for (const widget of Array.from(app.shell.widgets('main'))) { widget.dispose(); }
    const widget = await app.commands.execute('docmanager:open', {path});
    done(await report(widget.node, expected));
  }).catch(error => done({error: String(error)}));
})();
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for both apps; only loopback addresses are reachable."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), loopback=True)
    driver.set_script_timeout(180)  # longer than a page's wait for its cells (REPORT_FUNCTION)
    driver.set_page_load_timeout(180)
    yield driver
    driver.quit()


@pytest.fixture(scope="module", params=sorted(APPS))
def opened(request, browser, tmp_path_factory):
    """Every chapter opened in one app: (app, {notebook: (source admonitions, markdown cells, report)})."""
    app = request.param
    root = tmp_path_factory.mktemp(f"{app}-root")
    shutil.copytree(CHAPTERS, root / "chapters")  # a copy: nothing the app does reaches chapters/
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{app}-admonition.png").unlink(missing_ok=True)
    notebooks = sorted(p.relative_to(root).as_posix() for p in (root / "chapters").glob("*/*.ipynb"))
    seen = {}
    with jupyter_server(app, root, tmp_path_factory.mktemp(f"{app}-state")) as (base, token):
        if app == "lab":
            browser.get(f"{base}/lab?reset&token={token}")
        browser.get_log("browser")  # start with an empty console log
        for index, notebook in enumerate(notebooks):
            nb = nbformat.read(root / notebook, as_version=4)
            markdown = sum(cell.cell_type == "markdown" for cell in nb.cells)
            if app == "lab":
                report = browser.execute_async_script(LAB_JS, notebook, markdown)
            else:
                browser.get(f"{base}/notebooks/{notebook}?token={token}")
                report = browser.execute_async_script(NOTEBOOK_JS, markdown)
            report["console"] = [e["message"] for e in browser.get_log("browser") if e["level"] in LOGGED]
            seen[notebook] = (admonitions(nb), markdown, report)
            if index == 0:
                _screenshot(browser, ARTIFACTS / f"{app}-admonition.png")
    return app, seen


def _screenshot(driver, path: Path) -> None:
    """Scroll the page's first "Predict, then run" admonition (else its first) into view; save the window."""
    driver.execute_script("""
        const boxes = Array.from(document.querySelectorAll('.jp-MarkdownCell aside.myst-admonition'));
        const box = boxes.find(b => b.textContent.includes('Predict')) || boxes[0];
        if (box) { box.scrollIntoView({block: 'center'}); }
    """)
    time.sleep(0.5)  # let the scroll settle
    driver.save_screenshot(str(path))


@slow
def test_all_chapters_open(opened):
    """All six chapters open, and every markdown cell of each is rendered."""
    app, seen = opened
    assert len(seen) == 6, f"{APPS[app]}: chapters opened: {sorted(seen)}"
    for notebook, (_, markdown, report) in seen.items():
        assert "error" not in report, f"{APPS[app]}, {notebook}: {report['error']}"
        assert report["markdownCells"] == markdown and not report["unrendered"], \
            f"{APPS[app]}, {notebook}: {report['unrendered']} of {markdown} markdown cells not rendered ({report})"


@slow
def test_markdown_is_rendered_by_myst(opened):
    """The jupyterlab-myst renderer, not JupyterLab's plain markdown, renders every markdown cell."""
    app, seen = opened
    for notebook, (_, markdown, report) in seen.items():
        assert report["myst"] == markdown, (
            f"{APPS[app]}, {notebook}: {report['myst']} of {markdown} markdown cells rendered by MyST; is "
            "jupyterlab-myst installed (requirements.txt) and enabled (`jupyter labextension list`)?")


@slow
def test_every_admonition_is_a_box(opened):
    """As many admonition boxes as the notebook has admonitions, each of its kind and title."""
    app, seen = opened
    assert sum(len(expected) for expected, _, _ in seen.values()) >= 6, "every chapter has admonitions"
    for notebook, (expected, _, report) in seen.items():
        shown = report["admonitions"]
        assert len(shown) == len(expected), (
            f"{APPS[app]}, {notebook}: {len(expected)} admonitions in the source, {len(shown)} rendered: "
            f"{expected} / {shown}")
        for (kind, title), box in zip(expected, shown):
            assert kind in box["kinds"], f"{APPS[app]}, {notebook}: {kind!r} admonition shown as {box}"
            assert not title or box["title"].startswith(title), \
                f"{APPS[app]}, {notebook}: admonition titled {title!r} shows {box['title']!r}"


@slow
def test_no_raw_markup(opened):
    """No fence, option or `**` of MyST left as text in a rendered cell."""
    app, seen = opened
    for notebook, (_, _, report) in seen.items():
        assert not report["raw"], f"{APPS[app]}, {notebook}: raw MyST markup in rendered cells: {report['raw'][:5]}"


@slow
def test_myst_logs_no_error(opened):
    """No console error or warning from jupyterlab-myst (nor about the shared @jupyter/ydoc it declares).

    The apps' own messages are not checked: Notebook 7.6 logs a TypeError of its own on every
    page, and leaving a notebook that the kernel's `language_info` made unsaved logs a blocked
    `beforeunload` prompt, with or without jupyterlab-myst.
    """
    app, seen = opened
    for notebook, (_, _, report) in seen.items():
        myst = [m for m in report["console"] if re.search(r"myst|@jupyter/ydoc|Unsatisfied version", m, re.I)]
        assert not myst, f"{APPS[app]}, {notebook}: jupyterlab-myst logged: {myst[:5]}"


@slow
def test_screenshot_saved(opened):
    """The screenshot of Chapter 1 with an admonition is in test-artifacts/lab/."""
    app, _ = opened
    assert (ARTIFACTS / f"{app}-admonition.png").is_file(), f"no screenshot of {APPS[app]} in {ARTIFACTS}"

"""Headless Chromium under Selenium, for the browser tests (the website, JupyterLab, Notebook 7).

Needs Chromium and its driver: Debian/Ubuntu ``apt-get install chromium chromium-driver``
(``.ci/run`` installs them). The network is blocked: no host name resolves and every http(s)
request goes to a closed proxy. ``loopback=True`` lets requests to 127.0.0.1 through (a
Jupyter server the test started); otherwise only ``file://`` pages load.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

INSTALL_HINT = ("Install Chromium and its driver to run the browser tests: "
                "`sudo apt-get install chromium chromium-driver` (Debian/Ubuntu; .ci/run does this in CI), "
                "or put a `chromium` and a matching `chromedriver` on PATH.")


def find_browser() -> tuple[str, str]:
    """Paths of the Chromium binary and of chromedriver; fails with what to install when missing."""
    chromium = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        missing = " and ".join(name for name, path in [("chromium", chromium), ("chromedriver", driver)]
                               if not path)
        pytest.fail(f"{missing} not found. {INSTALL_HINT}", pytrace=False)
    return chromium, driver


def start_chromium(profile: Path, *, loopback: bool = False, performance_log: bool = False):
    """A headless Chromium (a Selenium ``WebDriver``) with its profile in ``profile``, offline.

    Args:
        profile: an empty folder for the browser's profile.
        loopback: let requests to 127.0.0.1 through (a local Jupyter server); without it even
            those go to the closed proxy.
        performance_log: record every request in the ``performance`` log (``requests``).

    Returns:
        The driver; the caller quits it.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    # No network: no name resolves, and any http(s) request goes to a closed port. Chromium
    # sends loopback addresses past the proxy by itself; `<-loopback>` takes that away.
    resolver = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" if loopback else "MAP * ~NOTFOUND"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                 f"--host-resolver-rules={resolver}", "--proxy-server=http://127.0.0.1:9",
                 *([] if loopback else ["--proxy-bypass-list=<-loopback>"]),
                 f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    logs = {"browser": "ALL", **({"performance": "ALL"} if performance_log else {})}
    options.set_capability("goog:loggingPrefs", logs)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver

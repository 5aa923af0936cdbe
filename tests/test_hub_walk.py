"""A student's walk through the course's JupyterHub in a real browser, and the memory it takes.

The slow test starts the hub in test mode (tests/hubutils.py, as test_hub.py does) and the
instructor releases Chapter 1 meanwhile. Then headless Chromium, under Selenium, does what a
student does, through JupyterLab's own interface:

1. logs in on the hub's login page as ``student`` (the hub starts their server);
2. opens Nbgrader > Assignment List and fetches Chapter 1;
3. opens the fetched notebook from the list, runs the set-up cell, types the answer of
   Exercise 1 (the instructor's, from solutions/) over its ``raise NotImplementedError()``
   and runs the answer and its test cell;
4. presses Validate (nbgrader runs the whole notebook again in a second kernel, next to the
   student's: the session's memory peak) and reads the result;
5. presses Submit in the Assignment List.

The instructor then collects, grades and returns the feedback with the commands of
docs/instructor/workflow.md (``nbgrader collect``, ``python -m course_grading autograde``,
``nbgrader generate_feedback``, ``nbgrader release_feedback``), and the student, back in the
Assignment List, presses Fetch Feedback and "view feedback": the feedback page opens in a
tab (deploy/jupyter/common/labextensions), its table gives Exercise 1 full marks and every
exercise the gradebook's total.

Throughout, a thread samples the memory of the student's single-user server and everything
it starts (their kernel, Validate's kernel): the peak must stay below the hub's student memory
limit, read from deploy/jupyterhub_config.py (``STUDENT_MEM_LIMIT``) and checked against the
limit the hub gave the server. Each step's wall time and the memory peaks are printed
(pytest -s); a screenshot of each step is saved as test-artifacts/hub-walk-NN-<step>.png.

The test skips only where Node.js or npm is missing (JupyterHub's proxy, like test_hub.py), and
fails with what to install where Chromium or its driver is missing (tests/headless.py, like the other browser
tests; the browser reaches the hub on loopback and nothing else).

Two fast tests check the course's lab extension without a hub: the servers' configuration puts it
where JupyterLab finds prebuilt extensions, and its plugin, run by Node.js against a stand-in for
JupyterLab's app, opens the HTML page of a feedback folder and nothing else.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from jupyterhub.traitlets import ByteSpecification
from nbgrader.api import Gradebook
from traitlets.config import Config

from headless import find_browser, start_chromium
from hubutils import CHAPTER, COURSE, DEPLOY, NOTEBOOK, SOLUTION, Hub, Phases, TreeMemory, ensure_proxy, start_hub
from nbutils import BIN, ROOT, SOLUTION_REGION, exercises, feedback_totals, grade_id, quiet_env, read, run

ARTIFACTS = ROOT / "test-artifacts"
ADMIN_TOKEN = "course-admin-" + os.urandom(16).hex()
MIB = 2**20
# The notebook tab of JupyterLab that is showing, and its cells.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# The three lists of nbgrader's Assignment List.
RELEASED, FETCHED, SUBMITTED = (f"//div[@id='{name}_assignments_list']" for name in ("released", "fetched",
                                                                                       "submitted"))


def student_mem_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """``STUDENT_MEM_LIMIT`` of deploy/jupyterhub_config.py, in bytes (the configuration run in test mode)."""
    with monkeypatch.context() as patch:
        patch.setenv("COURSE_HUB_MODE", "test")
        patch.setenv("COURSE_HUB_STATE", str(tmp_path / "config-state"))
        config = runpy.run_path(str(DEPLOY / "jupyterhub_config.py"), init_globals={"get_config": Config})
    return int(ByteSpecification().validate(None, config["STUDENT_MEM_LIMIT"]))


@dataclass(frozen=True)
class FirstExercise:
    """What the walk needs of Chapter 1's first exercise, from the instructor's notebook."""

    answer_id: str
    answer_start: str  # the answer cell's first line, to find it in the page
    answer: str  # the solution's one line, which the student types over the stub
    test_start: str  # the first line of its (first) test cell
    points: float


def first_exercise() -> FirstExercise:
    """Chapter 1's first exercise; its solution must be one line (the walk types it)."""
    nb = read(SOLUTION)
    first = exercises(nb)[0]
    source = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
    (region,) = SOLUTION_REGION.findall(source[first.solution_id])
    lines = [line.strip() for line in region.splitlines() if line.strip()]
    assert len(lines) == 1, f"the walk types a one-line answer; {first.solution_id}'s solution has {len(lines)} lines"
    return FirstExercise(first.solution_id, source[first.solution_id].splitlines()[0], lines[0],
                         source[first.test_ids[0]].splitlines()[0], first.points)


class Walk:
    """The browser, the step timer and the memory sampler of one walk; a screenshot after each step."""

    def __init__(self, driver, phases: Phases) -> None:
        self.driver = driver
        self.phases = phases
        self.memory: TreeMemory | None = None
        self.count = 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the step, label the memory samples with it, then save hub-walk-NN-<name>.png."""
        self.count += 1
        label = f"{self.count:02d}-{name}"
        if self.memory:
            self.memory.phase = label
        with self.phases(label):
            yield
        self.driver.save_screenshot(str(ARTIFACTS / f"hub-walk-{label}.png"))

    def wait(self, condition: Callable, timeout: float, what: str):
        """Selenium's explicit wait, failing with what was awaited; JupyterLab re-rendering an element is no failure."""
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                             ).until(condition, f"waiting for {what}")

    def element(self, by: str, selector: str, timeout: float = 30, clickable: bool = True):
        """The element, once it is visible (and enabled, when ``clickable``)."""
        from selenium.webdriver.support import expected_conditions as ec

        condition = ec.element_to_be_clickable if clickable else ec.visibility_of_element_located
        return self.wait(condition((by, selector)), timeout, selector)

    def keys(self, *keys: str, shift: bool = False) -> None:
        """Type keys at the focused element (with Shift held, if asked)."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        chain = ActionChains(self.driver)
        if shift:
            chain = chain.key_down(Keys.SHIFT)
        chain = chain.send_keys(*keys)
        if shift:
            chain = chain.key_up(Keys.SHIFT)
        chain.perform()

    def code_cell(self, prefix: str, timeout: float = 30):
        """The notebook's first code cell whose source starts with ``prefix``, once JupyterLab shows it."""
        from selenium.webdriver.common.by import By

        def find(driver):
            for cell in driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell"):
                text = cell.find_element(By.CSS_SELECTOR, ".cm-content").get_attribute("textContent") or ""
                if text and text.startswith(prefix):
                    return cell
            return None

        return self.wait(find, timeout, f"a code cell that starts with {prefix!r}")

    def run_cell_and_wait(self, cell, timeout: float) -> str:
        """Shift+Enter on the selected cell ``cell``; wait for its execution count; return its output's text."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        self.keys(Keys.ENTER, shift=True)
        prompt = cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt")
        self.wait(lambda _: re.fullmatch(r"\[\d+\]:", prompt.text.strip()), timeout, "the cell to run")
        output = cell.find_element(By.CSS_SELECTOR, ".jp-Cell-outputWrapper")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", output)  # for the screenshot
        return output.text

    def assignments_tab(self) -> None:
        """Bring JupyterLab's Assignments tab (nbgrader's Assignment List) to the front."""
        from selenium.webdriver.common.by import By

        self.element(By.XPATH, "//li[contains(@class,'lm-TabBar-tab')][.//div[text()='Assignments']]").click()


# --- The course's lab extension, without a browser ----------------------------------------------------------------

EXTENSION = DEPLOY / "jupyter" / "common" / "labextensions" / "rnns-for-nlp-feedback"
# Node.js runs the extension's file with a stand-in for JupyterLab's app: the commands it sees, the folder it lists.
EXTENSION_CHECK_JS = r"""
const fs = require("fs"), vm = require("vm");
const context = vm.createContext({console, Promise, setTimeout});
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
(async () => {
  const container = context._JUPYTERLAB[process.argv[3]];
  await container.init({});
  const plugins = (await container.get("./extension"))().default;
  const opened = [], listed = [];
  let watcher = null;
  const app = {
    commands: {commandExecuted: {connect: fn => { watcher = fn; }},
               execute: async (id, args) => { opened.push([id, args]); }},
    serviceManager: {contents: {get: async folder => {
      listed.push(folder);
      return {content: [{type: "file", name: "rnn_anatomy.html", path: folder + "/rnn_anatomy.html"},
                        {type: "file", name: "notes.txt", path: folder + "/notes.txt"},
                        {type: "directory", name: "old.html", path: folder + "/old.html"}]};
    }}},
  };
  plugins.forEach(plugin => plugin.activate(app));
  const feedback = "01-rnn-anatomy/feedback/2026-12-07 08:24:04.024722 UTC";
  for (const [id, path] of [["filebrowser:go-to-path", feedback], ["filebrowser:go-to-path", "01-rnn-anatomy"],
                            ["docmanager:open", feedback + "/x.html"]]) {
    watcher(app.commands, {id, args: {path}, result: Promise.resolve()});
  }
  await new Promise(resolve => setTimeout(resolve, 100));
  console.log(JSON.stringify({plugins: plugins.map(p => [p.id, p.autoStart]), listed, opened}));
})();
"""


def test_feedback_extension_is_on_every_servers_path():
    """deploy/jupyter/common puts the extension where JupyterLab finds prebuilt extensions, and it is well formed."""
    from jupyterlab_server.config import get_federated_extensions
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("jupyter_server_config.py", path=str(DEPLOY / "jupyter" / "common")).load_config()
    paths = config.LabServerApp.extra_labextensions_path
    assert [Path(p) for p in paths] == [EXTENSION.parent]
    found = get_federated_extensions(paths)["rnns-for-nlp-feedback"]
    assert (EXTENSION / found["jupyterlab"]["_build"]["load"]).is_file()
    assert found["jupyterlab"]["_build"]["extension"] == "./extension"


def test_feedback_extension_opens_the_page_of_a_feedback_folder(tmp_path):
    """The extension's plugin, run by Node.js: go-to-path on a feedback folder opens its HTML page, nothing else."""
    if not shutil.which("node"):
        pytest.skip("Node.js is missing (the browser walk below checks the extension in JupyterLab)")
    script = tmp_path / "check.js"
    script.write_text(EXTENSION_CHECK_JS, encoding="utf-8")
    load = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))["jupyterlab"]["_build"]["load"]
    proc = subprocess.run(["node", str(script), str(EXTENSION / load), "rnns-for-nlp-feedback"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    feedback = "01-rnn-anatomy/feedback/2026-12-07 08:24:04.024722 UTC"
    assert report["plugins"] == [["rnns-for-nlp-feedback:open-feedback-page", True]]
    assert report["listed"] == [feedback]  # the assignment's own folder and other commands are left alone
    assert report["opened"] == [["docmanager:open", {"path": f"{feedback}/rnn_anatomy.html", "factory": "HTML Viewer"}]]


# --- The walk ------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_student_walk_in_the_browser(tmp_path, monkeypatch):
    ensure_proxy()
    find_browser()  # fails with what to install, before the hub starts
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    limit = student_mem_limit(tmp_path, monkeypatch)
    exercise = first_exercise()
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("hub-walk-*.png"):
        old.unlink()

    phases = Phases("student's walk through the hub, in the browser (wall time per step):")
    env = quiet_env(tmp_path)
    env.pop("COURSE_DATA_DIR", None)
    state = tmp_path / "hub"
    # The instructor's course directory (as test_hub.py): the course's nbgrader_config.py and Chapter 1.
    instructor_home = state / "home" / "instructor"
    course = instructor_home / COURSE
    shutil.copytree(ROOT / "solutions" / CHAPTER, course / "solutions" / CHAPTER)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    instructor_env = {**env, "HOME": str(instructor_home), "COURSE_EXCHANGE_ROOT": str(state / "exchange"),
                      "JUPYTER_CONFIG_PATH": os.pathsep.join(str(DEPLOY / "jupyter" / d)
                                                             for d in ["instructor", "common"])}
    nbgrader = str(BIN / "nbgrader")
    hub_env = {**env, "HOME": str(tmp_path / "hub-home"), "COURSE_HUB_ADMIN_TOKEN": ADMIN_TOKEN,
               "COURSE_INSTRUCTORS": "instructor", "COURSE_STUDENTS": "student"}

    def release() -> float:
        start = time.perf_counter()
        run([nbgrader, "generate_assignment", CHAPTER, "--force"], course, instructor_env)
        run([nbgrader, "release_assignment", CHAPTER], course, instructor_env)
        return time.perf_counter() - start

    hub: Hub = start_hub(state, hub_env, tmp_path)
    driver = None
    memory: TreeMemory | None = None
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            released = pool.submit(release)  # beside the hub's start, the browser's and the login
            opened = pool.submit(start_chromium, tmp_path / "chromium-profile", loopback=True)
            with phases("00-hub start"):
                hub.wait_up()
            driver = opened.result()
            walk = Walk(driver, phases)

            with walk.step("login"):
                driver.get(f"{hub.url}/hub/login")
                walk.element(By.ID, "username_input").send_keys("student")
                walk.element(By.ID, "password_input").send_keys("any")  # test mode: any password
            driver.find_element(By.ID, "login_submit").click()

            with walk.step("lab"):  # the hub starts the student's server and JupyterLab loads
                walk.wait(lambda d: "/user/student/lab" in d.current_url, 120, "the student's JupyterLab")
                walk.element(By.CSS_SELECTOR, "#jp-main-dock-panel", timeout=120, clickable=False)
                walk.wait(lambda d: d.execute_script("return !document.getElementById('jupyterlab-splash')"), 120,
                          "JupyterLab's splash screen to go")
                server = hub.server("student")
                page_config = json.loads(driver.find_element(By.ID, "jupyter-config-data").get_attribute("textContent"))
                assert "rnns-for-nlp-feedback" in [e["name"] for e in page_config["federated_extensions"]]
            # The limit the hub gave this server (LocalProcessSpawner passes it as MEM_LIMIT) is the configured one.
            assert int(server.environ()["MEM_LIMIT"]) == limit, (server.environ().get("MEM_LIMIT"), limit)
            memory = walk.memory = TreeMemory(server)
            memory.phase = "02-lab"
            memory.start()

            phases.times.append(("   (release by the instructor, beside the steps above)", released.result()))
            with walk.step("assignment-list"):
                walk.element(By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Nbgrader']").click()
                walk.element(By.XPATH, "//li[contains(@class,'lm-Menu-item')]//div[contains(@class,'lm-Menu-itemLabel')"
                                       " and text()='Assignment List']").click()
                walk.element(By.XPATH, f"{RELEASED}//div[contains(@class,'list_item')][.//*[text()='{CHAPTER}']]"
                                       "//button[normalize-space()='Fetch']")
                news = "//div[contains(@class,'jp-toast')]//button[normalize-space()='No']"
                for no in driver.find_elements(By.XPATH, news):
                    no.click()  # JupyterLab asks whether to fetch Jupyter's news: no network here

            with walk.step("fetched"):
                driver.find_element(By.XPATH, f"{RELEASED}//button[normalize-space()='Fetch']").click()
                unfold = f"{FETCHED}//a[contains(@class,'assignment-notebooks-link') and text()='{CHAPTER}']"
                walk.element(By.XPATH, unfold).click()  # the assignment's notebooks unfold
                notebook_link = walk.element(By.XPATH, f"{FETCHED}//a[text()='{NOTEBOOK.removesuffix('.ipynb')}']")

            with walk.step("notebook"):
                notebook_link.click()
                walk.code_cell(exercise.answer_start, timeout=60)  # the notebook is shown down to Exercise 1
                setup = walk.code_cell("")  # the first code cell: the set-up cell
                assert "import" in setup.find_element(By.CSS_SELECTOR, ".cm-content").get_attribute("textContent")

            with walk.step("setup-cell"):
                setup.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()  # select it (command mode)
                output = walk.run_cell_and_wait(setup, timeout=300)
                assert "Error" not in output, output

            with walk.step("exercise-1"):
                cell = walk.code_cell(exercise.answer_start)
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
                (stub,) = [line for line in cell.find_elements(By.CSS_SELECTOR, ".cm-line")
                           if (line.get_attribute("textContent") or "").strip() == "raise NotImplementedError()"]
                stub.click()  # the cursor into the stub's line (edit mode); select the line's text, type over it
                walk.keys(Keys.END)
                walk.keys(Keys.HOME, shift=True)
                walk.keys(exercise.answer)
                walk.wait(lambda _: exercise.answer in [(line.get_attribute("textContent") or "").strip()
                                               for line in cell.find_elements(By.CSS_SELECTOR, ".cm-line")],
                          10, "the typed answer")
                walk.run_cell_and_wait(cell, timeout=60)
                cells = driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-Cell")
                test_cell = cells[cells.index(cell) + 1]
                output = walk.run_cell_and_wait(test_cell, timeout=120)
                assert "Exercise 1" in output and "passed" in output, output

            with walk.step("validate"):  # the whole notebook again, in a second kernel, beside the student's
                driver.find_element(By.CSS_SELECTOR, f"{PANEL} jp-button.validate-button").click()
                dialog = walk.element(By.CSS_SELECTOR, ".jp-Dialog", timeout=300, clickable=False)
                header = dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-header").text
                body = dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-body").text
                # Exercise 1 passes; the first failure is a later exercise's stub.
                assert header == "Validation Results" and "NotImplementedError" in body, (header, body[:2000])
                assert exercise.test_start not in body, body[:2000]
            dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-footer button").click()
            walk.wait(ec.invisibility_of_element_located((By.CSS_SELECTOR, ".jp-Dialog")), 10, "the dialog to close")
            # Validate saved the notebook first: nothing unsaved goes missing from the submission.
            walk.wait(lambda d: "jp-mod-dirty" not in d.find_element(
                By.CSS_SELECTOR, "li.lm-TabBar-tab.jp-mod-current").get_attribute("class"), 30, "the notebook saved")

            with walk.step("submitted"):
                walk.assignments_tab()
                walk.element(By.XPATH, f"{FETCHED}//button[normalize-space()='Submit']").click()
                walk.element(By.XPATH, f"{SUBMITTED}//div[contains(@class,'nested_list_item')]", timeout=120,
                             clickable=False)
            (inbound,) = (hub.exchange / COURSE / "inbound").glob(f"student+{CHAPTER}+*")
            submitted = read(inbound / NOTEBOOK)
            assert exercise.answer in next(c.source for c in submitted.cells if grade_id(c) == exercise.answer_id)

            # The instructor, in their course directory, as docs/instructor/workflow.md says.
            memory.phase = "instructor: collect, grade, return"
            with phases("instructor: nbgrader collect"):
                run([nbgrader, "collect", CHAPTER], course, instructor_env)
            with phases("instructor: python -m course_grading autograde"):
                run([sys.executable, "-m", "course_grading", "autograde", CHAPTER], course, instructor_env)
            with phases("instructor: nbgrader generate_feedback + release_feedback"):
                run([nbgrader, "generate_feedback", CHAPTER], course, instructor_env)
                run([nbgrader, "release_feedback", CHAPTER], course, instructor_env)

            with walk.step("feedback-fetched"):
                driver.find_element(By.ID, "refresh_assignments_list").click()
                walk.element(By.XPATH, f"{SUBMITTED}//button[normalize-space()='Fetch Feedback']", timeout=60).click()
                view = walk.element(By.XPATH, f"{SUBMITTED}//a[contains(normalize-space(),'view feedback')]",
                                    timeout=60)

            page_name = NOTEBOOK.replace(".ipynb", ".html")
            with walk.step("feedback-page"):
                view.click()  # the course's lab extension opens the page in a tab (nbgrader only shows the folder)
                walk.element(By.XPATH, f"//li[contains(@class,'lm-TabBar-tab') and contains(@class,'jp-mod-current')]"
                                       f"[.//div[text()='{page_name}']]", clickable=False)
                frame = walk.element(By.CSS_SELECTOR, ".jp-HTMLViewer:not(.lm-mod-hidden) iframe", clickable=False)
                driver.switch_to.frame(frame)
                walk.element(By.ID, "exercise-totals", clickable=False)
                page = driver.page_source
                driver.switch_to.default_content()
        memory.stop()

        # The page's table is the gradebook's, exercise by exercise: Exercise 1 full marks, the rest 0.
        found = exercises(read(SOLUTION))
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            grades = {g.name: g for g in gradebook.find_submission_notebook(
                NOTEBOOK.removesuffix(".ipynb"), CHAPTER, "student").grades}
            expected = {e.solution_id: (sum(grades[t].score for t in e.test_ids),
                                        sum(grades[t].max_score for t in e.test_ids)) for e in found}
            assert gradebook.find_submission(CHAPTER, "student").score == pytest.approx(exercise.points)
        assert feedback_totals(page) == expected
        assert expected[exercise.answer_id] == (exercise.points, exercise.points)

        with phases("shutdown"):
            driver.quit()
            driver = None
            hub.stop_servers(["student"])
            hub.stop()
    finally:
        if memory is not None:
            memory.stop()
        if driver is not None:
            driver.quit()
        leftovers = hub.cleanup()

    print("\n" + phases.report())
    width = max(len(name) for name in memory.by_phase)
    print(f"student's server, its kernels and Validate's kernel, peak memory per step "
          f"(resident sum / proportional sum; limit {limit / MIB:.0f} MiB):")
    for name, (rss, pss) in memory.by_phase.items():
        print(f"  {name:<{width}}  {rss / MIB:6.0f} MiB / {pss / MIB:6.0f} MiB")
    print(f"  {'peak':<{width}}  {memory.peak_rss / MIB:6.0f} MiB / {memory.peak_pss / MIB:6.0f} MiB "
          f"({memory.peak_processes} processes at most)")
    assert hub.process.returncode is not None
    assert not leftovers, f"processes left running: {leftovers}"
    assert memory.peak_processes >= 3, "the server, the student's kernel and Validate's kernel were sampled"
    # The resident sum counts the libraries both kernels map (PyTorch, TensorFlow) twice: an upper bound of what
    # a memory cgroup charges, which comes closer to the proportional sum (that one also shrinks while other
    # processes on the machine map the same files, so it is printed, not checked).
    assert 0 < memory.peak_rss < limit, (f"the student's server and kernels peaked at {memory.peak_rss / MIB:.0f} "
                                         f"MiB, over the limit {limit / MIB:.0f} MiB")

"""The instructor's whole workflow on a real JupyterHub: deploy/jupyterhub_config.py in test mode.

The slow test starts the hub and configurable-http-proxy on loopback (free ports, state in a
temporary folder) with deploy/run_hub.py, as `make hub` does, and then, over HTTP:

1. the instructor generates and releases Chapter 1 into the exchange (`nbgrader` in their course
   directory, configured like their single-user server: deploy/jupyter/instructor + common);
2. the hub's REST API (an admin service token from the configuration) starts the servers of
   ``student`` and ``instructor`` and gives each an API token; the group decides the tools: the
   instructor's server has the formgrader (server extension and lab plugin), the student's not;
3. the student logs in on the hub's login page and opens the nbgitpuller launch link (the
   chapters are cloned into their home); with their token they fetch Chapter 1 through nbgrader's
   assignment-list endpoints, write the instructor's answers into the fetched notebook's answer
   cells, save it with the contents API (the "worked" notebook) and submit it;
4. the instructor collects and autogrades it (see ``autograde``), and the gradebook holds full marks;
5. the servers and the hub are stopped, and no process they started is left.

The phases' wall times and the resident memory of the single-user servers and of autograding
are printed (pytest -s shows them). The test skips only where Node.js or npm is missing; it
installs configurable-http-proxy with `npm ci --prefix deploy` if the set-up has not.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import nbformat
import psutil
import pytest
import requests
import websocket
from nbgrader.api import Gradebook
from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

from hubutils import CHAPTER, COURSE, DEPLOY, NOTEBOOK, SOLUTION, Phases, ensure_proxy, start_hub, wait_for
from nbutils import BIN, ROOT, grade_id, is_solution, is_test, nbgrader_meta, quiet_env, read, run

sys.path.insert(0, str(DEPLOY))
from launch_link import launch_link, repo_folder  # noqa: E402
from run_hub import local_launch_link  # noqa: E402

ADMIN_TOKEN = "course-admin-" + os.urandom(16).hex()
# The nbgrader lab plugins students do not get (deploy/jupyter/student/labconfig/page_config.json).
STUDENT_ONLY_OFF = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment"}


def autograde(course: Path, chapter: str, student: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The course's grading command, run by the instructor in their course directory.

    ``[str(BIN / "nbgrader"), "autograde"]`` would grade without the course's sandbox and checks.
    """
    command = [sys.executable, "-m", "course_grading", "autograde"]
    return run([*command, chapter, "--student", student], course, env, timeout=600)


# --- Fast checks of the configuration ---------------------------------------------------------------------------

def _load_hub_config(tmp_path, monkeypatch, **env):
    monkeypatch.setenv("COURSE_HUB_STATE", str(tmp_path / "state"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    loader = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY))
    return loader.load_config()


def test_hub_config_test_mode(tmp_path, monkeypatch):
    config = _load_hub_config(tmp_path, monkeypatch, COURSE_HUB_MODE="test")
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert config.JupyterHub.hub_ip == "127.0.0.1" and config.Spawner.ip == "127.0.0.1"
    assert config.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert config.JupyterHub.authenticator_class == "dummy"
    assert config.JupyterHub.spawner_class == "simple"
    assert config.JupyterHub.load_groups == {"instructors": {"users": ["instructor"]},
                                             "students": {"users": ["student"]}}
    assert config.Spawner.mem_limit == "3G"
    assert str(tmp_path / "state") in config.JupyterHub.db_url


def _mib(limit: str) -> int:
    """MiB in a JupyterHub memory limit such as ``"3G"`` or ``"512M"``."""
    number, unit = re.fullmatch(r"(\d+)([MG])", limit).groups()
    return int(number) * (1024 if unit == "G" else 1)


def test_student_limit_holds_the_measured_session(tmp_path, monkeypatch):
    """STUDENT_MEM_LIMIT holds every chapter's kernel with Validate's beside it and the server, as
    BENCHMARKS.md measured it (make bench, scripts/student_session.py), and hub.md's arithmetic is
    that measurement's (within 10 %, a run-to-run spread)."""
    limit = _mib(_load_hub_config(tmp_path, monkeypatch, COURSE_HUB_MODE="test").Spawner.mem_limit)
    bench = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    heading = "## A student's session on the hub"
    assert heading in bench, "BENCHMARKS.md has no student session: run make bench"
    assert f"student memory limit is {limit} MiB" in bench, "the limit changed since make bench ran: run it again"
    section = bench[bench.index(heading):].split("\n## ")[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines()
            if line.startswith("| `solutions/")]
    assert len(rows) == 6, rows
    measured = {row[0].split("/")[1]: float(row[4]) for row in rows}  # kernel + Validate, peak (MiB)
    assert all(float(row[5]) <= limit for row in rows), rows  # with the server
    hub = (ROOT / "docs" / "instructor" / "hub.md").read_text(encoding="utf-8")
    section = hub[hub.index("## Memory limits, and why"):].split("\n## ")[0]
    stated = {int(line.split("|")[1]): float(line.split("|")[3]) for line in section.splitlines()
              if re.match(r"\| \d \|", line)}
    for number, peak in stated.items():
        chapter = sorted(measured)[number - 1]
        assert abs(peak - measured[chapter]) <= 0.1 * measured[chapter], (chapter, peak, measured[chapter])
    assert len(stated) == 6, stated


def test_hub_config_production_mode(tmp_path, monkeypatch):
    config = _load_hub_config(tmp_path, monkeypatch, COURSE_HUB_MODE="production",
                              COURSE_INSTRUCTORS="ada, grace", COURSE_STUDENTS="alan\nbarbara  edsger")
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8000"  # loopback unless told otherwise
    assert config.JupyterHub.authenticator_class == "pam"
    assert config.Authenticator.allowed_users == {"ada", "grace", "alan", "barbara", "edsger"}
    assert config.JupyterHub.load_groups["instructors"] == {"users": ["ada", "grace"]}
    assert config.JupyterHub.load_groups["students"] == {"users": ["alan", "barbara", "edsger"]}
    assert "allow_all" not in config.Authenticator


def test_singleuser_config_has_the_course_id():
    """deploy/jupyter/common/nbgrader_config.py and the repository's nbgrader_config.py name the same course."""
    ids = [PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config().CourseDirectory.course_id
           for folder in [ROOT, DEPLOY / "jupyter" / "common"]]
    assert ids == [COURSE, COURSE]


def test_launch_link():
    link = launch_link("https://hub.example.edu/", "https://github.com/someone/rnns-for-nlp/")
    assert link == ("https://hub.example.edu/hub/user-redirect/git-pull?"
                    "repo=https%3A%2F%2Fgithub.com%2Fsomeone%2Frnns-for-nlp&branch=main&"
                    "urlpath=lab%2Ftree%2Frnns-for-nlp%2Fchapters%2F01-rnn-anatomy%2Frnn_anatomy.ipynb")
    assert (DEPLOY.parent / "chapters" / CHAPTER / NOTEBOOK).is_file()
    assert repo_folder("https://example.org/course.git") == "course.git"  # what nbgitpuller clones into
    proc = subprocess.run([sys.executable, str(DEPLOY / "launch_link.py"), "--hub", "https://h", "--repo",
                           "https://g/r", "--branch", "dev"], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == launch_link("https://h", "https://g/r", "dev")


def launch_link_command(hub: str, repo: str, *options: str) -> str:
    """The link ``python deploy/launch_link.py --hub HUB --repo REPO [options]`` prints (docs/instructor/hub.md)."""
    proc = subprocess.run([sys.executable, str(DEPLOY / "launch_link.py"), "--hub", hub, "--repo", repo, *options],
                          capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_launch_link_from_a_local_checkout(tmp_path):
    """`--repo` takes a checkout's folder (`make hub`): a file:// URL; run_hub.py prints that link for its branch."""
    checkout = tmp_path / "my-course"
    subprocess.run(["git", "init", "--quiet", "--initial-branch=dev", str(checkout)], check=True)
    link = launch_link_command("http://127.0.0.1:8000", str(checkout), "--branch", "dev")
    assert link == launch_link("http://127.0.0.1:8000", checkout.as_uri(), "dev")
    assert "repo=file%3A%2F%2F%2F" in link and "urlpath=lab%2Ftree%2Fmy-course%2Fchapters%2F" in link
    assert local_launch_link("http://127.0.0.1:8000", checkout) == link
    assert local_launch_link("http://127.0.0.1:8000", tmp_path) is None  # not a checkout: nothing to print


def test_terminal_finds_the_course_environment(tmp_path):
    """A terminal's login shell resets PATH (/etc/profile); COURSE_VENV's bin/ comes back first on it.

    The shell command of every single-user server's terminals (deploy/jupyter/common/jupyter_server_config.json),
    run as the server runs it, with a PATH that lacks the course's environment; commands come on stdin.
    """
    if not shutil.which("bash"):
        pytest.skip("bash is missing")
    command = JSONFileConfigLoader("jupyter_server_config.json", path=str(DEPLOY / "jupyter" / "common")) \
        .load_config().ServerApp.terminado_settings["shell_command"]
    outside = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != BIN]
    env = {"HOME": str(tmp_path), "PATH": os.pathsep.join(outside), "SHELL": "/bin/bash", "TERM": "dumb",
           "COURSE_VENV": sys.prefix}
    proc = subprocess.run(command, input='command -v python; python -c "import sys; print(sys.prefix)"\n',
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.stdout.split() == [str(Path(sys.prefix) / "bin" / "python"), sys.prefix], (proc.stdout, proc.stderr)


INSTRUCTOR_TARGETS = ["release", "bench", "grades", "lab"]


def test_make_reuses_the_course_environment(tmp_path):
    """With COURSE_VENV (the hub sets it) the instructor's targets plan no install; without it, .venv as before."""
    if not shutil.which("make"):
        pytest.skip("make is missing")
    clone = tmp_path / "rnns-for-nlp"  # a fresh clone, as far as the Makefile can tell: no .venv
    clone.mkdir()
    for name in ["Makefile", "requirements.txt", "pyproject.toml"]:
        shutil.copy(ROOT / name, clone)
    env = {k: v for k, v in os.environ.items() if k not in {"COURSE_VENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}

    def plan(target: str, **extra: str) -> str:
        proc = subprocess.run(["make", "-n", target], cwd=clone, env={**env, **extra}, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    for target in INSTRUCTOR_TARGETS:
        planned = plan(target, COURSE_VENV=sys.prefix)
        assert "pip install" not in planned and "-m venv" not in planned, planned
        assert f"{sys.prefix}/bin/" in planned.splitlines()[-1], planned  # the target's own command
    assert f"{sys.prefix}/bin/python -m course_grading.report" in plan("grades", COURSE_VENV=sys.prefix)
    for target in ["book", "grades"]:  # a fresh clone without COURSE_VENV: .venv is made, as always
        planned = plan(target)
        assert "-m venv .venv" in planned and "pip install --quiet -r requirements.txt" in planned, planned
    assert not (clone / ".venv").exists()


def test_instructor_server_may_frame_itself():
    """Only the instructor's server lets the same origin frame it (JupyterLab's Formgrader tab); students' keep 'none'."""
    headers = {role: JSONFileConfigLoader("jupyter_server_config.json", path=str(DEPLOY / "jupyter" / role))
               .load_config().ServerApp.get("tornado_settings", {}).get("headers", {})
               for role in ["instructor", "student", "common"]}
    assert headers["instructor"] == {"Content-Security-Policy": "frame-ancestors 'self'"}
    assert headers["student"] == headers["common"] == {}  # JupyterHub's own frame-ancestors 'none'


# --- The whole workflow on a running hub ------------------------------------------------------------------------

class PeakMemory:
    """The largest summed resident memory of this process's children (not the hub's tree), sampled every 0.1 s."""

    def __init__(self, exclude: int) -> None:
        self.exclude = exclude
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.1):
            total = 0
            for child in me.children(recursive=False):
                if child.pid == self.exclude:
                    continue
                try:
                    total += sum(p.memory_info().rss for p in [child, *child.children(recursive=True)])
                except psutil.Error:
                    pass
            self.peak_mib = max(self.peak_mib, total / 2**20)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _make_pull_origin(tmp: Path, env: dict[str, str]) -> Path:
    """A git repository with the student chapters and the data on branch main, as on the course's host."""
    origin = tmp / "origin" / COURSE
    (origin / "chapters").mkdir(parents=True)
    shutil.copytree(ROOT / "chapters" / CHAPTER, origin / "chapters" / CHAPTER)
    shutil.copytree(ROOT / "data", origin / "data")
    git_env = {**env, "GIT_AUTHOR_NAME": "Course", "GIT_AUTHOR_EMAIL": "course@example.org",
               "GIT_COMMITTER_NAME": "Course", "GIT_COMMITTER_EMAIL": "course@example.org"}
    for args in (["init", "--quiet", "--initial-branch=main"], ["add", "."], ["commit", "--quiet", "-m", "chapters"]):
        run(["git", *args], origin, git_env)
    return origin


@pytest.mark.slow
def test_hub_release_fetch_submit_collect_autograde(tmp_path):
    ensure_proxy()
    phases = Phases()
    env = quiet_env(tmp_path)
    env.pop("COURSE_DATA_DIR", None)
    state = tmp_path / "hub"
    homes = state / "home"
    exchange = state / "exchange"

    # The instructor's course directory: the course's nbgrader_config.py and the Chapter 1 source.
    instructor_home = homes / "instructor"
    course = instructor_home / COURSE
    shutil.copytree(ROOT / "solutions" / CHAPTER, course / "solutions" / CHAPTER)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copy(ROOT / "Makefile", course)  # `make grades` and the other instructor targets (see the terminal)
    # The instructor's shell on the hub: what deploy/jupyterhub_config.py gives their server.
    instructor_env = {**env, "HOME": str(instructor_home), "COURSE_EXCHANGE_ROOT": str(exchange),
                      "JUPYTER_CONFIG_PATH": os.pathsep.join(str(DEPLOY / "jupyter" / d) for d in ["instructor", "common"])}
    nbgrader = str(BIN / "nbgrader")

    hub_env = {**env, "HOME": str(tmp_path / "hub-home"), "COURSE_HUB_ADMIN_TOKEN": ADMIN_TOKEN,
               "COURSE_INSTRUCTORS": "instructor", "COURSE_STUDENTS": "student"}
    # deploy/run_hub.py on free loopback ports; hub.started: every process it starts, checked at the end.
    hub = start_hub(state, hub_env, tmp_path)
    url, log, admin, api = hub.url, hub.log, hub.admin, hub.api
    try:

        # The instructor releases Chapter 1 while the hub starts and spawns: nothing on the hub waits for it
        # but the student's fetch. Each `nbgrader` command spends seconds importing before it does anything.
        def release():
            start = time.perf_counter()
            run([nbgrader, "generate_assignment", CHAPTER, "--force"], course, instructor_env)
            run([nbgrader, "release_assignment", CHAPTER], course, instructor_env)
            return time.perf_counter() - start

        with ThreadPoolExecutor(max_workers=3) as pool:
            released = pool.submit(release)
            with phases("hub start"):
                hub.wait_up()

            with phases("spawn (student and instructor, in parallel)"):
                posts = [pool.submit(admin.post, f"{api}/users/{user}/server", timeout=60)
                         for user in ["student", "instructor"]]
                for response in (post.result() for post in posts):
                    assert response.status_code in (201, 202), response.text

                def ready():
                    models = [admin.get(f"{api}/users/{user}", timeout=10).json() for user in ["student", "instructor"]]
                    return all(m["servers"].get("", {}).get("ready") for m in models)

                wait_for(ready, 120, "the single-user servers", log)
                tokens = {user: admin.post(f"{api}/users/{user}/tokens", json={"note": "tests/test_hub.py"},
                                           timeout=30).json()["token"] for user in ["student", "instructor"]}
                hub.remember()

            with phases("release (instructor): waiting for it"):
                release_seconds = released.result()
            phases.times.append(("release (instructor), ran beside hub start + spawn", release_seconds))
            assert (exchange / COURSE / "outbound" / CHAPTER / NOTEBOOK).is_file()

        student = requests.Session()
        student.headers["Authorization"] = f"token {tokens['student']}"
        server = f"{url}/user/student"
        # Groups decide the tools: the formgrader for instructors only, server and lab extension alike.
        assert student.get(f"{server}/formgrader", timeout=30).status_code == 404
        instructor_page = requests.get(f"{url}/user/instructor/formgrader", timeout=30,
                                       headers={"Authorization": f"token {tokens['instructor']}"})
        assert instructor_page.status_code == 200, instructor_page.text[:2000]
        assert _disabled_lab_extensions(student, f"{server}/lab") >= STUDENT_ONLY_OFF
        assert not _disabled_lab_extensions(requests.Session(), f"{url}/user/instructor/lab",
                                            tokens["instructor"]) & STUDENT_ONLY_OFF

        # Every server runs with the course's environment first on PATH and COURSE_VENV set (the hub's own here).
        for user in ["student", "instructor"]:
            server_env = hub.server(user).environ()
            assert server_env["PATH"].split(os.pathsep)[0] == str(BIN), (user, server_env["PATH"])
            assert server_env["COURSE_VENV"] == str(BIN.parent), (user, server_env["COURSE_VENV"])

        with phases("instructor's terminal (python, make -n grades)"):
            # The documented commands, typed into a JupyterLab terminal: its login shell has reset PATH.
            out = _terminal(f"{url}/user/instructor", tokens["instructor"],
                            f'cd ~/{COURSE}; printf "%s=%s\\n" PYTHON "$(command -v python)"; '
                            'python -c "import sys; print(\'PREFIX=\' + sys.prefix)"; make -n grades')
            assert re.search(r"PYTHON=(\S+)", out)[1] == str(BIN / "python"), out
            assert os.path.samefile(re.search(r"PREFIX=(/\S+)", out)[1], sys.prefix), out
            assert f"{BIN}/python -m course_grading.report" in out, out  # the hub's environment: nothing installed
            assert "pip install" not in out and "-m venv" not in out, out

        with phases("launch link (nbgitpuller)"):
            origin = _make_pull_origin(tmp_path, env)
            # The documented way to try the launch on a local hub (docs/instructor/hub.md): a local checkout.
            link = launch_link_command(url, str(origin))
            query = parse_qs(urlsplit(link).query)
            repo = query["repo"][0]
            assert repo == origin.as_uri() and query["branch"] == ["main"], link
            # The student clicks the link in a browser: the hub's login form (DummyAuthenticator), then
            # /hub/user-redirect/ sends them to their own server's /git-pull page (OAuth in between).
            browser = _login(url, "student")
            page = browser.get(link, timeout=60)
            assert page.ok and "/user/student/git-pull?" in page.url, (page.status_code, page.url)
            pull = student.get(f"{server}/git-pull/api?" + urlencode({"repo": repo, "branch": "main"}),
                               timeout=120, stream=True)
            events = [json.loads(line[len("data: "):]) for line in pull.iter_lines(decode_unicode=True)
                      if line.startswith("data: ")]
            assert events and events[-1]["phase"] == "finished", events[-3:]
            target = query["urlpath"][0].removeprefix("lab/tree/")
            assert target == f"{COURSE}/chapters/{CHAPTER}/{NOTEBOOK}", target
            assert student.get(f"{server}/api/contents/{target}", timeout=30).ok, target

        with phases("fetch"):
            body = {"course_id": COURSE, "assignment_id": CHAPTER}
            listing = student.post(f"{server}/assignments/fetch", json=body, timeout=120).json()
            assert listing["success"], listing
            (fetched,) = [a for a in listing["value"] if a["status"] == "fetched" and a["assignment_id"] == CHAPTER]
            path = f"{fetched['path']}/{NOTEBOOK}"
            released = student.get(f"{server}/api/contents/{path}", timeout=30).json()
            assert released["type"] == "notebook"
            assert "NotImplementedError" in json.dumps(released["content"])  # the student version: stubs

        with phases("submit"):
            # The worked notebook: the fetched one, every answer cell holding the instructor's solution.
            answers = {grade_id(c): c.source for c in read(SOLUTION).cells if is_solution(c)}
            worked = nbformat.from_dict(released["content"])
            answered = [cell for cell in worked.cells if grade_id(cell) in answers]
            for cell in answered:
                cell.source = answers[grade_id(cell)]
            assert len(answered) == len(answers) > 0
            saved = student.put(f"{server}/api/contents/{path}", timeout=60,
                                json={"type": "notebook", "format": "json", "content": worked})
            assert saved.ok, saved.text
            submitted = student.post(f"{server}/assignments/submit", json=body, timeout=120).json()
            assert submitted["success"], submitted
            inbound = list((exchange / COURSE / "inbound").glob(f"student+{CHAPTER}+*"))
            assert len(inbound) == 1 and (inbound[0] / NOTEBOOK).is_file()
            rss = {user: hub.server(user).memory_info().rss / 2**20 for user in ["student", "instructor"]}
            print(f"\nsingle-user server resident memory: student {rss['student']:.0f} MiB after fetch and submit, "
                  f"instructor {rss['instructor']:.0f} MiB")

        with phases("collect + autograde"):
            run([nbgrader, "collect", CHAPTER], course, instructor_env)
            assert (course / "submitted" / "student" / CHAPTER / NOTEBOOK).is_file()
            with PeakMemory(exclude=hub.process.pid) as grading:
                graded = autograde(course, CHAPTER, "student", instructor_env)
            assert "SAWarning" not in graded.stderr, graded.stderr  # nbgrader's, silenced by course_grading
            print(f"autograde peak resident memory (the grading command and its kernel): {grading.peak_mib:.0f} MiB")
            total = sum(nbgrader_meta(c)["points"] for c in read(SOLUTION).cells if is_test(c))
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
                submission = gradebook.find_submission(CHAPTER, "student")
                assert total > 0 and submission.max_score == pytest.approx(total)
                assert submission.score == pytest.approx(total), f"{submission.score}/{total}"

        with phases("formgrader: framing, every link"):
            _check_formgrader(url, _login(url, "instructor"))
            # Students' servers keep JupyterHub's default: no page may frame them.
            lab = student.get(f"{server}/lab", timeout=30)
            assert lab.headers["Content-Security-Policy"].startswith("frame-ancestors 'none'"), lab.headers

        with phases("shutdown"):
            hub.stop_servers(["student", "instructor"])
            hub.stop()
        print(phases.report())
    finally:
        leftovers = hub.cleanup()  # after a failure: the hub stopped the same way, anything left killed
    assert hub.process.returncode is not None
    assert not leftovers, f"processes left running: {leftovers}"


def _disabled_lab_extensions(session: requests.Session, lab_url: str, token: str | None = None) -> set[str]:
    """The JupyterLab plugins a server disables, from the page config of its /lab page."""
    headers = {"Authorization": f"token {token}"} if token else {}
    page = session.get(lab_url, headers=headers, timeout=30)
    assert page.ok, page.status_code
    start = page.text.index('<script id="jupyter-config-data" type="application/json">')
    text = page.text[page.text.index(">", start) + 1:page.text.index("</script>", start)]
    disabled = json.loads(text).get("disabledExtensions", [])
    return {name for name in disabled if disabled[name]} if isinstance(disabled, dict) else set(disabled)


def _login(url: str, user: str) -> requests.Session:
    """A browser session logged in as ``user`` on the hub's login form (test mode: any password)."""
    browser = requests.Session()
    browser.get(f"{url}/hub/login", timeout=30)
    login = browser.post(f"{url}/hub/login", timeout=60, data={
        "username": user, "password": "any", "_xsrf": browser.cookies.get("_xsrf", "")})
    assert login.ok and "/hub/login" not in login.url, (login.status_code, login.url)
    return browser


def _terminal(server: str, token: str, command: str, timeout: float = 120) -> str:
    """Type ``command`` into a new terminal of ``server`` (terminals REST API, websocket); return what it printed.

    The output ends where the shell prints the end marker, which the typed line only shows in two pieces.
    """
    headers = {"Authorization": f"token {token}"}
    created = requests.post(f"{server}/api/terminals", headers=headers, timeout=30)
    assert created.ok, created.text
    name = created.json()["name"]
    socket_url = server.replace("http", "ws", 1) + f"/terminals/websocket/{name}"
    connection = websocket.create_connection(socket_url, header=[f"Authorization: token {token}"], timeout=timeout)
    out = ""
    try:
        connection.send(json.dumps(["set_size", 50, 400, 0, 0]))  # no line of the typed command wraps
        connection.send(json.dumps(["stdin", f"{command}; echo END-OF''-OUTPUT\r"]))
        deadline = time.monotonic() + timeout
        while "END-OF-OUTPUT" not in out and time.monotonic() < deadline:
            message = json.loads(connection.recv())
            if message[0] == "stdout":
                out += message[1]
    finally:
        connection.close()
        requests.delete(f"{server}/api/terminals/{name}", headers=headers, timeout=30)
    assert "END-OF-OUTPUT" in out, out
    return out


class _Links(HTMLParser):
    """The local targets of a page's href and src attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and not value.startswith(("#", "http:", "https:", "mailto:")):
                self.targets.append(value)


def _check_formgrader(url: str, browser: requests.Session) -> None:
    """The instructor's formgrader: JupyterLab may frame it, and every link of its pages opens (HTTP 200).

    The pages are those of Chapter 1 once it is graded: assignments, gradebook, students, the graded
    submission. The links to an assignment's folder (its name) and to its student version (Preview)
    are built by nbgrader's JavaScript (formgrader/static/js/utils.js, linkTo): in a tab of its own,
    ``/tree/`` + url_prefix + path; the test builds them the same way, from the page and the API.
    """
    server = f"{url}/user/instructor"
    notebook = NOTEBOOK.removesuffix(".ipynb")
    (submitted,) = browser.get(f"{server}/formgrader/api/submitted_notebooks/{CHAPTER}/{notebook}", timeout=60).json()
    pages = ["formgrader", "formgrader/manage_assignments", f"formgrader/manage_submissions/{CHAPTER}",
             "formgrader/gradebook", f"formgrader/gradebook/{CHAPTER}", f"formgrader/gradebook/{CHAPTER}/{notebook}",
             "formgrader/manage_students", "formgrader/manage_students/student",
             f"formgrader/manage_students/student/{CHAPTER}", f"formgrader/submissions/{submitted['id']}"]
    checked: set[str] = set()
    for page_path in pages:
        page = browser.get(f"{server}/{page_path}", timeout=60)
        assert page.status_code == 200, (page_path, page.status_code, page.url)
        # JupyterLab's Nbgrader > Formgrader shows the page in an iframe of the same server: allowed, and only that.
        assert page.headers.get("Content-Security-Policy") == "frame-ancestors 'self'", (page_path, page.headers)
        parser = _Links()
        parser.feed(page.text)
        for target in {urljoin(page.url, t) for t in parser.targets} - checked:
            checked.add(target)
            response = browser.get(target, timeout=60)
            assert response.status_code == 200, (page_path, target, response.status_code, response.url)
    assert len(checked) > 10, checked
    page = browser.get(f"{server}/formgrader/manage_assignments", timeout=60).text
    url_prefix = re.search(r'var url_prefix = "([^"]*)";', page)[1]
    utils = browser.get(f"{server}/formgrader/static/js/utils.js", timeout=30).text
    assert 'directory: "/tree/"' in utils  # how nbgrader builds those links: if it changes, so must this test
    (chapter,) = [a for a in browser.get(f"{server}/formgrader/api/assignments", timeout=60).json()
                  if a["name"] == CHAPTER]
    for path in [chapter["source_path"], chapter["release_path"]]:  # the name's link, then Preview's
        link = f"{url}/tree/{url_prefix}/{path}"
        response = browser.get(link, timeout=60)
        assert response.status_code == 200 and f"/user/instructor/tree/{url_prefix}/{path}" in response.url, \
            (link, response.status_code, response.url)

"""Start the course's JupyterHub (deploy/jupyterhub_config.py): `make hub` and tests/test_hub.py use it.

    python deploy/run_hub.py                      # test mode on http://127.0.0.1:8000, state in deploy/state/
    python deploy/run_hub.py --port 8100 --state /tmp/hub
    python deploy/run_hub.py --mode production    # real authentication: read docs/instructor/hub.md first

In test mode anyone can log in under any name (COURSE_HUB_DUMMY_PASSWORD sets a shared password):
``instructor`` is in the group "instructors" (formgrader) and ``student`` in "students"; other
names are students too. The first start clones this repository into each instructor's home
(``~/rnns-for-nlp``), the course directory the formgrader works in. It also prints the launch
link that opens Chapter 1 from this checkout (deploy/launch_link.py with ``--repo`` this folder).

The launcher puts this Python's bin folder and deploy/node_modules/.bin (configurable-http-proxy,
installed by `npm ci --prefix deploy`) first on PATH, sets the COURSE_HUB_* variables the
configuration reads, then replaces itself with `jupyterhub`, so that stopping it (Ctrl-C,
SIGTERM) stops the hub, which stops the proxy and every single-user server.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONFIG = HERE / "jupyterhub_config.py"
CHP_BIN = HERE / "node_modules" / ".bin"
COURSE_FOLDER = "rnns-for-nlp"  # an instructor's clone of the repository, in their home
sys.path.insert(0, str(HERE))
from launch_link import launch_link  # noqa: E402


def hub_environment(mode: str, state: Path, port: int, api_port: int, proxy_api_port: int,
                    base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `jupyterhub` runs in: the COURSE_HUB_* settings and a PATH with the proxy on it."""
    env = dict(os.environ if base is None else base)
    path = [str(Path(sys.executable).parent), str(CHP_BIN), env.get("PATH", "")]
    env["PATH"] = os.pathsep.join(p for p in path if p)
    env.update({
        "COURSE_HUB_MODE": mode,
        "COURSE_HUB_STATE": str(state),
        "COURSE_HUB_PORT": str(port),
        "COURSE_HUB_API_PORT": str(api_port),
        "COURSE_PROXY_API_PORT": str(proxy_api_port),
    })
    return env


def seed_instructor_course(home: Path) -> Path:
    """Clone this repository to ``home/rnns-for-nlp`` unless it exists; return that folder."""
    course = home / COURSE_FOLDER
    if course.exists():
        return course
    home.mkdir(parents=True, exist_ok=True)
    if (REPO / ".git").exists() and shutil.which("git"):
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(course)], check=True)
    else:  # not a git checkout: what the formgrader needs
        shutil.copytree(REPO / "solutions", course / "solutions")
        shutil.copy(REPO / "nbgrader_config.py", course)
    return course


def local_launch_link(hub: str, repo: Path = REPO) -> str | None:
    """The launch link of Chapter 1 from the checkout ``repo``, on its current branch; None if it has none.

    The same link as ``python deploy/launch_link.py --hub HUB --repo REPO --branch BRANCH``.
    """
    if not ((repo / ".git").exists() and shutil.which("git")):
        return None
    branch = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "--quiet", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return launch_link(hub, str(repo), branch) if branch else None


def main(argv: list[str] | None = None) -> None:
    """Parse the options, prepare the state folder and exec `jupyterhub -f deploy/jupyterhub_config.py`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["test", "production"], default="test")
    parser.add_argument("--state", type=Path, default=HERE / "state",
                        help="database, cookie secret; in test mode also homes and exchange (default deploy/state)")
    parser.add_argument("--port", type=int, default=8000, help="public port on 127.0.0.1 (default 8000)")
    parser.add_argument("--api-port", type=int, default=8081, help="the hub's API port on 127.0.0.1")
    parser.add_argument("--proxy-api-port", type=int, default=8001, help="the proxy's API port on 127.0.0.1")
    parser.add_argument("jupyterhub_args", nargs="*", help="passed on to jupyterhub (after --)")
    args = parser.parse_args(argv)

    state = args.state.resolve()
    state.mkdir(parents=True, exist_ok=True)
    env = hub_environment(args.mode, state, args.port, args.api_port, args.proxy_api_port)
    if not shutil.which("configurable-http-proxy", path=env["PATH"]):
        sys.exit("configurable-http-proxy is missing: install it with `npm ci --prefix deploy` (needs Node.js)")
    jupyterhub = shutil.which("jupyterhub", path=env["PATH"])
    if not jupyterhub:
        sys.exit("jupyterhub is missing: install requirements.txt into this Python environment")
    if args.mode == "test":
        instructors = env.get("COURSE_INSTRUCTORS", "instructor").replace(",", " ").split()
        for name in instructors:
            seed_instructor_course(state / "home" / name)
        print(f"Course hub (test mode) on http://127.0.0.1:{args.port}/ : log in as 'instructor' (formgrader) "
              f"or 'student'{'' if env.get('COURSE_HUB_DUMMY_PASSWORD') else ' with any password'}. "
              f"State: {state}", flush=True)
        link = local_launch_link(f"http://127.0.0.1:{args.port}")
        if link:
            print(f"Chapter 1 from this checkout's last commit (the website's JupyterHub button names the "
                  f"public repository instead): {link}", flush=True)
    os.chdir(state)
    os.execve(jupyterhub, [jupyterhub, "-f", str(CONFIG), *args.jupyterhub_args], env)


if __name__ == "__main__":
    main()

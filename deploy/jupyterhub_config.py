"""JupyterHub configuration for the course "RNNs for NLP" (docs/instructor/hub.md explains it).

Start it with ``python deploy/run_hub.py`` (``make hub``), or ``jupyterhub -f deploy/jupyterhub_config.py``.
Everything that differs between machines comes from environment variables:

COURSE_HUB_MODE       ``test``: DummyAuthenticator (any name; a password only if
                      COURSE_HUB_DUMMY_PASSWORD is set) and SimpleLocalProcessSpawner (every user
                      is the Unix account that started the hub, with a home folder under
                      COURSE_HUB_STATE). For trying the hub on your own machine and for
                      tests/test_hub.py; it isolates nobody, so it only ever listens on loopback.
                      ``production`` (the default): a real authenticator (see AUTHENTICATION
                      below) and one Unix account per user (LocalProcessSpawner).
COURSE_HUB_STATE      folder for the hub's database, cookie secret, proxy pid file and, in test
                      mode, the users' homes and the exchange (default: the working directory).
COURSE_HUB_BIND_URL   public URL the proxy listens on (default http://127.0.0.1:$COURSE_HUB_PORT,
                      COURSE_HUB_PORT default 8000). Keep loopback and put a TLS reverse proxy
                      (nginx, Caddy) in front for real use.
COURSE_HUB_API_PORT, COURSE_PROXY_API_PORT  the hub's and the proxy's own API ports, always on
                      127.0.0.1 (defaults 8081 and 8001).
COURSE_EXCHANGE_ROOT  nbgrader's shared exchange folder (default /srv/nbgrader/exchange; in test
                      mode $COURSE_HUB_STATE/exchange).
COURSE_INSTRUCTORS, COURSE_STUDENTS  user names, separated by commas or spaces, loaded into the
                      groups ``instructors`` and ``students``. Users can also be added later on
                      the hub's admin page or with its REST API (POST /hub/api/groups/<g>/users).
COURSE_HUB_ADMINS     hub administrators (admin page, all servers).
COURSE_HUB_ADMIN_TOKEN  if set, a service ``course-admin`` with this API token may manage users,
                      groups, servers and tokens (scripts, roster sync, tests/test_hub.py).
COURSE_VENV           the course's Python environment, the folder whose bin/ holds ``python``,
                      ``nbgrader`` and ``jupyter`` with the course installed (default: the one the
                      hub runs in). Every single-user server started as a local process gets its
                      bin/ first on PATH and COURSE_VENV itself, so that terminals run the course's
                      commands and the Makefile's targets use it instead of installing their own.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

from jupyterhub.spawner import LocalProcessSpawner
from tornado.web import RequestHandler

c = get_config()  # noqa: F821  (injected by JupyterHub)

HERE = Path(__file__).resolve().parent
COURSE_ID = "rnns-for-nlp"  # the same id as nbgrader_config.py and deploy/jupyter/common/nbgrader_config.py
MODE = os.environ.get("COURSE_HUB_MODE", "production")
if MODE not in {"test", "production"}:
    sys.exit(f"COURSE_HUB_MODE must be 'test' or 'production', not {MODE!r}")
TEST = MODE == "test"
STATE = Path(os.environ.get("COURSE_HUB_STATE", os.getcwd())).resolve()
STATE.mkdir(parents=True, exist_ok=True)


def _names(variable: str, default: list[str]) -> list[str]:
    """User names from an environment variable: separated by commas or white space."""
    value = os.environ.get(variable)
    return default if value is None else [name for name in re.split(r"[\s,]+", value) if name]


# --- Network: loopback only unless told otherwise ----------------------------------------------------------------
port = int(os.environ.get("COURSE_HUB_PORT", "8000"))
c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_BIND_URL", f"http://127.0.0.1:{port}")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('COURSE_PROXY_API_PORT', '8001'))}"
c.Spawner.ip = "127.0.0.1"  # single-user servers: reached only through the proxy

# configurable-http-proxy from deploy/package.json (`npm ci --prefix deploy`), else the one on PATH.
_chp = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _chp.exists():
    c.ConfigurableHTTPProxy.command = [str(_chp)]

# State: the database, the cookie secret (created with mode 0600 on first start) and the proxy's pid.
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# Stopping the hub stops every single-user server and the proxy (the defaults, stated).
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- Users and groups -------------------------------------------------------------------------------------------
# Two groups decide what a user's server offers: "instructors" get nbgrader's formgrader, course
# list and create-assignment tools; everyone else (the "students" group, or no group) gets only
# the assignment list and the validate button. See _course_environment below.
INSTRUCTORS = _names("COURSE_INSTRUCTORS", ["instructor"] if TEST else [])
STUDENTS = _names("COURSE_STUDENTS", ["student"] if TEST else [])
c.JupyterHub.load_groups = {
    "instructors": {"users": INSTRUCTORS},
    "students": {"users": STUDENTS},
}
c.Authenticator.admin_users = set(_names("COURSE_HUB_ADMINS", []))

# --- AUTHENTICATION ---------------------------------------------------------------------------------------------
if TEST:
    # Anyone can log in under any name: loopback only, for trying the hub and for the tests.
    c.JupyterHub.authenticator_class = "dummy"
    c.Authenticator.allow_all = True
    if os.environ.get("COURSE_HUB_DUMMY_PASSWORD"):
        c.DummyAuthenticator.password = os.environ["COURSE_HUB_DUMMY_PASSWORD"]
else:
    # Which authenticator to pick:
    # * Your institution has single sign-on (OAuth2/OpenID Connect, e.g. Microsoft Entra, Google
    #   Workspace, Keycloak) or the class uses GitHub: OAuthenticator. Nobody keeps a password on
    #   the hub, and accounts end with the institution's. `pip install oauthenticator`, then e.g.
    #       c.JupyterHub.authenticator_class = "generic-oauth"   # or "github", "google", "azuread"
    #       c.GenericOAuthenticator.client_id = os.environ["OAUTH_CLIENT_ID"]
    #       c.GenericOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]
    #       c.GenericOAuthenticator.oauth_callback_url = "https://HUB/hub/oauth_callback"
    #       c.GenericOAuthenticator.authorize_url = "https://IDP/authorize"   # from your identity provider
    #       c.GenericOAuthenticator.token_url = "https://IDP/token"
    #       c.GenericOAuthenticator.userdata_url = "https://IDP/userinfo"
    #       c.GenericOAuthenticator.username_claim = "preferred_username"
    #   With the spawner below every user also needs a Unix account of the same name; container
    #   spawners (DockerSpawner, KubeSpawner: deploy/z2jh-values.yaml) need none.
    # * No single sign-on, a small class: NativeAuthenticator (`pip install jupyterhub-nativeauthenticator`).
    #   Students sign up on the hub and an admin approves them at /hub/authorize:
    #       c.JupyterHub.authenticator_class = "native"
    #       c.NativeAuthenticator.open_signup = False          # every sign-up waits for approval
    #       c.NativeAuthenticator.minimum_password_length = 10
    # * One server whose Unix accounts are the users (the hub runs as root): PAM, JupyterHub's
    #   default, needs no extra package. It is what this file uses unless you choose one above.
    c.JupyterHub.authenticator_class = "pam"
    # Only the roster may log in (the groups above; more can be added on the admin page).
    c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)

# --- Spawner, memory and CPU ------------------------------------------------------------------------------------
if TEST:
    c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: a home per user, no isolation
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")
else:
    # One Unix account per user. For enforced limits use SystemdSpawner on one server
    # (`pip install jupyterhub-systemdspawner`; c.JupyterHub.spawner_class = "systemd"), or
    # DockerSpawner / KubeSpawner with the image of deploy/Dockerfile.
    c.JupyterHub.spawner_class = "default"
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120

# Memory. A student's peak is a chapter's kernel (full training) with Validate's second kernel
# beside it: nbgrader's validator runs the whole notebook again in a new kernel while the
# student's own kernel keeps its state. BENCHMARKS.md ("A student's session on the hub",
# scripts/student_session.py) measures that sum for every chapter, and tests/test_hub_walk.py
# samples a real student's server, kernel and Validate on this hub and asserts it stays under
# STUDENT_MEM_LIMIT. docs/instructor/hub.md has the arithmetic: 3 GiB holds the largest chapter
# with Validate and the server, with room to spare; 2 GiB did not (about 2.2 GiB for Chapter 1).
#     instructor:  4 GiB holds autograding (about 1.3 GiB: the command, nbgrader and the sandboxed
#                  kernel), a chapter of their own with Validate, and the server.
# LocalProcessSpawner (and SimpleLocalProcessSpawner) does NOT enforce these limits: it only passes
# them to the server as MEM_LIMIT/CPU_LIMIT. SystemdSpawner (cgroups), DockerSpawner and KubeSpawner
# (Kubernetes limits) enforce them: going over kills the kernel (Jupyter restarts it) or, on some
# Kubernetes set-ups, the whole server.
STUDENT_MEM_LIMIT = "3G"
INSTRUCTOR_MEM_LIMIT = "4G"
c.Spawner.mem_limit = STUDENT_MEM_LIMIT
# BENCHMARKS.md measures every notebook on 2 CPU cores.
c.Spawner.cpu_limit = 2.0

# Single-user configuration per group: JUPYTER_CONFIG_PATH puts deploy/jupyter/<role> first, then
# deploy/jupyter/common (course id, exchange, idle-kernel culling). A container image can hold
# these folders elsewhere: set COURSE_JUPYTER_CONFIG_ROOT to where the image keeps them.
CONFIG_ROOT = Path(os.environ.get("COURSE_JUPYTER_CONFIG_ROOT", HERE / "jupyter"))
EXCHANGE_ROOT = Path(os.environ.get("COURSE_EXCHANGE_ROOT", STATE / "exchange" if TEST else "/srv/nbgrader/exchange"))
if TEST:
    EXCHANGE_ROOT.mkdir(parents=True, exist_ok=True)
    EXCHANGE_ROOT.chmod(0o1777)  # nbgrader's own check wants it writable by all


# The course's environment (COURSE_VENV above): by default the one this hub runs in.
COURSE_VENV = Path(os.environ.get("COURSE_VENV") or Path(sys.executable).parent.parent)
COURSE_BIN = COURSE_VENV / "bin"


def course_path(path: str) -> str:
    """``path`` (a PATH value) with the course environment's bin folder first, and only there."""
    rest = [entry for entry in path.split(os.pathsep) if entry and entry != str(COURSE_BIN)]
    return os.pathsep.join([str(COURSE_BIN), *rest])


def role_of(user) -> str:
    """``instructor`` for a member of the group "instructors", else ``student``."""
    return "instructor" if any(group.name == "instructors" for group in user.groups) else "student"


def _course_environment(spawner) -> None:
    """Before each spawn: the user's role decides the Jupyter configuration and the memory limit."""
    role = role_of(spawner.user)
    spawner.environment = {  # a new dict: the configured one is shared by every spawner
        **spawner.environment,
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(CONFIG_ROOT / role), str(CONFIG_ROOT / "common")]),
        "COURSE_ROLE": role,
        "COURSE_EXCHANGE_ROOT": str(EXCHANGE_ROOT),
    }
    if role == "student":  # submissions carry the hub's user name (deploy/jupyter/common/nbgrader_config.py)
        spawner.environment["COURSE_STUDENT_ID"] = spawner.user.name
    if isinstance(spawner, LocalProcessSpawner):
        # A local server inherits the hub's PATH, which need not hold the course's environment (sudo
        # resets it; `jupyterhub -f` may run from another Python). Containers keep their image's PATH.
        inherited = spawner.environment.get("PATH") or os.environ.get("PATH", os.defpath)
        spawner.environment["PATH"] = course_path(inherited)
        spawner.environment["COURSE_VENV"] = str(COURSE_VENV)
    spawner.mem_limit = INSTRUCTOR_MEM_LIMIT if role == "instructor" else STUDENT_MEM_LIMIT
    spawner.log.info("course: %s starts as %s", spawner.user.name, role)


c.Spawner.pre_spawn_hook = _course_environment
if TEST:
    # The single-user servers run from this environment (the venv's jupyterhub-singleuser).
    c.Spawner.cmd = [shutil.which("jupyterhub-singleuser") or "jupyterhub-singleuser"]
    if os.geteuid() == 0:  # a container's root: every user is root here, and Jupyter refuses that unless told
        c.Spawner.args = ["--allow-root"]

# --- The formgrader in a browser tab of its own -----------------------------------------------------------------
# Inside JupyterLab (Nbgrader > Formgrader) the formgrader's links to an assignment's folder (its
# name) and to its student version (Preview) open in JupyterLab's file browser. In a tab of its own,
# nbgrader makes them /tree/<path>, without the server's /user/<name>/ (formgrader/static/js/utils.js,
# linkTo), so they reach the hub, which turns /tree/<path> into /hub/tree/<path>. This handler sends
# such a request on to the user's own server, where Notebook's /tree/, /notebooks/ and /edit/ pages
# open it. JupyterHub calls extra_handlers deprecated and says so once at start-up, but a service
# cannot stand in: services only get paths under /services/.


class OwnServerRedirect(RequestHandler):
    """``/hub/tree/PATH`` (also ``notebooks``, ``edit``) to ``/hub/user-redirect/tree/PATH``: the user's own server."""

    def get(self, page: str, path: str) -> None:
        """Redirect, keeping the query string."""
        query = f"?{self.request.query}" if self.request.query else ""
        self.redirect(f"/hub/user-redirect/{page}/{quote(path)}{query}")


c.JupyterHub.extra_handlers = [(r"/(tree|notebooks|edit)/(.*)", OwnServerRedirect)]

# --- Services ---------------------------------------------------------------------------------------------------
services: list[dict] = []
roles: list[dict] = []
if os.environ.get("COURSE_HUB_ADMIN_TOKEN"):
    services.append({"name": "course-admin", "api_token": os.environ["COURSE_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "course-admin", "services": ["course-admin"],
                  "scopes": ["admin:users", "admin:groups", "admin:servers", "tokens"]})
try:  # Stop servers idle for an hour, if jupyterhub-idle-culler is installed (Z2JH has it built in).
    import jupyterhub_idle_culler  # noqa: F401
except ImportError:
    pass
else:
    if not TEST:
        services.append({"name": "idle-culler",
                         "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]})
        roles.append({"name": "idle-culler", "services": ["idle-culler"],
                      "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles

"""Print the link that opens a chapter on the course's hub, pulling the repository with nbgitpuller.

    python deploy/launch_link.py --hub https://hub.example.edu --repo https://github.com/OWNER/REPO
    python deploy/launch_link.py --hub http://127.0.0.1:8000 --repo .     # `make hub`, this checkout

The link has the form

    https://HUB/hub/user-redirect/git-pull?repo=<repo URL>&branch=main&urlpath=lab/tree/<folder>/chapters/01-rnn-anatomy/rnn_anatomy.ipynb

where <folder> is the last part of the repository URL (nbgitpuller's default target folder in the
student's home). The first click clones the repository into the student's home; later clicks pull
new commits and merge them with the student's edits (nbgitpuller never overwrites a changed file).

``--repo`` also takes a local folder (a git checkout): the link then names it as a file:// URL,
which nbgitpuller clones like any other. That is for a hub on this machine (`make hub`, where
every user is your own account): it clones the branch's last commit, not uncommitted changes.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import urlencode

DEFAULT_NOTEBOOK = "chapters/01-rnn-anatomy/rnn_anatomy.ipynb"


def repo_url(repo: str) -> str:
    """The clone URL for ``repo``: a URL (``https://``, ``file://``, ``git@host:path``) as it is, a local folder as file://."""
    if "://" in repo or re.match(r"^[\w.-]+@[\w.-]+:", repo):
        return repo
    return Path(repo).expanduser().resolve().as_uri()


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into, relative to the student's home."""
    return repo.rstrip("/").split("/")[-1]


def launch_link(hub: str, repo: str, branch: str = "main", notebook: str = DEFAULT_NOTEBOOK) -> str:
    """Return the nbgitpuller link that opens ``notebook`` (a path inside the repository) in JupyterLab.

    ``hub`` is the hub's public URL (``https://hub.example.edu``, with a base path if it has one);
    ``repo`` is the repository's clone URL, or a local folder (see :func:`repo_url`).
    """
    repo = repo_url(repo).rstrip("/")  # nbgitpuller's clone and its redirect must agree on the folder name
    query = urlencode({
        "repo": repo,
        "branch": branch,
        "urlpath": f"lab/tree/{repo_folder(repo)}/{notebook.lstrip('/')}",
    })
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> None:
    """Command line: print the link."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", required=True, help="the hub's public URL, e.g. https://hub.example.edu")
    parser.add_argument("--repo", required=True,
                        help="the course repository's clone URL, or a local checkout's folder (a hub on this machine)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help=f"path in the repository (default {DEFAULT_NOTEBOOK})")
    args = parser.parse_args(argv)
    print(launch_link(args.hub, args.repo, args.branch, args.notebook))


if __name__ == "__main__":
    main()

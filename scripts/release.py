"""Regenerate the student notebooks in chapters/ from the instructor notebooks in solutions/.

Runs ``nbgrader generate_assignment`` for every chapter folder, without touching a
gradebook, and removes released chapters whose source is gone.  The line of each chapter's
set-up cell that installs the course where it is missing (Colab) gets the repository and
branch of ``_config.yml``, the one place they are set.  Usage::

    python scripts/release.py [--into DIR]

``--into`` writes the release somewhere else (the sync test uses it).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In the set-up cell: COURSE_PACKAGE = "course-utils @ git+<repository URL>@<branch>"
PACKAGE_LINE = re.compile(r'COURSE_PACKAGE = "[^"]*"')


def course_package(root: Path = ROOT) -> str:
    """The pip requirement that installs the course from the repository named in ``_config.yml``."""
    import yaml  # installed with jupyter-book

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repository = config["repository"]
    return f"course-utils @ git+{repository['url'].rstrip('/')}@{repository.get('branch', 'main')}"


def set_course_package(notebook: Path, package: str) -> None:
    """Point the install line of ``notebook``'s set-up cell at ``package``."""
    import nbformat
    from nbgrader.utils import compute_checksum

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if PACKAGE_LINE.search(source):
            source = PACKAGE_LINE.sub(f'COURSE_PACKAGE = "{package}"', source)
            cell["source"] = source.splitlines(keepends=True)
            meta = cell["metadata"].get("nbgrader", {})
            if "checksum" in meta:  # a locked cell: nbgrader's checksum of the new source
                meta["checksum"] = compute_checksum(nbformat.from_dict({**cell, "source": source}))
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def chapters(root: Path = ROOT) -> list[str]:
    """Return the assignment names: every folder in solutions/ that holds a notebook."""
    return sorted(p.name for p in (root / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def release(into: Path, root: Path = ROOT) -> None:
    """Write the student version of every chapter into ``into/<chapter>/``."""
    into.mkdir(parents=True, exist_ok=True)
    names = chapters(root)
    for stale in into.iterdir():
        if stale.is_dir() and stale.name not in names:
            shutil.rmtree(stale)
    nbgrader = Path(sys.executable).with_name("nbgrader")
    package = course_package(root)
    for name in names:
        subprocess.run(
            [str(nbgrader), "generate_assignment", name, "--force", "--no-db",
             f"--CourseDirectory.release_directory={into}", "--log-level=ERROR"],
            cwd=root, check=True,
        )
        for notebook in (into / name).glob("*.ipynb"):
            set_course_package(notebook, package)
        print(f"released {name} -> {into / name}")


def main() -> None:
    """Parse the command line and release every chapter."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=ROOT / "chapters", help="release folder (default: chapters/)")
    release(parser.parse_args().into.resolve())


if __name__ == "__main__":
    main()

"""Regenerate the student notebooks in chapters/ from the instructor notebooks in solutions/.

Runs ``nbgrader generate_assignment`` for every chapter folder, without touching a
gradebook, and removes released chapters whose source is gone.  Usage::

    python scripts/release.py [--into DIR]

``--into`` writes the release somewhere else (the sync test uses it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    for name in names:
        subprocess.run(
            [str(nbgrader), "generate_assignment", name, "--force", "--no-db",
             f"--CourseDirectory.release_directory={into}", "--log-level=ERROR"],
            cwd=root, check=True,
        )
        print(f"released {name} -> {into / name}")


def main() -> None:
    """Parse the command line and release every chapter."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=ROOT / "chapters", help="release folder (default: chapters/)")
    release(parser.parse_args().into.resolve())


if __name__ == "__main__":
    main()

"""chapters/ is generated from solutions/: regenerate it and fail on any difference or leak."""

from __future__ import annotations

import filecmp
import sys

import pytest
from nbutils import CHAPTERS, MARKERS, ROOT, quiet_env, read, released, run, secret_lines, source_notebooks

pytestmark = pytest.mark.slow


def _tree(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_chapters_match_a_fresh_release(tmp_path):
    fresh = tmp_path / "release"
    run([sys.executable, str(ROOT / "scripts" / "release.py"), "--into", str(fresh)], ROOT, quiet_env(tmp_path))
    assert _tree(fresh) == _tree(CHAPTERS), "chapters/ holds other files than a fresh release; run `make release`"
    for rel in _tree(fresh):
        assert filecmp.cmp(fresh / rel, CHAPTERS / rel, shallow=False), \
            f"chapters/{rel} is out of date with solutions/; run `make release` and commit the result"


@pytest.mark.parametrize("source", source_notebooks(), ids=lambda p: p.parent.name)
def test_no_solution_or_hidden_test_in_release(source):
    secrets = secret_lines(read(source))
    assert secrets, "the leak check found no solution or hidden-test lines to look for"
    text = "\n".join(cell.source for cell in read(released(source)).cells)
    for marker in MARKERS:
        assert marker not in text
    leaked = sorted(secrets & {line.strip() for line in text.splitlines()})
    assert not leaked, f"{released(source).relative_to(ROOT)} contains solution or hidden-test code: {leaked[:5]}"

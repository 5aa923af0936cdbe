"""Rebuild ``sunspots_yearly.csv`` from the yearly sunspot numbers in the ``statsmodels`` wheel.

The ``statsmodels`` wheel carries the yearly sunspot numbers for 1700-2008 in
``statsmodels/datasets/sunspots/sunspots.csv`` (columns ``YEAR`` and ``SUNACTIVITY``).
Its ``data.py`` names the source (NOAA's National Geophysical Data Center,
http://www.ngdc.noaa.gov/stp/solar/solarda3.html) and says "This data is public domain."
It is the version-1 international (Zurich) sunspot number series; see ``data/README.md``.

This script reads that CSV straight from the wheel (statsmodels is not installed), checks
that there is one row per year with no gap, and writes ``year,sunspots`` with the values
copied as they are written in the source (``5``, ``15.2``, ...).

Usage (run from the repository root; any platform's wheel of this version holds the same CSV)::

    pip download statsmodels==0.15.0 --no-deps --only-binary=:all: -d wheels
    python data/sunspots/make_sunspots.py wheels/statsmodels-0.15.0-*.whl

Afterwards update the size and checksum in ``data/MANIFEST.json``.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

STATSMODELS_VERSION = "0.15.0"
MEMBER = "statsmodels/datasets/sunspots/sunspots.csv"
FIRST_YEAR, LAST_YEAR = 1700, 2008


def convert(source_csv: str) -> str:
    """Return the ``year,sunspots`` CSV text for the statsmodels ``YEAR,SUNACTIVITY`` CSV text."""
    reader = csv.DictReader(io.StringIO(source_csv))
    if reader.fieldnames != ["YEAR", "SUNACTIVITY"]:
        raise ValueError(f"expected the columns YEAR, SUNACTIVITY, found {reader.fieldnames}")
    rows = [(int(row["YEAR"]), row["SUNACTIVITY"].strip()) for row in reader]
    years = [year for year, _ in rows]
    if years != list(range(FIRST_YEAR, LAST_YEAR + 1)):
        raise ValueError(f"expected one row per year {FIRST_YEAR}-{LAST_YEAR}, found {len(years)} rows "
                         f"from {years[0]} to {years[-1]}")
    for year, value in rows:
        if not float(value) >= 0:  # also rejects NaN
            raise ValueError(f"{year}: {value!r} is not a sunspot number")
    return "year,sunspots\n" + "".join(f"{year},{value}\n" for year, value in rows)


def main(wheel: str) -> None:
    """Write ``sunspots_yearly.csv`` beside this script from the given statsmodels wheel."""
    if f"statsmodels-{STATSMODELS_VERSION}-" not in Path(wheel).name:
        raise SystemExit(f"expected a statsmodels {STATSMODELS_VERSION} wheel, got {wheel}")
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(MEMBER).decode("utf-8")
    out = Path(__file__).with_name("sunspots_yearly.csv")
    with open(out, "w", encoding="utf-8", newline="") as handle:
        handle.write(convert(text))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])

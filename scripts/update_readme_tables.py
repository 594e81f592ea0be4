"""Rewrite the findings tables in README.md from the catalogue (run after adding a code)."""

from __future__ import annotations

import re
from pathlib import Path

from closing.findings import CODES
from sie.findings import CATALOGUE, Catalogue, catalogue_markdown, merge

README = Path(__file__).resolve().parents[1] / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    merge(CATALOGUE, CODES)  # the two packages' catalogues, merged: no code in both
    tables: list[tuple[str, Catalogue]] = [
        ("### Reading, import and validation (`sie`)", CATALOGUE),
        ("### Closing (`closing`)", CODES),
    ]
    for heading, codes in tables:
        pattern = re.compile(re.escape(heading) + r"\n\n(\|.*\|\n)+")
        table = f"{heading}\n\n{catalogue_markdown(codes)}\n"
        text, count = pattern.subn(table.replace("\\", "\\\\"), text)  # a literal table
        if count != 1:
            raise SystemExit(f"README.md: no table under {heading!r}")
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

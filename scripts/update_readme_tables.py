"""Rewrite the findings tables in README.md from the catalogue (run after adding a code)."""

from __future__ import annotations

import re
from pathlib import Path

import closing  # noqa: F401 - registers the closing codes
from closing.findings import CODES
from sie.findings import CATALOGUE, catalogue_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    sie_codes = {k: v for k, v in CATALOGUE.items() if k not in CODES}
    for heading, codes in [
        ("### Reading, import and validation (`sie`)", sie_codes),
        ("### Closing (`closing`)", CODES),
    ]:
        pattern = re.compile(re.escape(heading) + r"\n\n(\|.*\|\n)+")
        text, count = pattern.subn(
            lambda _m, h=heading, c=codes: f"{h}\n\n{catalogue_markdown(c)}\n", text
        )
        if count != 1:
            raise SystemExit(f"README.md: no table under {heading!r}")
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

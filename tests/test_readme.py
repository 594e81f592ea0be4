"""The README's findings tables are the catalogue, and its first commands exist."""

from __future__ import annotations

import os

from closing.findings import CODES
from sie.findings import CATALOGUE, catalogue_markdown, merge
from tests.conftest import ROOT


def test_findings_tables_match_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(merge(CATALOGUE, CODES)) == len(CATALOGUE) + len(CODES)  # no code in both
    hint = "README.md is out of date: run python scripts/update_readme_tables.py"
    assert catalogue_markdown(CATALOGUE) in readme, hint
    assert catalogue_markdown(CODES) in readme, hint


def test_the_two_newcomer_commands_are_first_and_runnable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split()[0] for line in block.splitlines() if line.strip()]
    assert commands == ["scripts/demo", "scripts/test"]
    for command in commands:
        assert os.access(ROOT / command, os.X_OK)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci

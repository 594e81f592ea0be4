"""Each package's finding codes: a Literal type equal to its catalogue, and kept apart."""

from __future__ import annotations

from typing import get_args

import pytest

import sie
from closing.findings import CODES, ClosingCode
from closing.findings import finding as closing_finding
from sie.findings import CATALOGUE, SieCode, finding, merge


def test_each_literal_type_is_its_catalogue() -> None:
    assert list(get_args(SieCode)) == list(CATALOGUE)
    assert list(get_args(ClosingCode)) == list(CODES)


def test_the_catalogues_are_apart_and_merge_explicitly() -> None:
    merged = merge(CATALOGUE, CODES)
    assert set(merged) == set(CATALOGUE) | set(CODES)
    assert not set(CATALOGUE) & set(CODES)
    with pytest.raises(ValueError, match="bad-field"):
        merge(CATALOGUE, {"bad-field": ("error", "again")})


def test_reading_a_file_adds_no_closing_code_to_sies_catalogue() -> None:
    import closing.engine  # noqa: F401 - importing the closing changes nothing in sie

    assert not any(code.startswith("closing-") for code in CATALOGUE)
    assert sie.CATALOGUE is CATALOGUE


def test_each_package_makes_its_own_findings_with_the_catalogues_severity() -> None:
    assert finding("bad-field", "m", 3, "f.se").severity == "error"
    assert finding("bad-field", "m", severity="warning").severity == "warning"
    assert closing_finding("closing-deficit", "m").severity == "info"
    with pytest.raises(KeyError):
        finding("closing-deficit", "m")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        closing_finding("bad-field", "m")  # type: ignore[arg-type]

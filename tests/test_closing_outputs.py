"""``closing.outputs.write_outputs``: one call writes every file of a closing, named
after the company and the year, and what it writes reads back as the closing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import openpyxl
import pytest

import sie
from closing import close
from closing.assets import read_assets
from closing.outputs import OutputsError, output_paths, output_stem, write_outputs
from closing.pipeline import close_file
from closing.taxreturn import read_sru, tax_return
from sie.model import SieFile
from sie.validation import load

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
SAMPLE_ASSETS = ROOT / "samples" / "norrsken_ab_2025_inventarier.json"


def sample() -> SieFile:
    model = load(SAMPLE).model
    assert model is not None
    return model


def test_one_call_writes_the_workbook_and_both_sie_files(tmp_path: Path) -> None:
    model = sample()
    assets = read_assets(SAMPLE_ASSETS)
    result = close(model, assets=assets)
    day = dt.date(2026, 2, 1)
    written = write_outputs(result, model, tmp_path / "new", assets=assets, generated=day)
    assert [w.kind for w in written] == [
        "workbook",
        "closing_vouchers",
        "year_with_closing",
        "sru_info",
        "sru_blanketter",
    ]
    assert {w.path for w in written} == set((tmp_path / "new").iterdir())
    assert {w.kind: w.path for w in written} == output_paths(result, model, tmp_path / "new")
    assert [w.path.name for w in written] == [
        "556742-3180_2025_bokslut.xlsx",
        "556742-3180_2025_bokslut.si",
        "556742-3180_2025_med_bokslut.se",
        "INFO.SRU",
        "BLANKETTER.SRU",
    ]
    assert all(w.findings == () for w in written)
    sru = read_sru(written[3].path, written[4].path)
    assert sru.amounts() == tax_return(model, result).amounts()
    assert sru.amounts()["ink2s"]["4.15"] == sru.amounts()["ink2"]["1.1"] > 0

    four_i = sie.read(written[1].path).model
    assert four_i.sie_type == "4I" and four_i.vouchers == result.vouchers
    assert four_i.header.generated == day
    year = sie.read(written[2].path).model
    assert year.vouchers == (*model.vouchers, *result.vouchers)
    workbook = openpyxl.load_workbook(written[0].path)
    assert workbook["Översikt"]["B5"].value == "556742-3180"
    assert written[0].to_json() == {
        "kind": "workbook",
        "path": str(written[0].path),
        "findings": [],
    }


def test_a_4i_file_is_closed_into_a_4i_year(tmp_path: Path) -> None:
    model = sample()
    as_4i = attrs.evolve(model, header=attrs.evolve(model.header, sie_type=4), balances=())
    data, _notes = sie.dumps(as_4i, sie_type="4I")
    path = tmp_path / "in.si"
    path.write_bytes(data)
    report = close_file(path, folder=tmp_path / "out")
    assert report.status == "closed", report.reason
    assert report.written[2].path.name.endswith("_med_bokslut.si")
    assert sie.read(report.written[2].path).model.sie_type == "4I"


@pytest.mark.parametrize(
    ("orgnr", "stem"),
    [
        ("5567423180", "556742-3180_2025"),
        ("556742-3180", "556742-3180_2025"),
        ("../../etc/passwd", "etcpasswd_2025"),
        ("\x1b[2J 12/34", "2J1234_2025"),
        ("", "okant-orgnr_2025"),
    ],
)
def test_output_names_are_safe_on_every_file_system(orgnr: str, stem: str) -> None:
    model = sample()
    model = attrs.evolve(model, header=attrs.evolve(model.header, orgnr=orgnr))
    assert output_stem(close(model)) == stem


def test_a_refused_closing_has_nothing_to_write(tmp_path: Path) -> None:
    model = sample()
    refused = close(model, attrs.evolve(close(model).settings, rates_year=1990))
    assert not refused.closed
    with pytest.raises(ValueError, match="refused"):
        write_outputs(refused, model, tmp_path)
    assert not list(tmp_path.iterdir())


def test_an_unwritable_folder_is_an_outputs_error_naming_it(tmp_path: Path) -> None:
    model = sample()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputsError) as caught:
        write_outputs(close(model), model, blocker / "sub")
    assert str(blocker / "sub") in str(caught.value)
    assert "choose another folder" in str(caught.value)


def test_a_return_that_cannot_be_filed_writes_no_sru_files_and_says_why(tmp_path: Path) -> None:
    model = sample()
    model = attrs.evolve(model, header=attrs.evolve(model.header, orgnr=""))
    result = close(model)
    written = write_outputs(result, model, tmp_path)
    assert [w.kind for w in written] == ["workbook", "closing_vouchers", "year_with_closing"]
    assert not (tmp_path / "INFO.SRU").exists()
    tr = tax_return(model, result)
    assert not tr.fileable
    assert any("organisation number" in f.message for f in tr.findings)

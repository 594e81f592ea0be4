"""``bokslut balance`` and ``bokslut close`` through ``main([...])`` and as a real
process: on the bundled sample, on every 4E file of the shared corpus, and on the
ways a user (or a hostile file) can get them wrong. The SIE files the closing writes
must read back without findings."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sie
from closing import ClosingSettings, close
from closing.assets import AssetsError, parse_assets
from closing.cli import main
from closing.outputs import output_stem
from closing.render import sv_amount
from closing.sie_output import PROGRAM, closing_vouchers_file, year_with_closing
from closing.taxreturn import read_sru
from sie.display import is_printable, printable, printable_json
from sie.model import SieFile
from sie.validation import load
from sie.writer import dumps
from tests.conftest import corpus_file, corpus_params

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "norrsken_ab_2025.se"
SAMPLE_ASSETS = SAMPLES / "norrsken_ab_2025_inventarier.json"
UNBALANCED = SAMPLES / "broken_examples" / "unbalanced_voucher.si"
ZERO = Decimal("0.00")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, *argv, "--json")
    assert "Traceback" not in err
    return code, json.loads(out)


def problems(findings: Any) -> list[Any]:
    return [f for f in findings if f.severity in ("error", "warning")]


def file_figures(model: SieFile) -> dict[str, Decimal]:
    """The file's own year-0 figure per account: #UB for balance, #RES for result accounts."""
    return {b.account: b.amount for b in model.balances if b.year == 0 and b.kind in ("UB", "RES")}


def computed_figures(model: SieFile) -> dict[str, tuple[Decimal, bool]]:
    """IB (or last year's UB) plus the year's transactions per account, and whether
    it is a result account; done here independently of the engine, as the oracle
    for ``bokslut balance``."""
    year = model.year(0)
    kinds = {(b.kind, b.year) for b in model.balances}
    source = ("IB", 0) if ("IB", 0) in kinds else ("UB", -1)
    opening = {b.account: b.amount for b in model.balances if (b.kind, b.year) == source}
    res = {b.account for b in model.balances if b.kind == "RES" and b.year == 0}
    ub = {b.account for b in model.balances if b.kind == "UB" and b.year == 0}
    moved: dict[str, Decimal] = {}
    for v in model.vouchers:
        if year is not None and not year.contains(v.date):
            continue
        for r in v.trans:
            moved[r.account] = moved.get(r.account, ZERO) + r.amount
    out: dict[str, tuple[Decimal, bool]] = {}
    for account in set(moved) | set(opening) | res | ub:
        declared = model.account(account)
        if declared is not None and declared.type in ("K", "I", "T", "S"):
            is_result = declared.type in ("K", "I")
        elif account in res and account not in ub:
            is_result = True
        else:
            is_result = account[:1].isdigit() and int(account[0]) >= 3
        start = ZERO if is_result else opening.get(account, ZERO)
        out[account] = (start + moved.get(account, ZERO), is_result)
    return out


def inconsistent_accounts(model: SieFile) -> set[str]:
    """Accounts whose #UB/#RES differs from IB + transactions. A file that writes
    #UB (#RES) at all says zero for an account it leaves out."""
    given = file_figures(model)
    has_ub = any(b.kind == "UB" and b.year == 0 for b in model.balances)
    has_res = any(b.kind == "RES" and b.year == 0 for b in model.balances)
    out = set()
    for account, (value, is_result) in computed_figures(model).items():
        if not (has_res if is_result else has_ub):
            continue
        if value != given.get(account, ZERO):
            out.add(account)
    return out


# --------------------------------------------------------------------------- balance


def test_balance_on_the_sample_is_a_readable_table_that_agrees_with_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = sie.read(SAMPLE).model
    code, out, err = run(capsys, "balance", str(SAMPLE))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Trial balance (råbalans): Norrsken Konsult & Bygg AB")
    figures = file_figures(model)
    for account in ("1510", "2440", "3041", "7832"):
        [row] = [line for line in lines if line.startswith(f"{account} ")]
        assert sv_amount(figures[account]) in row
    for klass in range(1, 9):
        assert any(line.startswith(f"{klass} ") for line in lines)
        assert any(f"Sum class {klass}" in line for line in lines)
    assert "Consistent: for all" in out
    rba = -sum((a for k, a in figures.items() if "3000" <= k[:4] <= "8799"), ZERO)
    assert f"(3000–8799): {sv_amount(rba)} (profit)" in out
    assert "voucher-id-missing" in out  # the two vouchers without series, from validation


def test_balance_json_gives_amounts_as_strings(capsys: pytest.CaptureFixture[str]) -> None:
    model = sie.read(SAMPLE).model
    code, data = run_json(capsys, "balance", str(SAMPLE))
    assert code == 0
    assert data["company"] == model.header.company_name
    assert data["orgnr"] == model.header.orgnr
    assert data["year"] == {"start": "2025-01-01", "end": "2025-12-31"}
    figures = file_figures(model)
    for entry in data["accounts"]:
        assert set(entry) >= {"account", "name", "ib", "movement", "ub", "prev_ub"}
        for key in ("ib", "movement", "ub"):
            assert isinstance(entry[key], str) and entry[key] == str(Decimal(entry[key]))
        assert Decimal(entry["ub"]) == figures.get(entry["account"], ZERO)
    rba = -sum((a for k, a in figures.items() if "3000" <= k[:4] <= "8799"), ZERO)
    assert data["result_before_appropriations"] == str(rba)


@pytest.mark.parametrize("path", corpus_params())
def test_balance_on_corpus_4e_files_equals_the_file_where_consistent_and_says_where_not(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    validation = load(path)
    if validation.model is None or validation.model.sie_type != "4E":
        pytest.skip("not a readable SIE 4E file")
    model = validation.model
    code, data = run_json(capsys, "balance", str(path))
    assert code == (0 if validation.ok else 1)
    code_text, text, err = run(capsys, "balance", str(path))
    assert code_text == code and err == ""
    given_ = file_figures(model)
    shown = {e["account"]: Decimal(e["ub"]) for e in data["accounts"]}
    inconsistent = inconsistent_accounts(model)
    for account, figure in given_.items():
        if account not in inconsistent:
            assert shown.get(account, ZERO) == figure, account
    if inconsistent:
        assert "NOT consistent" in text
        listed = text.split("NOT consistent", 1)[1]
        for account in inconsistent:
            assert f"\n  {account:<8} computed" in listed, account
    else:
        assert "Consistent: for all" in text


@pytest.mark.parametrize("path", corpus_params())
def test_balance_on_corpus_sie_1_to_3_files_sums_as_the_files_own_balances(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    """Types 1–3 carry no transactions: the råbalans is the file's #IB/#UB/#RES, so it
    sums to zero exactly where the file's own #UB and #RES do (issue 7 §1)."""
    validation = load(path)
    if validation.model is None or validation.model.sie_type not in ("1", "2", "3"):
        pytest.skip("not a readable SIE 1-3 file")
    own = sum(file_figures(validation.model).values(), ZERO)
    code, data = run_json(capsys, "balance", str(path))
    assert code == (0 if validation.ok else 1)
    assert Decimal(data["balance_sum"]) + Decimal(data["result_sum"]) == own
    assert data["differences"] == []
    code, text, _err = run(capsys, "balance", str(path))
    assert ("NOT BALANCED" in text) == (own != 0)
    assert "nothing to check its balances against" in text


# --------------------------------------------------------------------------- close: the sample


def test_close_the_sample_as_the_demo_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--assets", str(SAMPLE_ASSETS)
    )
    assert code == 0, err
    assert err == ""
    stem = "556742-3180_2025"
    for name in (f"{stem}_bokslut.xlsx", f"{stem}_bokslut.si", f"{stem}_med_bokslut.se"):
        assert (tmp_path / name).is_file()
        assert str(tmp_path / name) in out
    model = load(SAMPLE).model
    assert model is not None
    engine = close(model, assets=parse_assets(json.loads(SAMPLE_ASSETS.read_text("utf-8"))))
    assert engine.tax is not None
    for label, value in (
        ("Result before appropriations and tax", engine.result_before_appropriations),
        ("Taxable income", engine.tax.taxable_income),
        ("Tax 20,6 %", engine.tax.tax),
        ("Årets resultat", engine.arets_resultat),
    ):
        [line] = [x for x in out.splitlines() if x.strip().startswith(label)]
        assert line.endswith(sv_amount(value)), line
    for v in engine.vouchers:
        assert f"{v.series} {v.number}" in out and v.text in out
    assert out.count("difference 0,00  OK") == 2


def test_close_json_has_the_figures_vouchers_and_reconciled_attachments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, data = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--assets", str(SAMPLE_ASSETS)
    )
    assert code == 0
    for key in (
        "result_before_appropriations",
        "pfond_allocation",
        "schablonintakt",
        "overavskrivning",
        "taxable_income",
        "tax",
        "arets_resultat",
    ):
        assert isinstance(data[key], str) and Decimal(data[key]) == Decimal(data[key]).quantize(
            Decimal("0.01")
        )
    assert isinstance(data["pfond_reversals"], list) and data["pfond_reversals"]
    assert Decimal(data["overavskrivning"]) > 0
    for v in data["vouchers"]:
        assert set(v) >= {"series", "date", "text", "rows"}
        assert v["date"] == "2025-12-31"
        assert sum(Decimal(r["amount"]) for r in v["rows"]) == 0
    by_account = {a["account"]: a for a in data["attachments"]}
    for account in ("1510", "2440"):
        assert set(by_account[account]) >= {"account", "book_balance", "specified", "difference"}
        assert by_account[account]["difference"] == "0.00"
        assert by_account[account]["book_balance"] == by_account[account]["specified"]
    assert set(data["outputs"]) == {
        "workbook",
        "closing_vouchers",
        "year_with_closing",
        "sru_info",
        "sru_blanketter",
    }
    # The tax return as field -> whole kronor maps, equal to the SRU files written.
    for form in ("ink2", "ink2r", "ink2s"):
        assert data[form] and all(type(v) is int for v in data[form].values())
    assert data["ink2"]["1.1"] == data["ink2s"]["4.15"]
    assert data["ink2s"]["4.3a"] == int(Decimal(data["tax"]))
    sru = read_sru(data["outputs"]["sru_info"], data["outputs"]["sru_blanketter"])
    assert sru.amounts() == {form: data[form] for form in ("ink2", "ink2r", "ink2s")}
    fields = {(f["form"], f["id"]): f["amount"] for f in data["tax_return"]["fields"]}
    assert fields[("INK2S", "4.15")] == data["ink2s"]["4.15"]
    # ... and to the workbook's INK2 sheet, field by SRU code.
    by_code = {f["sru_code"]: f["amount"] for f in data["tax_return"]["fields"]}
    sheet = openpyxl.load_workbook(data["outputs"]["workbook"])["INK2"]
    shown = {
        row[1]: row[4]
        for row in sheet.iter_rows(min_row=5, values_only=True)
        if row[0] and row[1] and isinstance(row[4], int)
    }
    assert shown == by_code


def test_the_written_sie_files_read_back_clean_and_hold_the_closing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, data = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--assets", str(SAMPLE_ASSETS)
    )
    assert code == 0
    outputs = {k: Path(v) for k, v in data["outputs"].items()}
    four_i = sie.read(outputs["closing_vouchers"])
    assert problems(four_i.findings) == []
    assert four_i.model.sie_type == "4I"
    assert [y.index for y in four_i.model.years] == [0]
    written = [
        (
            v.series,
            v.number,
            v.date.isoformat(),
            v.text,
            [(r.account, str(r.amount)) for r in v.rows],
        )
        for v in four_i.model.vouchers
    ]
    assert written == [
        (
            v["series"],
            v["number"],
            v["date"],
            v["text"],
            [(r["account"], r["amount"]) for r in v["rows"]],
        )
        for v in data["vouchers"]
    ]
    used = {r.account for v in four_i.model.vouchers for r in v.rows}
    assert {a.number for a in four_i.model.accounts} == used
    assert all(a.name for a in four_i.model.accounts)
    assert four_i.model.header.orgnr == "556742-3180"
    assert four_i.model.header.program == PROGRAM

    year = load(outputs["year_with_closing"])
    assert problems(year.findings) == []
    assert year.model is not None and year.model.sie_type == "4E"
    original = load(SAMPLE).model
    assert original is not None
    assert len(year.model.vouchers) == len(original.vouchers) + len(data["vouchers"])
    # Closed once, the year refuses a second closing: the year result is booked.
    code, again = run_json(
        capsys, "close", str(outputs["year_with_closing"]), "--out", str(tmp_path / "again")
    )
    assert code == 1
    assert again["closed"] is False
    assert "already booked" in again["reason"]
    assert not (tmp_path / "again").exists()

    wb = openpyxl.load_workbook(outputs["workbook"])
    assert wb["Översikt"]["B5"].value == "556742-3180"


def test_closing_options_reach_the_closing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, none = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--pfond", "none", "--series", "BOKS"
    )
    assert code == 0
    assert none["pfond_allocation"] == "0.00"
    assert {v["series"] for v in none["vouchers"]} == {"BOKS"}
    assert [v["number"] for v in none["vouchers"]] == [
        str(i) for i in range(1, len(none["vouchers"]) + 1)
    ]
    code, some = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--pfond", "10 000,50"
    )
    assert some["pfond_allocation"] == "10000.50"
    code, capped = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--pfond", "99999999"
    )
    assert capped["pfond_allocation"] == capped["pfond_max"]
    assert "closing-pfond-capped" in {f["code"] for f in capped["findings"]}
    # The sample holds 2123 (45 000) and 2124 (72 000); 2129 (2019) is in its sixth year.
    # A voluntary reversal comes after the forced one and takes the oldest fund first.
    forced = ("2129", "60000.00", True)
    for choice, voluntary in (
        ("50 000", {("2123", "45000.00", False), ("2124", "5000.00", False)}),
        ("all", {("2123", "45000.00", False), ("2124", "72000.00", False)}),
        ("cover-loss", set()),  # a profit year: there is no loss to cover
    ):
        code, reversed_ = run_json(
            capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--reverse-pfond", choice
        )
        assert code == 0
        got = {(r["account"], r["amount"], r["forced"]) for r in reversed_["pfond_reversals"]}
        assert got == {forced, *voluntary}, choice


# --------------------------------------------------------------------------- close: the corpus


@pytest.mark.parametrize("path", corpus_params())
def test_close_on_corpus_4e_files_completes_or_refuses_with_a_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, path: Path
) -> None:
    validation = load(path)
    if validation.model is None or validation.model.sie_type != "4E":
        pytest.skip("not a readable SIE 4E file")
    # The corpus is 2008–2014: without a tax table for those years the closing refuses.
    code, out, err = run(capsys, "close", str(path), "--out", str(tmp_path / "plain"))
    assert code == 1 and err == ""
    assert "REFUSED" in out
    assert "tax-year table" in out or "validation errors" in out or "already booked" in out
    # With the 2025 rates as a simulation it closes, or refuses saying why.
    code, data = run_json(
        capsys, "close", str(path), "--out", str(tmp_path / "sim"), "--rates-year", "2025"
    )
    assert code in (0, 1)
    if code == 1:
        assert data["closed"] is False and data["reason"]
        return
    assert data["closed"] is True
    for v in data["vouchers"]:
        assert sum(Decimal(r["amount"]) for r in v["rows"]) == 0
    for key in ("closing_vouchers", "year_with_closing"):
        back = sie.read(data["outputs"][key])
        assert problems(back.findings) == [], (key, back.findings)
    assert openpyxl.load_workbook(data["outputs"]["workbook"]).sheetnames[0] == "Översikt"


# --------------------------------------------------------------------------- exit codes


def test_usage_errors_and_unreadable_files_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = [
        [],
        ["balance"],
        ["balance", str(tmp_path / "missing.se")],
        ["close", str(SAMPLE), "--pfond", "lots"],
        ["close", str(SAMPLE), "--reverse-pfond", "lots"],
        ["close", str(SAMPLE), "--reverse", "2024"],  # the old option is gone
        ["close", str(SAMPLE), "--series", "A B"],
        ["close", str(SAMPLE), "--rates-year", "1999"],
        ["close", str(SAMPLE), "--assets", str(tmp_path / "missing.json")],
    ]
    html = tmp_path / "page.se"
    html.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    cases.append(["balance", str(html)])
    for argv in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert "Traceback" not in out + err
        assert err, argv


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"acquisition": {}}', "unknown key"),
        ('{"acquisitions": {"last year": "1"}}', "is not a year"),
        ('{"acquisitions": {"2025": "many"}}', "must be an amount"),
        ('["2025"]', "expected a JSON object"),
        # amounts get the range check of amounts in files (issue 7: 1e30, 29 digits)
        ('{"acquisitions": {"2025": 1e30}}', "acquisitions.2025: must be an amount"),
        ('{"disposals": "' + "1" * 29 + '"}', "disposals: must be an amount"),
        ('{"book_value": "-100"}', "book_value: must be zero or more"),
    ],
)
def test_a_bad_assets_file_is_a_usage_error_that_says_what_is_wrong(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, says: str
) -> None:
    assets = tmp_path / "assets.json"
    assets.write_text(content, encoding="utf-8")
    code, out, err = run(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--assets", str(assets)
    )
    assert code == 2
    assert str(assets) in err and says in err
    assert "unexpected failure" not in out + err
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_file_with_validation_errors_is_refused_with_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _err = run(capsys, "close", str(UNBALANCED), "--out", str(tmp_path))
    assert code == 1
    assert "validation errors" in out and "voucher-unbalanced" in out
    assert not list(tmp_path.iterdir())
    code, out, _err = run(capsys, "balance", str(UNBALANCED))
    assert code == 1


def test_an_output_directory_that_cannot_be_made_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _out, err = run(capsys, "close", str(SAMPLE), "--out", str(blocker / "sub"))
    assert code == 2
    assert "cannot write the outputs" in err


def test_help_documents_the_assets_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "close", "--help")
    assert code == 0
    assert '"acquisitions"' in out and "opening_tax_value" in out
    documented = json.loads(SAMPLE_ASSETS.read_text("utf-8"))
    parse_assets(documented)  # the bundled sample follows the documented format


# --------------------------------------------------------------------------- sie_output and helpers


def test_closing_vouchers_file_is_a_pure_4i_model_of_the_vouchers() -> None:
    model = load(SAMPLE).model
    assert model is not None
    result = close(model)
    four_i = closing_vouchers_file(model, result, generated=dt.date(2026, 2, 1))
    assert four_i.sie_type == "4I"
    assert four_i.vouchers == result.vouchers
    assert four_i.years == (model.year(0),)
    assert four_i.header.generated == dt.date(2026, 2, 1)
    assert four_i.header.company_name == model.header.company_name
    data, findings = dumps(four_i, sie_type="4I")
    assert findings == []
    back = sie.read(data)
    assert back.model.vouchers == result.vouchers
    assert problems(back.findings) == []
    whole = year_with_closing(model, result, generated=dt.date(2026, 2, 1))
    assert whole.vouchers[: len(model.vouchers)] == model.vouchers
    assert whole.header.program == PROGRAM
    settings_close = close(model, ClosingSettings(series="Z"))
    assert {v.series for v in closing_vouchers_file(model, settings_close).vouchers} == {"Z"}


def test_output_names_use_the_formatted_orgnr_and_the_closing_year() -> None:
    model = load(SAMPLE).model
    assert model is not None
    assert output_stem(close(model)) == "556742-3180_2025"


def test_parse_assets_reads_amounts_without_floats() -> None:
    data = json.loads(
        '{"opening_tax_value": 1234.10, "acquisitions": {"2025": "10 000,50"}}', parse_float=Decimal
    )
    assets = parse_assets(data)
    assert assets.opening_tax_value == Decimal("1234.10")
    assert assets.acquisitions == {2025: Decimal("10000.50")}
    with pytest.raises(AssetsError):
        parse_assets({"disposals": True})


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_swedish_amounts_read_back_as_the_same_number(value: Decimal) -> None:
    shown = sv_amount(value)
    assert "." not in shown
    assert Decimal(shown.replace(" ", "").replace(",", ".")) == value
    whole = shown.lstrip("-").split(",")[0]
    assert all(len(group) == 3 for group in whole.split(" ")[1:])


# --------------------------------------------------------------------------- regressions


HOSTILE_NAME = "Evil AB \x1b[2J\x1b]0;pwned\x07 \u202egnp.exe"


def sample_variant(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The sample with some lines replaced, written as the CP437 the sample is in."""
    text = SAMPLE.read_bytes().decode("cp437")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "variant.se"
    path.write_bytes(text.encode("cp437", errors="replace"))
    return path


def test_a_hostile_company_name_never_reaches_the_terminal_raw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = HOSTILE_NAME.replace("\u202e", "")  # CP437 cannot hold U+202E
    path = sample_variant(tmp_path, ('"Norrsken Konsult & Bygg AB"', f'"{name}"'))
    company = sie.read(path).model.header.company_name
    assert "\x1b" in company and "\x07" in company  # the reader keeps them: the test bites
    for argv in (
        ["balance", str(path)],
        ["close", str(path), "--out", str(tmp_path / "out")],
        ["balance", str(path), "--json"],
        ["close", str(path), "--out", str(tmp_path / "out"), "--json"],
    ):
        code, out, err = run(capsys, *argv)
        assert code in (0, 1), (argv, err)
        for raw in ("\x1b", "\x07"):
            assert raw not in out + err, argv
        if "--json" in argv:
            assert json.loads(out)["company"] == company  # JSON escapes, the value is intact
        else:
            assert "Evil AB \\x1b[2J\\x1b]0;pwned\\x07" in out


def test_printable_escapes_every_control_character_and_keeps_the_rest() -> None:
    assert printable("Åkeri & Söner AB") == "Åkeri & Söner AB"
    assert printable(HOSTILE_NAME) == "Evil AB \\x1b[2J\\x1b]0;pwned\\x07 \\u202egnp.exe"
    assert printable("a\tb\r\nc\x7f\x9b") == "a\\tb\\r\\nc\\x7f\\x9b"
    data = {"company": HOSTILE_NAME + "\x9b\x7f"}
    text = printable_json(data)
    assert is_printable(text) and json.loads(text) == data


@given(st.text())
def test_printable_output_is_always_safe(text: str) -> None:
    shown = printable(text)
    assert is_printable(shown)
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in shown)
    if is_printable(text):
        assert shown == text
    assert json.loads(printable_json(text)) == text


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--pfond", "1e30"),
        ("--pfond", "1" * 29),
        ("--previous-deficit", "1" * 29),
        ("--previous-deficit", "1e30"),
        ("--previous-deficit", "-5000"),
        ("--reverse-pfond", "9" * 16),
        ("--reverse-pfond", "NaN"),
        # kronor and öre only: nothing is cut to öre silently (100 000,123 → 100 000,12)
        ("--pfond", "100000.123"),
        ("--reverse-pfond", "100.129"),
        ("--previous-deficit", "5000.001"),
    ],
)
def test_option_amounts_out_of_range_are_usage_errors_naming_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str
) -> None:
    code, out, err = run(capsys, "close", str(SAMPLE), "--out", str(tmp_path), option, value)
    assert code == 2
    assert option in err
    assert "unexpected failure" not in out + err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_the_largest_amount_in_range_is_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, data = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--previous-deficit", "9" * 15
    )
    assert code == 0
    assert data["previous_deficit"] != "0.00"


def refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    """Run a command that must refuse its file: exit 2, no traceback; with --json one
    JSON object with the reason. Returns the reason and the text-mode stderr."""
    code, data = run_json(capsys, *argv)
    assert code == 2, argv
    assert data["ok"] is False and data["refused"] is True and data["reason"]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert data["reason"] in err
    return str(data["reason"]), err


@pytest.mark.parametrize("command", ["balance", "close"])
def test_a_refused_file_gets_its_own_reason_also_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    extra = ["--out", str(tmp_path / "out")] if command == "close" else []
    missing, _ = refusal(capsys, command, str(tmp_path / "missing.se"), *extra)
    assert "No such file" in missing
    folder, _ = refusal(capsys, command, str(tmp_path), *extra)
    assert "folder" in folder and "No such file" not in folder
    html = tmp_path / "page.se"
    html.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    not_sie, _ = refusal(capsys, command, str(html), *extra)
    assert "No such file" not in not_sie and "folder" not in not_sie
    if os.geteuid() != 0:  # root reads everything
        locked = tmp_path / "locked.se"
        locked.write_bytes(SAMPLE.read_bytes())
        locked.chmod(0)
        denied, _ = refusal(capsys, command, str(locked), *extra)
        assert "ermission" in denied and "No such file" not in denied
    assert not (tmp_path / "out").exists()


def test_close_json_on_a_failure_after_parsing_is_a_json_object(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assets = tmp_path / "assets.json"
    assets.write_text("{not json", encoding="utf-8")
    code, data = run_json(capsys, "close", str(SAMPLE), "--assets", str(assets))
    assert code == 2
    assert data["refused"] is True and "not valid JSON" in data["reason"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, data = run_json(capsys, "close", str(SAMPLE), "--out", str(blocker / "sub"))
    assert code == 2
    assert "cannot write the outputs" in data["reason"]
    assert data["outputs"] is None


def test_a_rabalans_that_does_not_sum_to_zero_is_refused_unless_forced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = sample_variant(
        tmp_path,
        ("#IB 0 1930 684212.40", "#IB 0 1930 684312.40"),
        ("#UB 0 1930 657803.41", "#UB 0 1930 657903.41"),
    )
    code, data = run_json(capsys, "close", str(path), "--out", str(tmp_path / "plain"))
    assert code == 1 and data["closed"] is False
    assert "100" in data["reason"]
    assert not (tmp_path / "plain").exists()
    code, data = run_json(capsys, "close", str(path), "--out", str(tmp_path / "forced"), "--force")
    assert code == 0 and data["closed"] is True
    assert "closing-forced" in {f["code"] for f in data["findings"]}
    code, out, _err = run(capsys, "close", str(path), "--out", str(tmp_path / "forced"), "--force")
    assert code == 0 and "closing-forced" in out


# --------------------------------------------------------------------------- a real process


def bokslut(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "closing.cli", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def test_the_command_as_a_process_on_the_sample(tmp_path: Path) -> None:
    done = bokslut("balance", str(SAMPLE))
    assert done.returncode == 0 and done.stderr == ""
    assert "Consistent: for all" in done.stdout
    done = bokslut("close", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["closed"] is True
    assert sorted(Path(p).name for p in data["outputs"].values()) == sorted(
        p.name for p in tmp_path.iterdir()
    )
    done = bokslut("balance", str(tmp_path / "missing.se"), "--json")
    assert done.returncode == 2 and json.loads(done.stdout)["refused"] is True


@pytest.mark.parametrize("path", corpus_params()[:1] + corpus_params()[-3:])
def test_the_command_as_a_process_on_corpus_files(path: Path, tmp_path: Path) -> None:
    validation = load(path)
    done = bokslut("balance", str(path), "--json")
    data = json.loads(done.stdout)
    if validation.refused:
        assert done.returncode == 2 and data["refused"] is True
        return
    assert done.returncode == (0 if validation.ok else 1)
    assert data["company"] == validation.model.header.company_name
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- hostile bytes

TEMPLATE = [
    "#FLAGGA 0",
    "#PROGRAM {text} 1.0",
    "#FORMAT PC8",
    "#GEN 20260115",
    "#SIETYP {sietyp}",
    "#ORGNR {orgnr}",
    '#FNAMN "{text}"',
    "#RAR 0 {start} 20251231",
    '#KONTO 1930 "{text}"',
    '#KONTO 3001 "Försäljning"',
    "#IB 0 1930 {amount}",
    "#UB 0 1930 {amount}",
    "#RES 0 3001 {amount}",
    '#VER A 1 20250301 "{text}"',
    "{{",
    "#TRANS 1930 {{}} {amount}",
    "#TRANS 3001 {{}} -{amount}",
    "}}",
]
#: Control characters (all of C0, DEL, C1 samples), digits and a few SIE specials.
HOSTILE = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x20)]
        + ["\x7f", "\x85", "\x9b", "\u202e", "1", "9", "0", ".", "-"]
        + list(' "{}#\\Åäö,e')
    ),
    max_size=40,
)
FIELDS = st.fixed_dictionaries(
    {
        "text": HOSTILE,
        "sietyp": st.sampled_from(["4", "3", "1", "4\x1c", "9" * 30]),
        "orgnr": st.one_of(st.just("556742-3180"), HOSTILE),
        "start": st.sampled_from(["20250101", "20260101", "2025\x1f0101", "1" * 40]),
        "amount": st.one_of(
            st.just("100.00"),
            st.text(alphabet="0123456789", min_size=1, max_size=60),
            st.just("1e30"),
            HOSTILE,
        ),
    }
)


@settings(max_examples=40, deadline=None)
@given(FIELDS, st.sampled_from(["utf-8", "cp437"]))
def test_the_commands_never_fail_or_print_raw_controls_on_hostile_files(
    fields: dict[str, str], encoding: str
) -> None:
    """Whatever bytes the file holds: exit 0, 1 or 2, never "unexpected failure", and
    nothing raw on the terminal (issue 8: terminal injection, long digit runs)."""
    text = "\r\n".join(line.format(**fields) for line in TEMPLATE) + "\r\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.se"
        path.write_bytes(text.encode(encoding, errors="replace"))
        for argv in (
            ["balance", str(path)],
            ["balance", str(path), "--json"],
            ["close", str(path), "--out", folder, "--rates-year", "2025"],
            ["close", str(path), "--out", folder, "--json"],
        ):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            shown = out.getvalue() + err.getvalue()
            assert code in (0, 1, 2), argv
            assert "unexpected failure" not in shown and "internal-error" not in shown, shown
            assert is_printable(shown.replace("\n", "")), (argv, shown)
            if "--json" in argv:
                json.loads(out.getvalue())


@pytest.mark.parametrize("command", ["balance", "close"])
def test_the_size_limit_refuses_a_larger_file_even_from_a_device(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    extra = ["--out", str(tmp_path / "out")] if command == "close" else []
    reason, _ = refusal(capsys, command, str(SAMPLE), "--max-size-mb", "0.01", *extra)
    assert "limit" in reason
    if Path("/dev/zero").exists():  # stat says 0 bytes: the reader must stop by itself
        reason, _ = refusal(capsys, command, "/dev/zero", "--max-size-mb", "0.5", *extra)
        assert "limit" in reason
    for bad in ("0", "-1", "nan", "lots", "1e30", "inf", "1048577"):
        code, _out, err = run(capsys, command, str(SAMPLE), "--max-size-mb", bad, *extra)
        assert code == 2 and "--max-size-mb" in err and "unexpected" not in err
    assert not (tmp_path / "out").exists()
    # The largest limit reads the file (in pieces, not one limit-sized buffer).
    code, _out, err = run(capsys, command, str(SAMPLE), "--max-size-mb", "1048576", *extra)
    assert code in (0, 1) and "unexpected" not in err


def small_company(
    path: Path, rows: list[tuple[str, str, str]], *, extra: tuple[str, ...] = ()
) -> Path:
    """A SIE 4E file of a company whose year is ``rows`` (account, name, amount), each
    booked against 1930 on its own voucher; ``extra`` lines go after the chart."""
    total = sum(Decimal(x) for _a, _n, x in rows)
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "test" 1',
        "#FORMAT PC8",
        "#GEN 20260115",
        "#SIETYP 4",
        "#ORGNR 556677-8899",
        '#FNAMN "Testbolaget AB"',
        "#RAR 0 20250101 20251231",
        '#KONTO 1930 "Bank"',
        '#KONTO 2081 "Aktiekapital"',
        *(f'#KONTO {a} "{n}"' for a, n, _x in rows if a != "1930"),
        *extra,
        "#IB 0 1930 50000.00",
        "#IB 0 2081 -50000.00",
        f"#UB 0 1930 {Decimal('50000.00') - total:.2f}",
        "#UB 0 2081 -50000.00",
    ]
    moved: dict[str, Decimal] = {}
    for account, _name, amount in rows:
        moved[account] = moved.get(account, ZERO) + Decimal(amount)
    lines += [f"#{'UB' if a[0] in '12' else 'RES'} 0 {a} {x:.2f}" for a, x in moved.items()]
    for i, (account, name, amount) in enumerate(rows, 1):
        lines += [f'#VER A {i} 20250301 "{name}"', "{"]
        lines += [f"#TRANS {account} {{}} {amount}", f"#TRANS 1930 {{}} {-Decimal(amount)}", "}"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return path


def ladder(out: str) -> dict[str, str]:
    """The printed tax ladder: label -> amount text."""
    block = out.split("Tax computation (skatteberäkning)\n", 1)[1].split("\n\n", 1)[0]
    return {line[:64].strip(): line[64:].strip() for line in block.splitlines()}


def test_the_printed_tax_ladder_has_a_line_per_ink2s_adjustment_field_and_adds_up(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [
        ("3001", "Försäljning", "-100000.00"),
        ("8270", "Nedskrivningar av andelar i övriga företag", "10000.00"),  # 4.3b
        ("6072", "Representation, ej avdragsgill", "700.00"),  # 4.3c
        ("8012", "Utdelning på andelar i dotterföretag", "-20000.00"),  # 4.5b
        ("8314", "Skattefria ränteintäkter", "-150.00"),  # 4.5c
    ]
    sie_file = small_company(tmp_path / "adj.se", rows)
    code, out, _err = run(capsys, "close", str(sie_file), "--out", str(tmp_path / "out"))
    assert code == 0
    # By hand: result 100 000 − 10 000 − 700 + 20 000 + 150 = 109 450; surplus
    # 109 450 + 10 000 + 700 − 20 000 − 150 = 100 000; fund 25 000; taxable 75 000.
    shown = ladder(out)
    assert shown["Result before appropriations and tax (3000–8799)"] == "109 450,00"
    assert shown["+ Write-downs of financial assets, not deductible (INK2S 4.3b)"] == "10 000,00"
    assert shown["+ Non-deductible costs (INK2S 4.3c)"] == "700,00"
    assert shown["− Dividends on business shares, not taxable (INK2S 4.5b)"] == "20 000,00"
    assert shown["− Non-taxable income (INK2S 4.5c)"] == "150,00"
    assert shown["= Surplus before allocation"] == "100 000,00"
    assert shown["Taxable income, rounded down to 10 kr (4.15)"] == "75 000,00"
    assert shown["Tax 20,6 %"] == "15 450,00"


def test_an_assets_file_without_acquisitions_uses_the_ledgers_debits_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The sample debits 134 500 on 1220 in 2025: with ``{}`` the 30-rule base is the
    opening tax value 172 000 + 134 500 = 306 500 (floor 214 550, as with the sample's
    own assets file), not 172 000 (floor 120 400, överavskrivning 106 775)."""
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    out = str(tmp_path / "out")
    code, data = run_json(capsys, "close", str(SAMPLE), "--assets", str(empty), "--out", out)
    assert code == 0
    assert data["overavskrivning"] == "12625.00"
    messages = [f["message"] for f in data["findings"]]
    assert any("1220 134 500,00" in m and "acquisitions" in m for m in messages)


def test_a_simulated_forced_closing_writes_no_sru_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sie2 = corpus_file("Sie2.se")
    out = tmp_path / "out"
    argv = ("close", str(sie2), "--rates-year", "2025", "--force", "--out", str(out))
    code, text, _err = run(capsys, *argv)
    assert code == 0
    assert not (out / "INFO.SRU").exists() and not (out / "BLANKETTER.SRU").exists()
    assert "[closing-sru-draft]" in text and "for filing" not in text
    for reason in ("simulation", "forced", "no SRU tables for tax year 2014"):
        assert reason in text


def test_adjust_maps_accounts_to_ink2s_fields_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [
        ("3001", "Försäljning", "-100000.00"),
        ("6999", "Övrigt, ej avdragsgill", "1234.00"),
        ("3995", "Bidrag, ej skattepliktigt", "-500.00"),
        ("8314", "Skattefria ränteintäkter", "-150.00"),
    ]
    sie_file = small_company(tmp_path / "adj.se", rows)
    out = str(tmp_path / "out")
    code, data = run_json(capsys, "close", str(sie_file), "--out", out)
    assert code == 0
    unmapped = [
        f["message"] for f in data["findings"] if f["code"] == "closing-adjustment-unmapped"
    ]
    assert len(unmapped) == 2 and "--adjust 6999=4.3c" in unmapped[1] and "1 234,00" in unmapped[1]
    # By hand: result 100 000 − 1 234 + 500 + 150 = 99 416; + 1 234 (4.3c) − 500 (4.5c),
    # 8314's default dropped: surplus 100 150.
    argv = ("--adjust", "6999=4.3c", "--adjust", "3995=4.5c", "--adjust", "8314=none")
    code, data = run_json(capsys, "close", str(sie_file), "--out", out, *argv)
    assert code == 0
    assert (data["non_deductible"], data["non_taxable"], data["surplus"]) == (
        "1234.00",
        "500.00",
        "100150.00",
    )
    assert not [f for f in data["findings"] if f["code"] == "closing-adjustment-unmapped"]
    for bad in ("6999=4.4", "6999", "x=4.3c"):
        code, _out, err = run(capsys, "close", str(sie_file), "--out", out, "--adjust", bad)
        assert code == 2 and "--adjust" in err


def test_a_refused_closing_states_its_reason_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sie2 = corpus_file("Sie2.se")
    code, out, _err = run(capsys, "close", str(sie2), "--rates-year", "2025")
    assert code == 1
    assert out.count("does not sum to zero") == 1 and "(closing-unbalanced)" not in out
    assert "-33 125,72" in out


def test_an_empty_file_or_folder_name_is_said_to_be_empty_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # Path("") is the current folder: nothing may land here
    for command in ("balance", "close"):
        reason, _ = refusal(capsys, command, "")
        assert "no file name was given" in reason and "folder" not in reason
    code, _out, err = run(capsys, "close", str(SAMPLE), "--assets", "")
    assert code == 2 and "--assets" in err and "no file name was given" in err
    code, _out, err = run(capsys, "close", str(SAMPLE), "--out", "")
    assert code == 2 and "no output folder was given" in err
    assert not list(tmp_path.iterdir())

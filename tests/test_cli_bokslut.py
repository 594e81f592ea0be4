"""``bokslut balance`` and ``bokslut close`` through ``main([...])``: on the bundled
sample, on every 4E file of the shared corpus, and on the ways a user can get
them wrong. The SIE files the closing writes must read back without findings."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sie
from closing import ClosingSettings, close
from closing.cli import UsageError, main, output_stem, parse_assets, sv_amount
from closing.sie_output import PROGRAM, closing_vouchers_file, year_with_closing
from sie.model import SieFile
from sie.validation import load
from sie.writer import dumps
from tests.conftest import corpus_params

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
    for label, value in (
        ("Result before appropriations and tax", engine.result_before_appropriations),
        ("Taxable income", engine.taxable_income),
        ("Tax 20,6 %", engine.tax),
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
    assert set(data["outputs"]) == {"workbook", "closing_vouchers", "year_with_closing"}


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
    code, reversed_ = run_json(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--reverse", "2023", "2024:1000"
    )
    assert code == 0
    got = {(r["account"], r["amount"], r["forced"]) for r in reversed_["pfond_reversals"]}
    assert got == {
        ("2129", "60000.00", True),
        ("2123", "45000.00", False),
        ("2124", "1000.00", False),
    }


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
        ["close", str(SAMPLE), "--reverse", "19"],
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
    ],
)
def test_a_bad_assets_file_is_a_usage_error_that_says_what_is_wrong(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, says: str
) -> None:
    assets = tmp_path / "assets.json"
    assets.write_text(content, encoding="utf-8")
    code, _out, err = run(
        capsys, "close", str(SAMPLE), "--out", str(tmp_path), "--assets", str(assets)
    )
    assert code == 2
    assert says in err
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
    with pytest.raises(UsageError):
        parse_assets({"disposals": True})


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_swedish_amounts_read_back_as_the_same_number(value: Decimal) -> None:
    shown = sv_amount(value)
    assert "." not in shown
    assert Decimal(shown.replace(" ", "").replace(",", ".")) == value
    whole = shown.lstrip("-").split(",")[0]
    assert all(len(group) == 3 for group in whole.split(" ")[1:])

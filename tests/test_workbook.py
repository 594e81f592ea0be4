"""The Excel closing sheet: recalculated by LibreOffice it must give the engine's
figures to the öre, recompute when an input is changed, keep SIE text as text,
and be laid out for reading and printing."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import sie
from closing import (
    AssetInputs,
    ClosingResult,
    ClosingSettings,
    apply,
    close,
    trial_balance,
)
from closing import cli as closing_cli
from closing.assets import read_assets
from closing.taxreturn import read_sru, tax_return, write_sru
from closing.workbook import (
    SHEETS,
    BuiltWorkbook,
    build,
    build_workbook,
    header_text,
    page,
    safe_text,
    write_workbook,
)
from sie.model import Object, SieFile
from tests.closing_support import ledger
from tests.test_closing_examples import example_2, example_3, example_4, example_4_next_year

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
SAMPLE_ASSETS = ROOT / "samples" / "norrsken_ab_2025_inventarier.json"
SOFFICE = shutil.which("soffice")
CENT = Decimal("0.01")

HOSTILE = {
    "company": '=HYPERLINK("http://example.com","klicka")',
    "1930": "+46 bankkonto",
    "3001": "-försäljning",
    "5010": "@hyra",
    "customer": "=1+1",
}


@dataclass
class Case:
    """A ledger, how it was closed, and optionally an input changed in the workbook
    together with the closing that change corresponds to."""

    model: SieFile
    result: ClosingResult
    assets: AssetInputs | None = None
    tweak: Callable[[BuiltWorkbook], None] | None = None
    tweaked: ClosingResult | None = None
    built: BuiltWorkbook = field(init=False)

    def __post_init__(self) -> None:
        self.built = build(self.result, self.assets, tax_return=tax_return(self.model, self.result))
        if self.tweak is not None:
            self.tweak(self.built)


def sample_model() -> SieFile:
    return sie.read(SAMPLE).model


def sample_assets() -> AssetInputs:
    return read_assets(str(SAMPLE_ASSETS))


def hostile_model() -> SieFile:
    """Names that a spreadsheet would take for formulas if they were not kept as text."""
    model = ledger(
        2025,
        ib={"1930": 100_000, "1510": 20_000, "2091": -120_000},
        entries=[
            ("Faktura", [("1510", 50_000, ((8, "K1"),)), ("3001", -50_000)]),
            ("Hyra", [("5010", 10_000), ("1930", -10_000)]),
        ],
        names={"1930": HOSTILE["1930"], "3001": HOSTILE["3001"], "5010": HOSTILE["5010"]},
        objects=[Object(8, "K1", HOSTILE["customer"])],
    )
    return attrs.evolve(model, header=attrs.evolve(model.header, company_name=HOSTILE["company"]))


def booked_result_model() -> SieFile:
    return ledger(
        2025,
        ib={"1930": 100_000, "2091": -100_000},
        entries=[
            ("Försäljning", [("1930", 40_000), ("3001", -40_000)]),
            ("Årets resultat", [("8999", 40_000), ("2099", -40_000)]),
        ],
    )


def set_cell(built: BuiltWorkbook, key: str, value: Any) -> None:
    sheet, cell = built.cells[key]
    built.workbook[sheet][cell].value = value


def make_cases() -> dict[str, Case]:
    sample = sample_model()
    assets = sample_assets()
    loss = example_4()
    after_loss = example_4_next_year()
    ex2_assets = AssetInputs(acquisitions={2025: Decimal(100_000)})
    ex3_settings = ClosingSettings(pfond="none", reverse_pfond=Decimal(50_000))
    deficit = ClosingSettings(previous_deficit=Decimal(120_000))
    cases = {
        "sample_with_assets": Case(sample, close(sample, assets=assets), assets),
        "sample_without_assets": Case(sample, close(sample)),
        "example_2": Case(example_2(), close(example_2(), assets=ex2_assets), ex2_assets),
        "example_3": Case(example_3(), close(example_3(), ex3_settings)),
        "example_4_loss": Case(loss, close(loss)),
        "example_4_next_year": Case(after_loss, close(after_loss, deficit)),
        "hostile_text": Case(hostile_model(), close(hostile_model())),
        "refused": Case(booked_result_model(), close(booked_result_model())),
        "no_allocation_tweaked": Case(
            sample,
            close(sample, assets=assets),
            assets,
            tweak=lambda b: set_cell(b, "tax_choice", "ingen"),
            tweaked=close(sample, ClosingSettings(pfond="none"), assets),
        ),
        "reversal_tweaked": Case(
            sample,
            close(sample, assets=assets),
            assets,
            tweak=lambda b: set_cell(b, "pf_rev:2123", Decimal("45000.00")),
            tweaked=close(sample, ClosingSettings(reverse_pfond=Decimal(45_000)), assets),
        ),
    }
    return cases


@pytest.fixture(scope="module")
def cases() -> dict[str, Case]:
    return make_cases()


@dataclass
class Recalculated:
    case: Case
    values: Any  # openpyxl workbook with the cached values LibreOffice computed
    formulas: Any  # the same file with its formulas


@pytest.fixture(scope="module")
def recalculated(
    cases: dict[str, Case], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Recalculated]:
    """Every case saved, recalculated and re-saved by LibreOffice in one run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not on PATH; install it to recalculate workbooks")
    base = tmp_path_factory.mktemp("recalc")
    given, done, profile = base / "in", base / "out", base / "profile"
    given.mkdir()
    paths = []
    for name, case in cases.items():
        path = given / f"{name}.xlsx"
        case.built.workbook.save(path)
        paths.append(str(path))
    run = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(done),
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = {}
    for name, case in cases.items():
        path = done / f"{name}.xlsx"
        assert path.is_file(), f"LibreOffice did not write {path}: {run.stdout} {run.stderr}"
        out[name] = Recalculated(
            case, openpyxl.load_workbook(path, data_only=True), openpyxl.load_workbook(path)
        )
    return out


#: The cases closed the engine's way (the tweaked ones are checked against another closing).
NAMES = [
    "sample_with_assets",
    "sample_without_assets",
    "example_2",
    "example_3",
    "example_4_loss",
    "example_4_next_year",
    "hostile_text",
    "refused",
]


def amount(value: object) -> Decimal:
    assert isinstance(value, int | float), f"expected a number, got {value!r}"
    return Decimal(str(value)).quantize(CENT)


def value_at(rc: Recalculated, sheet: str, cell: str) -> object:
    return rc.values[sheet][cell].value


# --------------------------------------------------------------------------- recalculation


@pytest.mark.parametrize("name", NAMES)
def test_recalculated_figures_equal_the_engine_to_the_ore(
    recalculated: dict[str, Recalculated], name: str
) -> None:
    rc = recalculated[name]
    checked = [c for c in rc.case.built.checks if c.expected is not None]
    assert len(checked) >= 20
    wrong = [
        (c.key, c.sheet, c.cell, value_at(rc, c.sheet, c.cell), c.expected)
        for c in checked
        if amount(value_at(rc, c.sheet, c.cell)) != c.expected
    ]
    assert wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_balances_after_closing_equal_the_ledger_with_the_vouchers_applied(
    recalculated: dict[str, Recalculated], name: str
) -> None:
    rc = recalculated[name]
    after = trial_balance(apply(rc.case.model, rc.case.result))
    shown = [c for c in rc.case.built.checks if c.key.startswith("after:")]
    assert shown
    wrong = []
    for c in shown:
        account = c.key.removeprefix("after:")
        got = amount(value_at(rc, c.sheet, c.cell)) * c.sign
        if got != after.ub(account):
            wrong.append((c.sheet, account, got, after.ub(account)))
    assert wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_no_formula_evaluates_to_an_error(recalculated: dict[str, Recalculated], name: str) -> None:
    wb = recalculated[name].values
    errors = [
        (ws.title, cell.coordinate, cell.value)
        for ws in wb
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "e"
    ]
    assert errors == []


def test_every_engine_figure_of_the_ladder_is_a_recalculated_formula(
    recalculated: dict[str, Recalculated],
) -> None:
    rc = recalculated["sample_with_assets"]
    keys = {c.key for c in rc.case.built.checks if c.expected is not None}
    assert {
        "rr:rba:before",
        "booked_result_before_allocation",
        "surplus",
        "pfond_base",
        "pfond_max",
        "pfond_allocation",
        "taxable_income_exact",
        "taxable_income",
        "tax",
        "tax_to_book",
        "arets_resultat",
        "rr:arets:after",
        "schablonintakt",
        "pf_upprakning",
        "pf_reversal",
        "oa_main_value",
        "oa_comp_value",
        "oa_change",
        "customers:difference",
        "suppliers:difference",
        "total",
        "ver_total",
    } <= keys
    for c in rc.case.built.checks:
        assert rc.formulas[c.sheet][c.cell].data_type == "f", (c.key, c.sheet, c.cell)


@pytest.mark.parametrize(
    ("name", "inputs"),
    [
        ("no_allocation_tweaked", "the allocation choice set to 'ingen'"),
        ("reversal_tweaked", "a voluntary reversal of the 2023 fund (the oldest left) typed in"),
    ],
)
def test_changing_an_input_recomputes_the_tax_like_the_engine(
    recalculated: dict[str, Recalculated], name: str, inputs: str
) -> None:
    rc = recalculated[name]
    engine = rc.case.tweaked
    assert engine is not None and engine.tax is not None
    original = rc.case.result.tax
    assert original is not None
    assert engine.tax.tax != original.tax, f"{inputs} must change the tax for the test to mean much"
    figures = {
        "tax_alloc": engine.tax.pfond_allocation,
        "tax_taxable": engine.tax.taxable_income,
        "tax_tax": engine.tax.tax,
        "tax_to_book": engine.tax.tax_to_book,
        "tax_arets": engine.arets_resultat,
    }
    for key, expected in figures.items():
        sheet, cell = rc.case.built.cells[key]
        assert amount(value_at(rc, sheet, cell)) == expected, (inputs, key)


def test_changed_allocation_flows_into_the_vouchers_and_the_balance_sheet(
    recalculated: dict[str, Recalculated],
) -> None:
    rc = recalculated["no_allocation_tweaked"]
    engine = rc.case.tweaked
    assert engine is not None
    after = trial_balance(apply(rc.case.model, engine))
    for account in ("2125", "2512", "2099"):
        [c] = [
            c
            for c in rc.case.built.checks
            if c.key == f"after:{account}" and c.sheet == "Avstämning"
        ]
        assert amount(value_at(rc, c.sheet, c.cell)) == after.ub(account), account


def test_tax_account_sheet_says_what_the_sample_company_owes(
    recalculated: dict[str, Recalculated],
) -> None:
    """Sample company after closing: tax 81 044 on 2512, F-skatt paid 61 200 on 2518,
    1 817 on the skattekonto 1630: kvarskatt 19 844, so 18 027 to pay."""
    rc = recalculated["sample_with_assets"]
    checks = {c.key: c for c in rc.case.built.checks}
    shown = {
        key: amount(value_at(rc, checks[key].sheet, checks[key].cell))
        for key in ("tk:tax", "tk:paid", "tk:remaining", "tk:on", "tk:net", "tk:outcome")
    }
    assert shown == {
        "tk:tax": Decimal("81044.00"),
        "tk:paid": Decimal("61200.00"),
        "tk:remaining": Decimal("19844.00"),
        "tk:on": Decimal("1817.00"),
        "tk:net": Decimal("-18027.00"),
        "tk:outcome": Decimal("18027.00"),
    }
    ws = rc.values["Skattekonto"]
    verdicts = [c.value for c in ws["B"] if c.value in ("Att betala", "Att få tillbaka")]
    assert verdicts == ["Att betala"]


def ink2_sheet_amounts(wb: Any) -> dict[str, dict[str, int]]:
    """Form -> field -> filed amount, as the INK2 sheet shows them (column E of field rows)."""
    ws = wb["INK2"]
    out: dict[str, dict[str, int]] = {"ink2": {}, "ink2r": {}, "ink2s": {}}
    form = ""
    for row in ws.iter_rows(min_row=5):
        first = row[0].value
        if isinstance(first, str) and first.startswith("INK2") and " – " in first:
            form = first.split(" ")[0].lower()
        elif form and row[1].value and row[4].value is not None:
            assert isinstance(row[4].value, int | Decimal), row[4].value
            out[form][str(first)] = int(row[4].value)
    return out


def test_ink2_sheet_equals_the_sru_files_and_the_tax_return(
    cases: dict[str, Case], tmp_path: Path
) -> None:
    case = cases["sample_with_assets"]
    tr = tax_return(case.model, case.result)
    path = tmp_path / "bokslut.xlsx"
    case.built.workbook.save(path)
    shown = ink2_sheet_amounts(openpyxl.load_workbook(path))
    info, forms = write_sru(tr, tmp_path)
    filed = read_sru(info, forms).amounts()
    assert shown == filed == tr.amounts()
    # The sample company's figures, computed by hand from its ledger after closing.
    assert shown["ink2"] == {"1.1": 393_427}
    assert shown["ink2s"]["4.15"] == 393_427
    assert shown["ink2r"]["3.26"] == 294_587
    assert shown["ink2r"]["2.48"] == 81_044 - 61_200  # 2512 net of 2518: the kvarskatt
    ws = case.built.workbook["INK2"]
    codes = {r[0].value: r[1].value for r in ws.iter_rows(min_row=5) if r[1].value}
    assert codes["1.1"] == "7104" and codes["4.15"] == "7670" and codes["2.26"] == "7281"


def test_bokslut_close_writes_an_ink2_sheet_equal_to_its_sru_files_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line end to end: the workbook, the SRU pair and ``--json`` agree."""
    argv = ["close", str(SAMPLE), "--out", str(tmp_path), "--assets", str(SAMPLE_ASSETS), "--json"]
    assert closing_cli.main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    [book] = tmp_path.glob("*_bokslut.xlsx")
    shown = ink2_sheet_amounts(openpyxl.load_workbook(book))
    filed = read_sru(tmp_path / "INFO.SRU", tmp_path / "BLANKETTER.SRU").amounts()
    printed = {form: data[form] for form in ("ink2", "ink2r", "ink2s")}
    assert shown == filed == printed
    assert shown["ink2"] == {"1.1": 393_427}


def test_ink2_sheet_says_when_there_is_no_tax_return(cases: dict[str, Case]) -> None:
    sample = cases["sample_with_assets"]
    wb = build(sample.result, sample.assets).workbook
    notes = [c.value for c in wb["INK2"]["D"] if isinstance(c.value, str)]
    assert any("togs inte fram" in n for n in notes)
    refused = cases["refused"].built.workbook
    notes = [c.value for c in refused["INK2"]["D"] if isinstance(c.value, str)]
    assert any("inte gjort" in n for n in notes)


# --------------------------------------------------------------------------- text stays text


def test_sie_text_is_never_written_as_a_formula(cases: dict[str, Case]) -> None:
    wb = cases["hostile_text"].built.workbook
    texts = {cell.value for ws in wb for row in ws.iter_rows() for cell in row}
    for value in HOSTILE.values():
        assert any(isinstance(t, str) and value in t for t in texts), value
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                if cell.data_type == "f":
                    assert "HYPERLINK" not in cell.value and "1+1" not in cell.value
                elif cell.value in HOSTILE.values():
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, (ws.title, cell.coordinate)


def test_sie_text_is_still_text_after_libreoffice(recalculated: dict[str, Recalculated]) -> None:
    rc = recalculated["hostile_text"]
    found = {
        cell.value
        for ws in rc.values
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for value in HOSTILE.values():
        assert value in found, value
    formulas = [
        cell.value
        for ws in rc.formulas
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert not any("HYPERLINK" in f or "1+1" in f for f in formulas)


def test_control_characters_from_a_sie_text_do_not_break_the_file(tmp_path: Path) -> None:
    model = ledger(
        2025,
        ib={"1930": 1_000, "2091": -1_000},
        entries=[("Intäkt", [("1930", 500), ("3001", -500)])],
        names={"3001": "Försäljning\x07\x1b med klocka"},
    )
    path = write_workbook(close(model), tmp_path / "ctrl.xlsx")
    names = [c.value for c in openpyxl.load_workbook(path)["Råbalans"]["B"]]
    assert "Försäljning   med klocka" in names


CLOSED_SMALL = close(
    ledger(
        2025,
        ib={"1930": 1_000, "2091": -1_000},
        entries=[("Intäkt", [("1930", 500), ("3001", -500)])],
    )
)
CONTROL_NAME = "Bolag\x1a\x1b\x1c\x1d\x1e\x1f\x07 & \"Söner\" 'AB' &P"
CONTROL_NAME_SHOWN = "Bolag        & \"Söner\" 'AB' &P"


def test_control_characters_in_the_company_name_leave_a_file_that_opens(tmp_path: Path) -> None:
    """Fuzzing found control bytes 0x1A-0x1F in the company name written raw into
    every print header: the file no longer opened. Headers are cleaned as cells are."""
    model = ledger(
        2025,
        ib={"1930": 1_000, "2091": -1_000},
        entries=[("Intäkt", [("1930", 500), ("3001", -500)])],
    )
    model = attrs.evolve(model, header=attrs.evolve(model.header, company_name=CONTROL_NAME))
    path = write_workbook(close(model), tmp_path / "ctrl.xlsx")
    back = openpyxl.load_workbook(path)
    assert back["Översikt"]["B4"].value == CONTROL_NAME_SHOWN
    for ws in back:
        # In a header "&" starts a code, so a literal ampersand is stored doubled.
        assert ws.oddHeader.left.text == CONTROL_NAME_SHOWN.replace("&", "&&"), ws.title
        assert ws.oddFooter.right.text == "Sida &P av &N"
    assert header_text("a\tb\nc\x1ad&e") == "a b c d&&e"
    assert safe_text("\x1a\x1b\x07ok\ttab") == "   ok\ttab"
    # DEL and C1 fit in an xlsx but are controls no one means to print (reviewer: DEL
    # in the company name reached the print header).
    assert safe_text("Bolag\x7fAB\x85") == "Bolag AB "
    assert header_text("A\x7f&\x9bB") == "A && B"


def raw_header_footer(data: bytes) -> tuple[str, str]:
    """The first sheet's print header and footer as stored (XML entities decoded)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    found = [re.search(f"<{tag}>(.*?)</{tag}>", xml) for tag in ("oddHeader", "oddFooter")]
    return tuple(html.unescape(m.group(1)) if m else "" for m in found)  # type: ignore[return-value]


@settings(max_examples=80, deadline=None)
@given(
    company=st.text(alphabet=st.characters(codec="utf-8")),
    orgnr=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20),
)
def test_any_company_name_makes_a_print_header_that_opens_and_prints_as_is(
    company: str, orgnr: str
) -> None:
    """Arbitrary texts (control characters, ampersands, quotes, any script) as the
    company name and organisation number: the file opens, and the stored header and
    footer hold the text cleaned by the one safe-text function, ``&`` doubled (the
    code for a literal ampersand; LibreOffice prints them as given)."""
    result = attrs.evolve(CLOSED_SMALL, company=company, orgnr=orgnr)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Översikt"
    page.finish(ws, result, 0, None, {})
    target = io.BytesIO()
    wb.save(target)
    openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    head, foot = raw_header_footer(target.getvalue())
    left = f"&L{header_text(company)}" if company else ""
    assert head == f"{left}&RÖversikt · 2025-01-01 – 2025-12-31"
    assert foot == (f"&L{header_text(orgnr)}" if orgnr else "") + "&RSida &P av &N"
    cleaned = header_text(company, limit=10_000).replace("&&", "&")
    assert not ILLEGAL_CHARACTERS_RE.search(cleaned) and "\n" not in cleaned
    assert not re.search("[\x7f-\x9f]", cleaned)
    assert len(header_text(company)) <= 160


# --------------------------------------------------------------------------- values and layout


def test_amounts_are_decimals_or_formulas_never_floats(cases: dict[str, Case]) -> None:
    for name, case in cases.items():
        for ws in case.built.workbook:
            for row in ws.iter_rows():
                for cell in row:
                    assert not isinstance(cell.value, float), (name, ws.title, cell.coordinate)


def test_sheets_are_named_ordered_and_set_up_for_print(cases: dict[str, Case]) -> None:
    wb = cases["sample_with_assets"].built.workbook
    assert wb.sheetnames == [name for name, _ in SHEETS]
    for ws in wb:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.column_dimensions["A"].width
        if ws.title != "Översikt":
            assert ws.freeze_panes, ws.title
            assert ws.print_title_rows, ws.title
    rb = wb["Råbalans"]
    lines = [r for r in range(5, rb.max_row + 1) if rb.cell(row=r, column=3).value in ("BR", "RR")]
    assert lines
    formats = {rb.cell(row=r, column=c).number_format for r in lines for c in (5, 6, 7)}
    assert formats == {"#,##0.00;-#,##0.00"}


def test_trial_balance_sheet_lists_every_account_with_its_own_figures(
    cases: dict[str, Case],
) -> None:
    case = cases["sample_with_assets"]
    ws = case.built.workbook["Råbalans"]
    rows = {
        ws.cell(row=r, column=1).value: r
        for r in range(5, ws.max_row + 1)
        if ws.cell(row=r, column=3).value in ("BR", "RR")
    }
    lines = case.result.trial_balance.lines
    assert set(rows) == {x.account for x in lines}
    for x in lines:
        r = rows[x.account]
        assert ws.cell(row=r, column=5).value == x.ib
        assert ws.cell(row=r, column=6).value == x.movement
        assert ws.cell(row=r, column=7).value == f"=E{r}+F{r}"


def test_a_refused_closing_still_gives_a_workbook_that_says_why(cases: dict[str, Case]) -> None:
    case = cases["refused"]
    assert not case.result.closed
    wb = case.built.workbook
    texts = [c.value for c in wb["Skatteberäkning"]["B"] if isinstance(c.value, str)]
    assert any("inte gjort" in t for t in texts)
    findings = [c.value for c in wb["Översikt"]["A"] if isinstance(c.value, str)]
    assert any("closing-result-booked" in t for t in findings)


def test_write_workbook_saves_a_file_openpyxl_reads_back(tmp_path: Path) -> None:
    model = sample_model()
    path = write_workbook(close(model), tmp_path / "bokslut.xlsx")
    assert path == tmp_path / "bokslut.xlsx"
    back = openpyxl.load_workbook(path)
    assert back.sheetnames == build_workbook(close(model)).sheetnames

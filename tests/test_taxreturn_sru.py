"""The SRU file pair: written for the sample company and read back by our parser,
exact text for a worked example, round trips and hostile bytes, and the return's
accounting invariants on generated ledgers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sie
from closing import ClosingSettings, close
from closing.assets import read_assets
from closing.taxreturn import (
    Field,
    Filer,
    SruError,
    TaxReturn,
    form_fields,
    read_sru,
    tax_return,
    write_sru,
)
from sie.model import Header, SieFile
from tests.closing_support import ledger
from tests.conftest import SAMPLES
from tests.test_closing_examples import example_1

NOW = dt.datetime(2026, 3, 14, 9, 30, 5)


def sample_return() -> tuple[TaxReturn, Decimal]:
    model = sie.read(SAMPLES / "norrsken_ab_2025.se").model
    result = close(model, None, read_assets(str(SAMPLES / "norrsken_ab_2025_inventarier.json")))
    assert result.closed
    return tax_return(model, result), result.arets_resultat


def test_sample_company_return_balances_and_matches_the_closing() -> None:
    tr, arets = sample_return()
    found = {f.code for f in tr.findings}
    assert not found & {
        "closing-sru-unmapped",
        "closing-sru-code-unknown",
        "closing-ink2r-unbalanced",
        "closing-ink2r-result",
        "closing-ink2s-differs",
        "closing-sru-identity",
        "closing-sru-address",
    }
    assert tr.fileable
    assets = sum(f.amount for f in tr.ink2r.values() if f.sru_code < "7300")
    claims = sum(f.amount for f in tr.ink2r.values() if "7300" <= f.sru_code < "7400")
    # Balanced to the öre (no closing-ink2r-unbalanced); in whole kronor within the
    # öre dropped per field, one per field at most.
    assert abs(assets - claims) <= len(tr.ink2r)
    assert abs(tr.ink2r["3.26"].amount - arets) < len(tr.ink2r)
    assert tr.ink2s["4.1"].amount == tr.ink2r["3.26"].amount
    assert tr.ink2["1.1"].amount == tr.ink2s["4.15"].amount
    # Every account of the sample carries #SRU: the sources name the file's accounts.
    assert tr.ink2r["2.4"].accounts == ("1220", "1229")


def test_sample_company_sru_files_read_back_equal_the_fields(tmp_path: Path) -> None:
    tr, _ = sample_return()
    info, forms = write_sru(tr, tmp_path, now=NOW)
    assert (info.name, forms.name) == ("INFO.SRU", "BLANKETTER.SRU")
    read = read_sru(info, forms)
    assert read.amounts() == tr.amounts()
    assert read.info["ORGNR"] == "165567423180"
    assert read.info["NAMN"] == "Norrsken Konsult & Bygg AB"
    assert (read.info["POSTNR"], read.info["POSTORT"]) == ("97231", "Luleå")
    assert read.info["SKAPAD"] == "20260314 093005"
    assert [f.name for f in read.forms] == ["INK2-2025P4", "INK2R-2025P4", "INK2S-2025P4"]
    assert all(f.identity == ("165567423180", "20260314", "093005") for f in read.forms)
    assert read.forms[0].values["7011"] == "20250101"
    assert read.forms[0].values["7012"] == "20251231"
    raw = info.read_bytes()
    assert "Luleå".encode("iso-8859-1") in raw and b"\r\n" in raw
    assert forms.read_bytes().endswith(b"#FIL_SLUT\r\n")
    # The JSON maps are the same figures.
    assert {k: tr.to_json()[k] for k in ("ink2", "ink2r", "ink2s")} == read.amounts()


def test_worked_example_1_files_exactly(tmp_path: Path) -> None:
    model = example_1()
    model = attrs.evolve(
        model,
        header=Header(
            sie_type=4,
            company_name="Exempel AB",
            orgnr="556742-3180",
            address=("Eva Ek", "Box 1", "111 22 Stockholm", "08-1"),
        ),
    )
    tr = tax_return(model, close(model))
    info, forms = write_sru(tr, tmp_path, now=NOW)
    assert info.read_bytes().decode("iso-8859-1").split("\r\n") == [
        "#DATABESKRIVNING_START",
        "#PRODUKT SRU",
        "#SKAPAD 20260314 093005",
        "#PROGRAM sie-bokslut",
        "#FILNAMN BLANKETTER.SRU",
        "#DATABESKRIVNING_SLUT",
        "#MEDIELEV_START",
        "#ORGNR 165567423180",
        "#NAMN Exempel AB",
        "#ADRESS Box 1",
        "#POSTNR 11122",
        "#POSTORT Stockholm",
        "#KONTAKT Eva Ek",
        "#TELEFON 08-1",
        "#MEDIELEV_SLUT",
        "",
    ]
    text = forms.read_bytes().decode("iso-8859-1")
    assert text.startswith(
        "#BLANKETT INK2-2026P4\r\n#IDENTITET 165567423180 20260314 093005\r\n"
        "#NAMN Exempel AB\r\n#UPPGIFT 7011 20260101\r\n#UPPGIFT 7012 20261231\r\n"
        "#UPPGIFT 7104 604500\r\n#BLANKETTSLUT\r\n#BLANKETT INK2R-2026P4\r\n"
    )
    assert (
        "#BLANKETT INK2S-2026P4\r\n#IDENTITET 165567423180 20260314 093005\r\n"
        "#NAMN Exempel AB\r\n#UPPGIFT 7650 473973\r\n#UPPGIFT 7651 124527\r\n"
        "#UPPGIFT 7653 6300\r\n#UPPGIFT 7754 300\r\n#UPPGIFT 7670 604500\r\n"
        "#BLANKETTSLUT\r\n#FIL_SLUT\r\n"
    ) in text
    assert "#UPPGIFT 7525 201500\r\n#UPPGIFT 7528 124527\r\n#UPPGIFT 7450 473973\r\n" in text


def test_no_files_without_an_organisation_number(tmp_path: Path) -> None:
    model = example_1()  # orgnr 556000-0000 has a wrong check digit
    tr = tax_return(model, close(model))
    assert not tr.fileable
    assert "closing-sru-identity" in {f.code for f in tr.findings}
    with pytest.raises(SruError, match="organisation number"):
        write_sru(tr, tmp_path)
    assert list(tmp_path.iterdir()) == []


def _write(path: Path, lines: list[str]) -> Path:
    path.write_bytes("".join(f"{line}\r\n" for line in lines).encode("iso-8859-1"))
    return path


def test_malformed_files_are_refused_with_file_and_line(tmp_path: Path) -> None:
    info = _write(tmp_path / "INFO.SRU", ["#PRODUKT SRU", "#ORGNR 165567423180", "#NAMN X"])
    forms = _write(
        tmp_path / "BLANKETTER.SRU",
        ["#BLANKETT INK2S-2025P4", "#UPPGIFT 7670 12,5", "#BLANKETTSLUT", "#FIL_SLUT"],
    )
    with pytest.raises(SruError, match=r"BLANKETTER\.SRU:2: #UPPGIFT needs"):
        read_sru(info, forms)
    _write(forms, ["#BLANKETT INK2S-2025P4", "#UPPGIFT 7670 12"])
    with pytest.raises(SruError, match="ends without"):
        read_sru(info, forms)
    _write(forms, ["#BLANKETT INK2S-2025P4", "#UPPGIFT 7670 12", "#BLANKETTSLUT", "#FIL_SLUT"])
    assert read_sru(info, forms).amounts() == {"ink2s": {"4.15": 12}}
    _write(forms, ["#BLANKETT NE-2025P4", "#UPPGIFT 7670 12", "#BLANKETTSLUT", "#FIL_SLUT"])
    with pytest.raises(SruError, match="NE-2025P4 is not INK2"):
        read_sru(info, forms).amounts()
    _write(info, ["#PRODUKT SRU", "#NAMN X"])
    with pytest.raises(SruError, match="#ORGNR record is missing"):
        read_sru(info, forms)
    with pytest.raises(SruError, match="cannot be read"):
        read_sru(tmp_path / "nothing.SRU", forms)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), info=st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_sru_error(tmp_path: Path, data: bytes, info: bytes) -> None:
    (tmp_path / "B.SRU").write_bytes(data)
    (tmp_path / "I.SRU").write_bytes(info)
    try:
        read = read_sru(tmp_path / "I.SRU", tmp_path / "B.SRU")
        read.amounts()
    except SruError:
        pass


LATIN1_TEXT = (
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF).filter(str.isprintable),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def returns(draw: st.DrawFn) -> TaxReturn:
    forms: dict[str, dict[str, Field]] = {}
    for form in ("INK2", "INK2R", "INK2S"):
        defs = draw(st.lists(st.sampled_from(form_fields(2025, form)), unique=True, max_size=12))
        forms[form] = {
            d.id: Field(
                d.id,
                d.sru_code,
                d.label,
                draw(st.integers(-(10**15) + 1, 10**15 - 1).filter(bool)),
                "test",
            )
            for d in defs
        }
    filer = Filer(orgnr="165567423180", name=draw(LATIN1_TEXT), town=draw(LATIN1_TEXT))
    names = {form: f"{form}-2025P4" for form in forms}
    return TaxReturn(
        2025,
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        filer,
        names,
        forms["INK2"],
        forms["INK2R"],
        forms["INK2S"],
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tr=returns())
def test_round_trip(tmp_path: Path, tr: TaxReturn) -> None:
    read = read_sru(*write_sru(tr, tmp_path, now=NOW))
    expected = tr.amounts()
    assert {k: read.amounts().get(k, {}) for k in expected} == expected
    assert read.info["NAMN"] == tr.filer.name
    assert all(f.company == tr.filer.name for f in read.forms)


ACCOUNTS = (
    *("1510", "1630", "1930", "2440", "2518", "2650", "3001"),
    *("4010", "5010", "6072", "7010", "7832", "8314", "8423"),
)


@st.composite
def ledgers(draw: st.DrawFn) -> SieFile:
    entries = []
    for i in range(draw(st.integers(1, 8))):
        debit, credit = draw(
            st.lists(st.sampled_from(ACCOUNTS), min_size=2, max_size=2, unique=True)
        )
        amount = draw(st.decimals(Decimal("0.01"), Decimal("500000"), places=2))
        entries.append((f"V{i}", [(debit, amount), (credit, -amount)]))
    opening = draw(st.decimals(Decimal("0"), Decimal("900000"), places=2))
    return ledger(2025, ib={"1930": opening, "2091": -opening}, entries=entries)


@settings(max_examples=40, deadline=None)
@given(model=ledgers(), pfond=st.sampled_from(["max", "none"]))
def test_the_return_balances_and_matches_the_closing(model: SieFile, pfond: str) -> None:
    """Random vouchers may leave a row with the wrong sign (a sale debited): that is a
    closing-sru-negative warning, never an unbalanced form or a different result."""
    result = close(model, ClosingSettings(pfond=pfond))  # type: ignore[arg-type]
    assert result.closed and result.tax is not None
    tr = tax_return(model, result)
    found = {f.code for f in tr.findings}
    assert not found & {
        "closing-sru-unmapped",
        "closing-ink2r-unbalanced",
        "closing-ink2r-result",
        "closing-ink2s-differs",
    }, tr.findings
    s = tr.amounts()["ink2s"]
    taxable = s.get("4.15", 0) - s.get("4.16", 0)
    assert abs(taxable - int(result.tax.taxable_income_exact)) <= len(s)
    assert tr.amounts()["ink2"] == (
        {"1.1": taxable} if taxable > 0 else {"1.2": -taxable} if taxable else {}
    )


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tr=returns())
def test_the_folder_is_made_when_missing(tmp_path: Path, tr: TaxReturn) -> None:
    """``write_sru(tr, "out/")`` on a fresh checkout once raised FileNotFoundError."""
    info, forms = write_sru(tr, tmp_path / "new" / "out", now=NOW)
    assert info.parent == forms.parent == tmp_path / "new" / "out"
    expected = tr.amounts()
    assert {k: read_sru(info, forms).amounts().get(k, {}) for k in expected} == expected

"""INK2, INK2R and INK2S from a closing: the four worked examples of the closing
domain brief (§4) with their field values, and hand-computed cases for the
sign-dependent rows, #SRU codes against the BAS table and unmapped accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import sie
from closing import AssetInputs, ClosingSettings, apply, close, trial_balance
from closing.taxreturn import SruError, TaxReturn, form_fields, tax_return, write_sru
from closing.taxreturn.build import after_closing
from sie.model import Balance, SieFile
from tests.closing_support import ledger
from tests.test_closing_examples import (
    example_1,
    example_2,
    example_3,
    example_4,
    example_4_next_year,
)


def codes(tr: TaxReturn) -> set[str]:
    return {f.code for f in tr.findings}


def problems(tr: TaxReturn) -> list[str]:
    """Findings about the figures (the test ledgers have no valid orgnr or address)."""
    return [
        f.code for f in tr.findings if f.code not in {"closing-sru-identity", "closing-sru-address"}
    ]


def with_sru(model: SieFile, sru: dict[str, tuple[str, ...]]) -> SieFile:
    """The model with #SRU codes on some accounts."""
    accounts = tuple(
        attrs.evolve(a, sru=sru[a.number]) if a.number in sru else a for a in model.accounts
    )
    return attrs.evolve(model, accounts=accounts)


def test_example_1_fields() -> None:
    model = example_1()
    tr = tax_return(model, close(model))
    assert tr.ink2s["4.1"].amount == 473_973
    assert tr.ink2s["4.3a"].amount == 124_527
    assert tr.ink2s["4.3c"].amount == 6_300
    assert tr.ink2s["4.5c"].amount == 300
    assert tr.ink2s["4.15"].amount == 604_500
    assert tr.ink2["1.1"].amount == 604_500
    assert tr.amounts()["ink2s"] == {
        "4.1": 473_973,
        "4.3a": 124_527,
        "4.3c": 6_300,
        "4.5c": 300,
        "4.15": 604_500,
    }
    # The brief's INK2R values, and the rest by hand: bank 100 000 + 1 000 000 − 194 000
    # − 4 000 − 2 300 + 300; fritt eget kapital 75 000 + årets resultat 473 973.
    assert tr.amounts()["ink2r"] == {
        "2.26": 900_000,
        "2.27": 25_000,
        "2.28": 548_973,
        "2.29": 201_500,
        "2.48": 124_527,
        "3.1": 1_000_000,
        "3.7": 200_300,
        "3.16": 300,
        "3.22": 201_500,
        "3.25": 124_527,
        "3.26": 473_973,
    }
    assert (tr.ink2r["3.22"].sru_code, tr.ink2r["3.25"].sru_code) == ("7525", "7528")
    assert (tr.ink2s["4.15"].sru_code, tr.ink2["1.1"].sru_code) == ("7670", "7104")
    assert problems(tr) == []
    assert tr.form_names == {
        "INK2": "INK2-2026P4",
        "INK2R": "INK2R-2026P4",
        "INK2S": "INK2S-2026P4",
    }


def test_example_2_fields() -> None:
    model = example_2()
    result = close(model, assets=AssetInputs(acquisitions={2025: Decimal(100_000)}))
    tr = tax_return(model, result)
    r = tr.amounts()["ink2r"]
    assert (r["3.21"], r["3.22"], r["3.23-"], r["3.25"], r["3.26"]) == (
        60_000,
        101_000,
        25_000,
        62_418,
        221_582,
    )
    assert (r["2.29"], r["2.30"]) == (241_000, 75_000)
    assert [tr.ink2r[i].sru_code for i in ("3.21", "3.22", "3.23-", "3.25", "3.26")] == [
        "7420",
        "7525",
        "7526",
        "7528",
        "7450",
    ]
    assert (tr.ink2r["2.29"].sru_code, tr.ink2r["2.30"].sru_code) == ("7321", "7322")
    # Inventarier at book value: 300 000 + 100 000 − 80 000.
    assert r["2.4"] == 320_000
    assert tr.amounts()["ink2s"] == {
        "4.1": 221_582,
        "4.3a": 62_418,
        "4.3c": 12_880,
        "4.5c": 200,
        "4.6a": 3_920,
        "4.6d": 2_400,
        "4.15": 303_000,
    }
    assert tr.ink2["1.1"].amount == 303_000
    assert tr.ink2s["4.6a"].source.startswith("computation: schablonintäkt")
    assert tr.ink2s["4.3c"].accounts == ("6072", "8423")
    assert problems(tr) == []


def test_example_3_fields_are_not_rounded_to_tens() -> None:
    model = example_3()
    result = close(model, ClosingSettings(pfond="none", reverse_pfond=Decimal(50_000)))
    assert result.tax is not None and result.tax.taxable_income == Decimal("5090.00")
    tr = tax_return(model, result)
    assert tr.amounts()["ink2s"] == {
        "4.2": 1_048,
        "4.3a": 1_048,
        "4.3c": 3_000,
        "4.6a": 2_096,
        "4.15": 5_096,
    }
    assert tr.ink2s["4.2"].sru_code == "7750"
    assert tr.ink2["1.1"].amount == 5_096
    r = tr.amounts()["ink2r"]
    assert (r["3.21"], r["3.25"], r["3.27"]) == (50_000, 1_048, 1_048)
    assert "3.26" not in r
    assert problems(tr) == []


def test_example_4_loss_and_next_year() -> None:
    model = example_4()
    tr = tax_return(model, close(model))
    assert tr.amounts() == {
        "ink2": {"1.2": 120_000},
        "ink2r": {
            "2.26": 180_000,
            "2.28": 180_000,
            "3.1": 80_000,
            "3.7": 200_000,
            "3.27": 120_000,
        },
        "ink2s": {"4.2": 120_000, "4.16": 120_000},
    }
    assert (tr.ink2s["4.16"].sru_code, tr.ink2["1.2"].sru_code) == ("7770", "7114")
    following = example_4_next_year()
    result = close(following, ClosingSettings(previous_deficit=Decimal(120_000)))
    nxt = tax_return(following, result)
    # 150 000 − allocation 7 500 − tax 4 635 = 137 865; 4.15 = 137 865 + 4 635 − 120 000.
    assert nxt.amounts()["ink2s"] == {
        "4.1": 137_865,
        "4.3a": 4_635,
        "4.14a": 120_000,
        "4.15": 22_500,
    }
    assert nxt.ink2s["4.14a"].sru_code == "7763"


def test_overdraft_and_tax_receivable_move_to_their_alternative_rows() -> None:
    """Bank −30 000 net (1930 −50 000, 1940 +20 000) is a checkräkningskredit (2.40);
    F-skatt paid 40 000 against a tax of 20 600 is a receivable (2.21), not a negative
    skatteskuld; a customer who paid 5 000 too much is a förskott (2.42)."""
    model = ledger(
        2025,
        ib={"1930": 10_000, "1940": 20_000, "2091": -30_000},
        entries=[
            ("Försäljning", [("1930", 100_000), ("3001", -100_000)]),
            ("F-skatt", [("2518", 40_000), ("1930", -40_000)]),
            ("Hyra", [("5010", 120_000), ("1930", -120_000)]),
            ("Inbetalning", [("1930", 5_000), ("1510", -5_000)]),
            ("Konsult", [("6550", 5_000), ("1930", -5_000)]),
        ],
    )
    # 1930: 10 000 + 100 000 − 40 000 − 120 000 + 5 000 − 5 000 = −50 000; result −25 000.
    tr = tax_return(model, close(model))
    r = tr.amounts()["ink2r"]
    assert "2.26" not in r and r["2.40"] == 30_000
    assert tr.ink2r["2.40"].sru_code == "7360"
    assert tr.ink2r["2.40"].accounts == ("1930", "1940")
    assert "moved from 2.26" in tr.ink2r["2.40"].source
    assert "2.48" not in r and r["2.21"] == 40_000
    assert "2.19" not in r and r["2.42"] == 5_000
    # Equity 30 000 − 25 000 loss = 5 000; assets 40 000 = 5 000 + 30 000 + 5 000.
    assert r["2.28"] == 5_000
    assert "closing-ink2r-unbalanced" not in codes(tr)


def test_overavskrivning_reversal_goes_to_the_plus_row() -> None:
    """A decrease of accumulated överavskrivningar is income: 3.23+ (7421), even when
    the file codes 8850 as 7526 (the SIE spec gives one code for sign-dependent rows)."""
    model = ledger(
        2025,
        ib={"1930": 100_000, "2150": -40_000, "2091": -60_000},
        entries=[
            ("Försäljning", [("1930", 50_000), ("3001", -50_000)]),
            ("Återföring överavskrivningar", [("2150", 15_000), ("8850", -15_000)]),
        ],
    )
    model = with_sru(model, {"8850": ("7526",), "2150": ("7322",)})
    tr = tax_return(model, close(model, ClosingSettings(pfond="none")))
    assert tr.ink2r["3.23+"].amount == 15_000
    assert tr.ink2r["3.23+"].sru_code == "7421"
    assert "3.23-" not in tr.ink2r
    assert tr.ink2r["2.30"].amount == 25_000
    # 65 000 booked; tax 20.6 % of 65 000 = 13 390; årets resultat 51 610.
    assert tr.ink2r["3.26"].amount == 51_610
    assert tr.ink2s["4.15"].amount == 65_000


def test_sru_codes_of_the_file_win_over_the_bas_table() -> None:
    model = ledger(
        2025,
        ib={"1930": 100_000, "2091": -100_000},
        entries=[
            ("Försäljning", [("1930", 60_000), ("3001", -60_000)]),
            ("Upplupen kostnad", [("6550", 10_000), ("2890", -10_000)]),
            ("Hyra", [("5010", 20_000), ("1930", -20_000)]),
        ],
    )
    plain = tax_return(model, close(model, ClosingSettings(pfond="none")))
    # BAS: 2890 Övriga kortfristiga skulder → 2.49; 5010/6550 → 3.7.
    assert plain.ink2r["2.49"].amount == 10_000
    assert plain.ink2r["3.7"].amount == 30_000
    coded = with_sru(
        model,
        {"2890": ("7370",), "6550": ("7513",), "5010": ("0",), "3001": ("7413",)},
    )
    tr = tax_return(coded, close(coded, ClosingSettings(pfond="none")))
    assert "2.49" not in tr.ink2r and tr.ink2r["2.50"].amount == 10_000
    assert "3.1" not in tr.ink2r and tr.ink2r["3.4"].amount == 60_000
    # "#SRU 5010 0" (Mamut's placeholder) is no code: the BAS table places 5010.
    assert tr.ink2r["3.7"].amount == 30_000
    assert problems(tr) == []


def test_an_unknown_sru_code_falls_back_to_the_bas_table_and_says_so() -> None:
    model = ledger(
        2025,
        ib={"1930": 100_000, "2091": -100_000},
        entries=[("Försäljning", [("1510", 50_000), ("3001", -50_000)])],
    )
    model = with_sru(model, {"1510": ("7999",), "3001": ("7251",)})
    tr = tax_return(model, close(model, ClosingSettings(pfond="none")))
    assert tr.ink2r["2.19"].amount == 50_000
    # 7251 is a balance field: not taken for a result account.
    assert tr.ink2r["3.1"].amount == 50_000
    found = [f for f in tr.findings if f.code == "closing-sru-code-unknown"]
    assert len(found) == 2
    assert "1510" in found[0].message and "7999" in found[0].message
    assert "2.19" in found[0].message
    assert "closing-ink2r-unbalanced" not in codes(tr)


def test_an_unmapped_account_is_a_finding_never_dropped() -> None:
    """8710 (old BAS: extraordinary income) is in the closing's 3000–8799 but maps to no
    INK2R field: named with its amount; the result checks notice what is missing (the
    balance sheet still balances: the 7 000 is in the bank and in årets resultat)."""
    model = ledger(
        2025,
        ib={"1930": 100_000, "2091": -100_000},
        entries=[
            ("Försäljning", [("1930", 50_000), ("3001", -50_000)]),
            ("Extraordinär intäkt", [("1930", 7_000), ("8710", -7_000)]),
        ],
        names={"8710": "Extraordinära intäkter"},
    )
    result = close(model, ClosingSettings(pfond="none"))
    tr = tax_return(model, result)
    [unmapped] = [f for f in tr.findings if f.code == "closing-sru-unmapped"]
    assert "8710" in unmapped.message and "-7 000,00" in unmapped.message
    assert unmapped.severity == "warning"
    assert {"closing-ink2r-result", "closing-ink2s-differs"} <= codes(tr)
    assert "closing-ink2r-unbalanced" not in codes(tr)
    # The form holds what it can: 3.26 without the 7 000.
    assert tr.ink2r["3.26"].amount == result.arets_resultat - 7_000


def test_ore_are_dropped_per_field_and_reported() -> None:
    model = ledger(
        2025,
        ib={"1930": 1_000, "2091": -1_000},
        entries=[
            ("Försäljning", [("1930", "10000.60"), ("3001", "-10000.60")]),
            ("Bankavgift", [("6570", "100.70"), ("1930", "-100.70")]),
        ],
    )
    result = close(model, ClosingSettings(pfond="none"))
    tr = tax_return(model, result)
    assert tr.ink2r["3.1"].amount == 10_000
    assert tr.ink2r["3.7"].amount == 100
    assert all(isinstance(f.amount, int) for fs in tr.forms().values() for f in fs.values())
    # Taxable exact 9 899.90 → tax on 9 890 = 2 037; 4.15 from whole fields.
    assert tr.ink2s["4.15"].amount == tr.ink2s["4.1"].amount + tr.ink2s["4.3a"].amount
    assert "closing-sru-ore" in codes(tr)
    assert "closing-ink2s-differs" not in codes(tr)
    # Whole kronor are grouped as every amount is: 1 234 567,60 − 100,70 = 1 234 466,90
    # taxable; 4.15 from whole fields: 1 234 467 (tax 254 298 + result 980 168 + 1 kr öre).
    big = ledger(
        2025,
        ib={"1930": 1_000, "2091": -1_000},
        entries=[
            ("Försäljning", [("1930", "1234567.60"), ("3001", "-1234567.60")]),
            ("Bankavgift", [("6570", "100.70"), ("1930", "-100.70")]),
        ],
    )
    tr = tax_return(big, close(big, ClosingSettings(pfond="none")))
    [ore] = [f for f in tr.findings if f.code == "closing-sru-ore"]
    assert "INK2S 4.15 is 1 234 467 in whole kronor" in ore.message
    assert "1 234 466,90" in ore.message


def test_a_refused_closing_has_no_return() -> None:
    model = ledger(2025, ib={"1930": 100, "2091": -100}, entries=[])
    model = attrs.evolve(model, years=())
    result = close(model)
    assert not result.closed
    tr = tax_return(model, result)
    assert tr.amounts() == {"ink2": {}, "ink2r": {}, "ink2s": {}}
    assert "closing-taxreturn-not-closed" in codes(tr)
    assert not tr.fileable


def test_the_forms_list_every_field_once() -> None:
    for form in ("INK2", "INK2R", "INK2S"):
        for year in (2024, 2025, 2026):
            fields = form_fields(year, form)
            assert len({f.id for f in fields}) == len(fields)
            assert len({f.sru_code for f in fields}) == len(fields)
    ink2r = {f.id: f.sru_code for f in form_fields(2025, "INK2R")}
    # The codes the domain brief names.
    assert {k: ink2r[k] for k in ("2.4", "2.19", "2.26", "2.29", "2.30", "2.48", "2.45")} == {
        "2.4": "7215",
        "2.19": "7251",
        "2.26": "7281",
        "2.29": "7321",
        "2.30": "7322",
        "2.48": "7368",
        "2.45": "7365",
    }


def test_an_unmapped_balance_account_unbalances_inkr2r() -> None:
    model = ledger(
        2025,
        ib={"1930": 100_000, "DIFF": 500, "2091": -100_500},
        entries=[("Försäljning", [("1930", 20_000), ("3001", -20_000)])],
    )
    tr = tax_return(model, close(model, ClosingSettings(pfond="none")))
    [unmapped] = [f for f in tr.findings if f.code == "closing-sru-unmapped"]
    assert "DIFF" in unmapped.message and "500,00" in unmapped.message
    [unbalanced] = [f for f in tr.findings if f.code == "closing-ink2r-unbalanced"]
    assert "difference -500,00" in unbalanced.message
    assert "closing-ink2r-result" not in codes(tr)


def test_a_broken_year_files_in_its_period_and_an_unknown_year_says_so() -> None:
    """A year ending in June is declaration period P2; 2023 has no SRU tables here, so
    the 2025 tables are used and a finding says so."""
    model = ledger(
        2025,
        start_month=7,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[("Försäljning", [("1930", 40_000), ("3001", -40_000)])],
    )
    tr = tax_return(model, close(model, ClosingSettings(pfond="none")))
    assert tr.form_names["INK2R"] == "INK2R-2025P2"
    assert (tr.year_start, tr.year_end) == (dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert "closing-sru-year" not in codes(tr)
    old = ledger(
        2023,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[("Försäljning", [("1930", 40_000), ("3001", -40_000)])],
    )
    tr = tax_return(old, close(old, ClosingSettings(pfond="none", rates_year=2025)))
    assert tr.form_names["INK2S"] == "INK2S-2023P4"
    [year] = [f for f in tr.findings if f.code == "closing-sru-year"]
    assert "2023" in year.message and "2025" in year.message
    assert tr.ink2r["3.1"].amount == 40_000
    assert not tr.fileable and "no SRU tables for tax year 2023" in " ".join(tr.draft_reasons)


def test_a_simulated_or_forced_closing_is_a_draft_not_for_filing() -> None:
    """Another year's rates, or a råbalans forced past its 5 kr difference: the figures
    are shown, but no SRU files are written, and a finding says why."""
    model = ledger(
        2025,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[("Försäljning", [("1930", 40_000), ("3001", -40_000)])],
    )
    model = attrs.evolve(model, header=attrs.evolve(model.header, orgnr="556742-3180"))
    filed = tax_return(model, close(model, ClosingSettings(pfond="none")))
    assert filed.fileable and not filed.draft_reasons and "closing-sru-draft" not in codes(filed)
    simulated = tax_return(model, close(model, ClosingSettings(pfond="none", rates_year=2024)))
    assert not simulated.fileable
    assert simulated.draft_reasons == (
        "the closing is a simulation with tax year 2024's rates (not 2025's)",
    )
    assert simulated.ink2r["3.1"].amount == 40_000  # still computed, as a draft
    [draft] = [f for f in simulated.findings if f.code == "closing-sru-draft"]
    assert draft.severity == "warning" and "simulation" in draft.message
    with pytest.raises(SruError, match="draft"):
        write_sru(simulated, Path("/nonexistent"))
    off = attrs.evolve(model, balances=(*model.balances, Balance("IB", 0, "1510", Decimal(5))))
    assert not close(off, ClosingSettings(pfond="none")).closed
    forced = tax_return(off, close(off, ClosingSettings(pfond="none", force=True)))
    assert not forced.fileable
    assert forced.draft_reasons == (
        "the closing was forced on a råbalans that does not sum to zero",
    )


def test_filer_text_is_made_latin1_and_reported() -> None:
    model = ledger(
        2025,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[("Försäljning", [("1930", 40_000), ("3001", -40_000)])],
    )
    header = attrs.evolve(
        model.header,
        company_name="Öst\x1a€ AB",
        orgnr="556742-3180",
        address=("", "Storgatan 1", "Umeå", ""),
    )
    model = attrs.evolve(model, header=header)
    tr = tax_return(model, close(model, ClosingSettings(pfond="none")))
    assert tr.filer.name == "Öst ? AB"
    assert tr.filer.orgnr == "165567423180"
    [text] = [f for f in tr.findings if f.code == "closing-sru-text"]
    assert "'Öst ? AB'" in text.message
    # "Umeå" has no postnummer: INFO.SRU needs one.
    assert "closing-sru-address" in codes(tr)
    assert (tr.filer.postcode, tr.filer.town) == ("", "")
    assert tr.fileable


def test_balances_after_closing_are_those_of_the_applied_ledger() -> None:
    """For a file with transactions, the return's post-closing balances are exactly
    ``trial_balance(apply(model, result))``, new accounts (2125) included."""
    model = example_2()
    result = close(model, assets=AssetInputs(acquisitions={2025: Decimal(100_000)}))
    mine = {x.account: (x.ub, x.is_result) for x in after_closing(result) if x.ub}
    applied = trial_balance(apply(model, result))
    assert mine == {x.account: (x.ub, x.is_result) for x in applied.lines if x.ub}
    assert mine["2125"] == (Decimal("-101000.00"), False)


def test_a_year_one_without_a_start_date_is_a_draft_not_a_crash() -> None:
    """``#RAR 0 "" 00011231`` (no start, the calendar's first year) once ended in
    "year 0 is out of range"; the return is made, dated from year 1, and not filed."""
    text = (
        '#FLAGGA 0\n#SIETYP 4\n#FNAMN "X AB"\n#ORGNR 556677-8899\n#RAR 0 "" 00011231\n'
        '#KONTO 1930 "Bank"\n#KONTO 3001 "F"\n#VER A 1 00011231 "x"\n{\n'
        "#TRANS 1930 {} 100\n#TRANS 3001 {} -100\n}\n"
    )
    model = sie.read(text.encode("cp437")).model
    result = close(model, ClosingSettings(rates_year=2025))
    tr = tax_return(model, result)
    assert tr.year_start == dt.date(1, 1, 1)
    assert tr.ink2s["4.15"].amount == 75  # 100 − the 25 % allocation (25)
    assert not tr.fileable

"""The SIE export is made from the tenant's books and reads back through ``sie.read`` and
validation with no findings beyond the encoding note — before and after vouchers are posted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import corpus_params
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_support import ORGNR_A, SAMPLE, client, login, sample_model, sandbox

import sie
from fortnox_bridge.sandbox import SeedError
from sie import bas


def export(sb, http, tokens, year: int = 2, **params: str) -> bytes:
    query = "&".join(f"{k}={v}" for k, v in {"financialyear": str(year), **params}.items())
    response = http.get(f"/3/sie/4?{query}", headers={**tokens.headers, "Accept": "*/*"})
    assert response.status_code == 200, response.text
    return response.content


def clean(data: bytes, orgnr: str = ORGNR_A) -> sie.SieFile:
    """Read and validate as an import would; only the encoding note may be said."""
    result = sie.read(data)
    checked = sie.validate(result, sie.ImportSettings(expected_orgnr=orgnr))
    assert [f.code for f in checked.findings] == ["encoding"], [
        (f.code, f.message) for f in checked.findings
    ]
    assert checked.ok
    return result.model


@pytest.fixture
def api():
    sb = sandbox()
    http = client(sb)
    return sb, http, login(http)


def test_the_export_reads_back_clean_and_equals_the_seed_books(api):
    sb, http, tokens = api
    data = export(sb, http, tokens)
    assert data.startswith(b'#FLAGGA 0\r\n#PROGRAM "Fortnox"')
    assert "Luleå".encode("cp437") in data  # CP437 bytes, as Fortnox sends them
    model = clean(data)
    seeded = sie.read(SAMPLE).model
    assert model.header.company_id == str(sb.tenant().database_number)
    assert [(y.index, y.start, y.end) for y in model.years] == [
        (y.index, y.start, y.end) for y in seeded.years
    ]
    theirs, ours = seeded.ledger(), model.ledger()
    for b in seeded.balances:
        if b.amount or b.kind == "RES":
            assert ours.balance(b.account, b.kind, b.year) == b.amount, b
    assert len(model.vouchers) == len(seeded.vouchers) == 272
    original = {(v.series, v.number): v for v in seeded.vouchers}
    for v in model.vouchers:
        if (v.series, v.number) in original:
            before = original[(v.series, v.number)]
            assert [(r.account, r.amount) for r in v.trans] == [
                (r.account, r.amount) for r in before.trans
            ]
            assert v.date == before.date and v.text == before.text
    # Fortnox exports cost centers and projects only, not customers or suppliers.
    assert {d.number for d in model.dimensions} == {1, 6}
    assert theirs.movement("1930") == ours.movement("1930")


def test_posted_vouchers_show_up_in_the_next_export(api):
    sb, http, tokens = api
    body = {
        "Voucher": {
            "Description": "Skatt på årets resultat",
            "TransactionDate": "2025-12-31",
            "VoucherSeries": "I",
            "VoucherRows": [
                {"Account": 8910, "Debit": "88476.00", "Credit": 0, "CostCenter": "10"},
                {"Account": 2512, "Debit": 0, "Credit": "88476.00", "Project": "P2501"},
            ],
        }
    }
    before = clean(export(sb, http, tokens)).ledger()
    assert (
        http.post("/3/vouchers?financialyear=2", json=body, headers=tokens.headers).status_code
        == 201
    )
    model = clean(export(sb, http, tokens))
    posted = model.ledger().voucher("I", "1")
    assert posted is not None and posted.date.isoformat() == "2025-12-31"
    assert [(r.account, r.amount, r.objects) for r in posted.trans] == [
        ("8910", Decimal("88476.00"), ((1, "10"),)),
        ("2512", Decimal("-88476.00"), ((6, "P2501"),)),
    ]
    after = model.ledger()
    assert after.balance("2512", "UB") == before.balance("2512", "UB") - Decimal("88476.00")
    assert after.balance("8910", "RES") == Decimal("88476.00")


def test_the_utf8_variant_reads_back_the_same(api):
    sb, http, tokens = api
    cp437 = export(sb, http, tokens)
    sb.sie_encoding = "utf-8"
    utf8 = export(sb, http, tokens)
    assert utf8.decode("utf-8") == cp437.decode("cp437")
    assert b"#FORMAT PC8" in utf8
    result = sie.read(utf8)
    assert result.encoding.replace("-", "").startswith("utf")
    assert result.model == sie.read(cp437).model


def test_date_range_and_unused_accounts(api):
    sb, http, tokens = api
    march = sie.read(export(sb, http, tokens, fromdate="2025-03-01", todate="2025-03-31")).model
    assert march.vouchers and all(v.date.month == 3 for v in march.vouchers)
    used_only = sie.read(export(sb, http, tokens, exportall="false")).model
    everything = sie.read(export(sb, http, tokens, exportall="true")).model
    assert {a.number for a in used_only.accounts} < {a.number for a in everything.accounts}
    assert "2125" not in {a.number for a in used_only.accounts}  # declared, never used
    bad = http.get("/3/sie/9", headers=tokens.headers)
    assert bad.status_code == 400


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1930", "6570", "8910", "2512", "3041", "1510"]),
            st.sampled_from(["1930", "6570", "8910", "2512", "3041", "2440"]),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2),
            st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2025, 12, 31)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_posted_vouchers_export_clean_with_balances_that_add_up(postings):
    sb = sandbox()
    http = client(sb)
    tokens = login(http)
    expected = sample_model().ledger()
    moved: dict[str, Decimal] = {}
    for debit, credit, amount, day in postings:
        body = {
            "Voucher": {
                "Description": "Egenskapstest",
                "TransactionDate": day.isoformat(),
                "VoucherSeries": "A",
                "VoucherRows": [
                    {"Account": int(debit), "Debit": str(amount)},
                    {"Account": int(credit), "Credit": str(amount)},
                ],
            }
        }
        answer = http.post("/3/vouchers?financialyear=2", json=body, headers=tokens.headers)
        assert answer.status_code == 201, answer.text
        moved[debit] = moved.get(debit, Decimal(0)) + amount
        moved[credit] = moved.get(credit, Decimal(0)) - amount
    model = clean(export(sb, http, tokens))
    ledger = model.ledger()
    for account, change in moved.items():
        kind = "RES" if bas.is_result(account) else "UB"
        before = expected.balance(account, kind) or Decimal(0)
        assert (ledger.balance(account, kind) or Decimal(0)) == before + change


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_companies_seed_and_export_clean(path):
    """Real SIE files from other programs: seeded (or refused with a reason) and exported
    again with no error findings."""
    try:
        sb = sandbox([path])
    except SeedError as exc:
        assert str(path.name) in str(exc) or "seed" in str(exc)
        return
    http = client(sb)
    tokens = login(http)
    tenant = sb.tenant()
    for year in tenant.years:
        if not year.ib_known and not year.vouchers:  # only closing balances: refused
            answer = http.get(
                f"/3/sie/4?financialyear={year.id}", headers={**tokens.headers, "Accept": "*/*"}
            )
            assert answer.status_code == 400 and "2000454" in answer.text
            continue
        data = export(sb, http, tokens, year=year.id)
        result = sie.read(data)
        checked = sie.validate(result)
        errors = [(f.code, f.message) for f in checked.findings if f.severity == "error"]
        assert not errors, errors[:3]

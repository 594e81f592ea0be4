"""Pull the books from Fortnox, close them, push the closing, pull again and verify.

:func:`pull` fetches a financial year's SIE 4 export and runs the same import
validations as a SIE file (``sie.load``: size, organisation number — checked
against Fortnox's company information —, series filled in, objects capped).
:func:`roundtrip` chains pull → ``closing.close`` → :func:`fortnox_bridge.sync.push`
→ pull → :func:`verify`: the new export must hold the closing vouchers under
Fortnox's numbers, and every account's balance must equal what
``closing.apply`` gives, to the öre. Results are values; nothing is printed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

import sie
from closing.appropriations import AssetInputs
from closing.attachments import OpenItem
from closing.engine import ClosingResult, apply, close
from closing.outputs import write_outputs
from closing.settings import ClosingSettings
from closing.trial_balance import trial_balance
from fortnox_bridge import reads
from fortnox_bridge.errors import NoFinancialYear, NotFound, ScopeError
from fortnox_bridge.markers import marker_of
from fortnox_bridge.preflight import Problem
from fortnox_bridge.sync import DEFAULT_SERIES, PushResult, push
from sie import orgnr as orgnr_mod
from sie.amounts import ZERO
from sie.findings import Finding
from sie.model import SieFile, Voucher
from sie.validation import ImportSettings, ValidationResult

Progress = Callable[[str], None]
Stage = Literal["pull", "close", "write", "push", "verify", "done"]


@attrs.frozen(slots=True)
class PullResult:
    """A financial year's SIE 4 from Fortnox, read and validated like an imported file."""

    company: str
    orgnr: str
    financial_year: int | None
    start: dt.date | None
    end: dt.date | None
    size: int
    validation: ValidationResult | None
    problems: tuple[Problem, ...] = ()
    out: Path | None = None

    @property
    def model(self) -> SieFile | None:
        return self.validation.model if self.validation is not None else None

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.validation is not None
            and self.validation.model is not None
            and not any(f.severity == "error" for f in self.validation.findings)
        )

    def to_json(self) -> dict[str, Any]:
        findings = self.validation.findings if self.validation is not None else ()
        return {
            "ok": self.ok,
            "company": self.company,
            "orgnr": self.orgnr,
            "financial_year": self.financial_year,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "bytes": self.size,
            "encoding": self.validation.encoding if self.validation is not None else None,
            "out": str(self.out) if self.out else None,
            "findings": [f.to_json() for f in findings],
            "problems": [p.to_json() for p in self.problems],
        }


def _pick_year(client: Any, day: dt.date | None, today: dt.date) -> reads.FinancialYear | None:
    """The year holding ``day``; without a day the latest year ended by ``today``
    (the one to close), else the latest year Fortnox has."""
    if day is not None:
        try:
            return reads.financial_year_for(client, day)
        except NoFinancialYear:
            return None
    years = sorted(reads.financial_years(client), key=lambda y: y.end)
    ended = [y for y in years if y.end <= today]
    chosen = ended or years
    return chosen[-1] if chosen else None


def pull(
    client: Any,
    *,
    financial_year_date: dt.date | None = None,
    out: Path | None = None,
    today: dt.date | None = None,
    settings: ImportSettings | None = None,
    default_folder: Path | None = None,
) -> PullResult:
    """Fetch the SIE 4 export of one financial year and validate it as an import;
    write it to ``out`` (or ``default_folder/fortnox_<tenant>_<year id>.se``) when given.

    Raises only the client's :class:`fortnox_bridge.errors.FortnoxError`."""
    company = reads.company_information(client)
    orgnr = company.organisation_number or ""
    year = _pick_year(client, financial_year_date, today or dt.date.today())
    if year is None:
        when = financial_year_date.isoformat() if financial_year_date else "any date"
        problem = Problem(
            "fortnox-no-year",
            f"Fortnox has no financial year holding {when}; create it in Fortnox or give "
            "--financial-year-date",
        )
        return PullResult(company.name, orgnr, None, None, None, 0, None, (problem,))
    data = reads.sie_export(client, year.id)
    if out is None and default_folder is not None:
        out = default_folder / f"fortnox_{company.database_number or 'company'}_{year.id}.se"
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    expected = orgnr if orgnr_mod.is_valid(orgnr) else None
    base = settings or ImportSettings()
    checked = sie.load(
        data,
        attrs.evolve(base, expected_orgnr=expected),
        name=str(out) if out else f"fortnox:{company.database_number}/sie4/{year.id}",
    )
    return PullResult(
        company.name, orgnr, year.id, year.start, year.end, len(data), checked, (), out
    )


# ----------------------------------------------------------------------------- verification


@attrs.frozen(slots=True)
class Difference:
    account: str
    expected: Decimal
    found: Decimal

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account,
            "expected": f"{self.expected:f}",
            "found": f"{self.found:f}",
        }


@attrs.frozen(slots=True)
class Verification:
    """Whether the books pulled back hold the closing as the engine computed it."""

    held: bool
    vouchers_found: int
    differences: tuple[Difference, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: The accounts the closing vouchers move: the engine's closing balance and Fortnox's.
    compared: tuple[Difference, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "held": self.held,
            "vouchers_found": self.vouchers_found,
            "balances": [d.to_json() for d in self.compared],
            "differences": [d.to_json() for d in self.differences],
            "problems": [p.to_json() for p in self.problems],
        }


def _rows(voucher: Voucher) -> Counter[tuple[str, Decimal]]:
    return Counter((r.account, r.amount) for r in voucher.trans)


def verify(
    before: SieFile, result: ClosingResult, pushed: PushResult, after: SieFile
) -> Verification:
    """The pulled ``after`` holds every pushed voucher under Fortnox's series and
    number with the closing's rows, and each account's balance (IB + movements)
    equals that of ``closing.apply(before, result)`` to the öre."""
    problems: list[Problem] = []
    by_key = {(v.series, v.number): v for v in after.vouchers}
    found = 0
    for posted in pushed.vouchers:
        voucher = by_key.get((posted.series, str(posted.number)))
        want = result.vouchers[posted.index - 1]
        if voucher is None:
            problems.append(
                Problem(
                    "fortnox-verify",
                    f"voucher {posted.series} {posted.number} is not in the SIE pulled back",
                    posted.index,
                    posted.text[:40],
                )
            )
        elif _rows(voucher) != _rows(want):
            problems.append(
                Problem(
                    "fortnox-verify",
                    f"voucher {posted.series} {posted.number} in Fortnox books other rows "
                    "than the closing",
                    posted.index,
                    posted.text[:40],
                )
            )
        else:
            found += 1
    expected = {x.account: x.ub for x in trial_balance(apply(before, result)).lines}
    got = {x.account: x.ub for x in trial_balance(after).lines}
    differences = tuple(
        Difference(a, expected.get(a, ZERO), got.get(a, ZERO))
        for a in sorted(set(expected) | set(got))
        if expected.get(a, ZERO) != got.get(a, ZERO)
    )
    if differences:
        problems.append(
            Problem(
                "fortnox-verify",
                f"{len(differences)} account(s) end the year with other balances in Fortnox "
                "than the closing computed",
            )
        )
    moved = sorted({r.account for v in result.vouchers for r in v.trans})
    compared = tuple(Difference(a, expected.get(a, ZERO), got.get(a, ZERO)) for a in moved)
    held = not problems and found == len(result.vouchers)
    return Verification(held, found, differences, tuple(problems), compared)


# ----------------------------------------------------------------------------- round trip


@attrs.frozen(slots=True)
class RoundtripResult:
    """Every step of a round trip; ``stage`` is where it stopped ("done" when all ran)."""

    stage: Stage
    pulled: PullResult
    closing: ClosingResult | None = None
    written: tuple[Path, ...] = ()
    pushed: PushResult | None = None
    pulled_again: PullResult | None = None
    verification: Verification | None = None
    findings: tuple[Finding, ...] = ()
    #: How the AR/AP attachments were made: Fortnox's invoices (what is approximated)
    #: or, without the invoice scopes, the SIE file's objects (and why).
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.stage == "done" and self.verification is not None and self.verification.held

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "stage": self.stage,
            "pull": self.pulled.to_json(),
            "closing": self.closing.to_json() if self.closing is not None else None,
            "written": [str(p) for p in self.written],
            "push": self.pushed.to_json() if self.pushed is not None else None,
            "pull_again": self.pulled_again.to_json() if self.pulled_again else None,
            "verification": self.verification.to_json() if self.verification else None,
            "verified": bool(self.verification and self.verification.held),
            "findings": [f.to_json() for f in self.findings],
            "notes": list(self.notes),
        }


def open_items(
    client: Any, year: reads.FinancialYear
) -> tuple[tuple[OpenItem, ...] | None, tuple[str, ...]]:
    """Customer and supplier invoices Fortnox holds open at the year end, for the
    closing's AR/AP attachments, with notes on what is approximated. ``None`` when
    either list cannot be read (a missing scope or licence): the attachments then
    come from the SIE file's objects, and the note says why."""
    items: list[OpenItem] = []
    notes: list[str] = []
    for what, read in (
        ("customer", reads.open_customer_invoices),
        ("supplier", reads.open_supplier_invoices),
    ):
        try:
            found = read(client, year)
        except (ScopeError, NotFound) as exc:
            return None, (
                f"{what} invoices not readable in Fortnox ({exc.message}); the customer and "
                "supplier attachments come from the SIE file's objects",
            )
        items.extend(found.items)
        notes.extend(f"{what} invoices: {note}" for note in found.notes)
    return tuple(items), tuple(notes)


def already_posted(model: SieFile, out: Path | None) -> Problem | None:
    """A problem when the pulled books already hold vouchers with our markers: the
    closing is (partly) in Fortnox, and only a push of the written closing finishes it."""
    ours = [v for v in model.vouchers if marker_of(v.text) is not None]
    if not ours:
        return None
    shown = ", ".join(f"{v.series} {v.number}" for v in ours[:8]) + (" …" if len(ours) > 8 else "")
    folder = str(out) if out is not None else "<the folder `bokslut close` wrote>"
    return Problem(
        "fortnox-already-closed",
        f"the closing is already in Fortnox ({shown}); closing these books again would count "
        f"it twice. Run `bokslut fortnox push {folder}` to finish an interrupted push — it "
        "posts only what is missing",
    )


def roundtrip(
    client: Any,
    *,
    settings: ClosingSettings | None = None,
    assets: AssetInputs | None = None,
    series: str = DEFAULT_SERIES,
    out: Path | None = None,
    financial_year_date: dt.date | None = None,
    today: dt.date | None = None,
    revision: int = 1,
    progress: Progress | None = None,
) -> RoundtripResult:
    """pull → validate → close → (write into ``out``) → push → pull → verify."""

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    say("pulling the SIE 4 export")
    before = pull(client, financial_year_date=financial_year_date, today=today)
    if not before.ok or before.model is None:
        return RoundtripResult("pull", before)
    settings = attrs.evolve(settings or ClosingSettings(), series=series)
    if before.financial_year is None or before.start is None or before.end is None:
        return RoundtripResult("pull", before)
    posted = already_posted(before.model, out)
    if posted is not None:  # closing the closed books again would advise wrong reversals
        return RoundtripResult("pull", attrs.evolve(before, problems=(posted,)))
    say("reading the invoices open at the year end")
    year = reads.FinancialYear(before.financial_year, before.start, before.end)
    items, notes = open_items(client, year)
    say("closing the year")
    result = close(before.model, settings, assets, items)
    if not result.closed:
        return RoundtripResult("close", before, result, findings=result.findings, notes=notes)
    written: tuple[Path, ...] = ()
    findings: tuple[Finding, ...] = result.findings
    if out is not None:
        say(f"writing the workbook and SIE files into {out}")
        files = write_outputs(result, before.model, out, assets=assets, generated=today)
        written = tuple(Path(f.path) for f in files)
        findings += tuple(x for f in files for x in f.findings)
    say(f"pushing {len(result.vouchers)} closing voucher(s) to series {series}")
    pushed = push(
        client,
        result.vouchers,
        series=series,
        orgnr=before.orgnr,
        revision=revision,
        progress=progress,
    )
    if not pushed.ok:
        return RoundtripResult(
            "push", before, result, written, pushed, findings=findings, notes=notes
        )
    say("pulling again to verify")
    again = pull(client, financial_year_date=before.end, today=today)
    if again.model is None:
        return RoundtripResult(
            "verify", before, result, written, pushed, again, None, findings, notes
        )
    check = verify(before.model, result, pushed, again.model)
    return RoundtripResult("done", before, result, written, pushed, again, check, findings, notes)


#: More vouchers than a closing ever has (reversals of up to six allocations, the
#: depreciation, allocation, tax, result and a few more): a file with more is no closing.
MAX_CLOSING_VOUCHERS = 20
CLOSING_SUFFIX = "_bokslut.si"


def closing_vouchers(source: Path) -> tuple[tuple[Voucher, ...], str, Sequence[Finding]]:
    """The vouchers of what ``bokslut close`` wrote: a ``*_bokslut.si`` file, or the
    folder holding exactly one. Returns (vouchers, organisation number, findings);
    raises ``ValueError`` with a message for a path that is neither, and for a file
    that is no closing (so a whole year's ledger is never posted back)."""
    path = source
    if source.is_dir():
        found = sorted(source.glob(f"*{CLOSING_SUFFIX}"))
        if len(found) != 1:
            what = "no" if not found else f"{len(found)}"
            raise ValueError(
                f"{source}: {what} closing voucher file(s) (*{CLOSING_SUFFIX}) in the folder; "
                "give the file itself"
            )
        path = found[0]
    elif not source.name.endswith(CLOSING_SUFFIX):
        raise ValueError(
            f"{source}: push takes the closing vouchers `bokslut close` wrote "
            f"(<orgnr>_<year>{CLOSING_SUFFIX}) or their folder, not another SIE file"
        )
    checked = sie.load(path)
    if checked.model is None:
        reason = "; ".join(f.message for f in checked.findings if f.severity == "error")
        raise ValueError(f"{path}: {reason or 'not a SIE file'}")
    _refuse_non_closing(path, checked.model)
    return checked.model.vouchers, checked.model.header.orgnr, checked.findings


def _refuse_non_closing(path: Path, model: SieFile) -> None:
    """A closing has a handful of vouchers, all on the financial year's last day."""
    vouchers = model.vouchers
    if len(vouchers) > MAX_CLOSING_VOUCHERS:
        raise ValueError(
            f"{path}: {len(vouchers)} vouchers — a closing has at most "
            f"{MAX_CLOSING_VOUCHERS}; this is no closing written by `bokslut close`"
        )
    year = model.year(0)
    end = year.end if year is not None else None
    wrong = [v for v in vouchers if end is not None and v.date != end]
    if wrong:
        v = wrong[0]
        raise ValueError(
            f"{path}: voucher {v.series} {v.number} is dated {v.date.isoformat()}, not the "
            f"financial year's last day {end}; closing vouchers are all dated then"
        )

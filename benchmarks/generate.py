"""Generate a large, realistic SIE 4E file for the reading benchmarks.

Real exports are a few MB; the issue asks that a ~100 MB file (≈380 000
vouchers, ≈1.5 M rows) reads and validates in reasonable time and memory, so
this script makes one. It is deterministic for a given ``--seed`` and ``--mb``,
uses only the standard library, and keeps memory low: vouchers are streamed to a
temporary file while per-account totals (integers, öre) are kept; then the
header, chart and the ``#IB``/``#UB``/``#RES`` records derived from those totals
are written in strict SIE order and the vouchers are copied after them::

    python benchmarks/generate.py                  # ~100 MB -> benchmarks/data/big_4e.se
    python benchmarks/generate.py --mb 2 --out /tmp/small.se
    python benchmarks/generate.py --ksumma         # the same file with a #KSUMMA checksum

With ``--ksumma`` the file opens a checksum right after ``#FLAGGA`` and closes it
with ``#KSUMMA <crc>`` as its last line; every other byte is the same as without.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "big_4e.se"
DEFAULT_MB = 100.0
DEFAULT_SEED = 4711
MEGABYTE = 1_000_000

#: Average bytes per voucher and size of everything before the first voucher, measured
#: on the generator's own output; they turn ``--mb`` into a voucher count (within ~1 %).
BYTES_PER_VOUCHER = 267
HEADER_BYTES = 52_000

YEAR = 2025
SERIES = "ABCDE"  # A manual, B customer invoices, C supplier invoices, D payments, E payroll
BATCH = 4000  # vouchers per write

#: Outside quotes, what a #KSUMMA checksum leaves out: separators, braces, line ends.
_CHECKSUM_DROP = str.maketrans("", "", " \t\r\n{}")

# --------------------------------------------------------------------------- chart

#: Named BAS accounts the voucher kinds post to: (number, name).
CORE_ACCOUNTS: tuple[tuple[int, str], ...] = (
    (1220, "Inventarier och verktyg"),
    (1229, "Ackumulerade avskrivningar på inventarier och verktyg"),
    (1510, "Kundfordringar"),
    (1630, "Avräkning för skatter och avgifter (skattekonto)"),
    (1930, "Företagskonto/checkkonto/affärskonto"),
    (2081, "Aktiekapital"),
    (2091, "Balanserad vinst eller förlust"),
    (2099, "Årets resultat"),
    (2440, "Leverantörsskulder"),
    (2611, "Utgående moms på försäljning inom Sverige, 25 %"),
    (2641, "Debiterad ingående moms"),
    (2650, "Redovisningskonto för moms"),
    (2710, "Personalskatt"),
    (2730, "Lagstadgade sociala avgifter och särskild löneskatt"),
    (7010, "Löner till kollektivanställda"),
    (7210, "Löner till tjänstemän"),
    (7510, "Lagstadgade sociala avgifter"),
    (8999, "Årets resultat"),
)

#: Ranges filled with numbered sub-accounts to reach a chart of ~300 accounts.
ACCOUNT_GROUPS: tuple[tuple[int, int, int, str], ...] = (
    # start, count, step, name stem
    (1910, 4, 10, "Kassa och bank, konto"),
    (1710, 6, 10, "Förutbetalda kostnader och upplupna intäkter, post"),
    (2890, 6, 1, "Övriga kortfristiga skulder, post"),
    (2910, 6, 10, "Upplupna kostnader, post"),
    (3001, 40, 1, "Försäljning varor och tjänster, område"),
    (3900, 10, 10, "Övriga rörelseintäkter, slag"),
    (4000, 50, 10, "Inköp material och varor, grupp"),
    (5000, 40, 10, "Lokal- och fastighetskostnader, slag"),
    (5400, 20, 10, "Förbrukningsinventarier och förbrukningsmaterial, slag"),
    (5600, 12, 10, "Kostnader för transportmedel, slag"),
    (5800, 10, 10, "Resekostnader, slag"),
    (6000, 20, 10, "Övriga försäljningskostnader och representation, slag"),
    (6200, 10, 10, "Tele och post, slag"),
    (6500, 20, 10, "Övriga externa tjänster, slag"),
    (6900, 6, 10, "Övriga externa kostnader, slag"),
    (7600, 6, 10, "Övriga personalkostnader, slag"),
    (8300, 3, 10, "Ränteintäkter, slag"),
    (8400, 3, 10, "Räntekostnader, slag"),
)

PLACES = (
    "Norrlands", "Åre", "Öster", "Väster", "Sundsvalls", "Jämtlands", "Älvdalens",
    "Hälsinge", "Skåne", "Göteborgs", "Umeå", "Luleå", "Örebro", "Växjö", "Gävle",
)  # fmt: skip
TRADES = (
    "Bygg", "Fastighets", "Städ", "Måleri", "El", "VVS", "Café", "Åkeri", "Konsult",
    "Trädgårds", "Bageri", "Snickeri", "Smide", "Hälsovård", "Bokhandel",
)  # fmt: skip
FORMS = ("AB", "AB", "AB", "HB", "& Söner AB", "Ekonomisk förening")
TEXTS = (
    "Rättelse av kontering",
    "Periodisering av kostnad",
    "Omföring mellan konton",
    "Kvitto, kortköp",
    "Inköp förbrukningsmaterial",
    "Bankavgift och ränta",
    "Kassaavstämning",
    "Återföring periodisering",
    "Representation, lunch med kund",
    "Utlägg enligt reseräkning",
)
USERS = ("Åsa Berg", "Jörgen Nilsson", "Märta Ek", "Bokföring", "Import")
ROW_TEXTS = ("Material", "Arbete", "Frakt", "Öresavrundning", "Hyra", "Licens", "Resa", "Övrigt")


def company_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(PLACES)} {rng.choice(TRADES)} {rng.choice(FORMS)}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def checksum_text(text: str) -> bytes:
    """The bytes whole lines of this generator's output add to a #KSUMMA checksum:
    each record's label and field contents, without separators, braces, line ends or
    enclosing quotes (SIE §10). Every quote here opens or closes a text (none is
    escaped, none spans lines), so the pieces between quotes alternate outside/inside."""
    parts = text.split('"')
    parts[::2] = [outside.translate(_CHECKSUM_DROP) for outside in parts[::2]]
    return "".join(parts).encode("cp437")


def quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def fmt(ore: int) -> str:
    """Öre as a SIE amount: ``-1234.50``."""
    sign = "-" if ore < 0 else ""
    ore = -ore if ore < 0 else ore
    return f"{sign}{ore // 100}.{ore % 100:02d}"


@dataclass(frozen=True)
class Stats:
    path: Path
    bytes: int
    vouchers: int
    rows: int
    seconds: float


class Chart:
    """The accounts and objects, plus pre-rendered strings the hot loop reuses."""

    def __init__(self, rng: random.Random) -> None:
        accounts: dict[int, str] = dict(CORE_ACCOUNTS)
        for start, count, step, stem in ACCOUNT_GROUPS:
            for i in range(count):
                accounts.setdefault(start + i * step, f"{stem} {i + 1}")
        self.accounts = dict(sorted(accounts.items()))
        nums = list(self.accounts)
        self.revenue = [a for a in nums if 3000 <= a < 3900]
        self.other_income = [a for a in nums if 3900 <= a < 4000]
        self.costs = [a for a in nums if 4000 <= a < 7000]
        self.staff = [a for a in nums if 7600 <= a < 7700]
        self.misc_balance = [a for a in nums if a in (1710, 1720, 1730, 2890, 2891, 2910, 2920)]
        self.centres = [f"{i:02d}" for i in range(10, 40)]
        self.projects = [f"P{i:04d}" for i in range(1, 121)]
        self.customers = [str(1000 + i) for i in range(250)]
        self.suppliers = [str(5000 + i) for i in range(150)]
        self.customer_names = company_names(rng, len(self.customers))
        self.supplier_names = company_names(rng, len(self.suppliers))
        self.employees = [f"Anställd {i + 1:02d}" for i in range(25)]

    def header(self, totals: dict[int, int], opening: dict[int, int]) -> list[str]:
        lines = [
            "#FLAGGA 0",
            '#PROGRAM "sie-bokslut benchmark generator" 1.0',
            "#FORMAT PC8",
            f'#GEN {YEAR + 1}0120 "benchmark"',
            "#SIETYP 4",
            '#PROSA "Syntetisk storfil för prestandamätning"',
            "#FTYP AB",
            '#FNR "BENCH"',
            "#ORGNR 556677-8899",
            '#ADRESS "Kim Åberg" "Box 123" "831 30 Östersund" "063-12 34 56"',
            '#FNAMN "Jämtlands Prestanda & Mätteknik AB"',
            f"#RAR 0 {YEAR}0101 {YEAR}1231",
            f"#RAR -1 {YEAR - 1}0101 {YEAR - 1}1231",
            f"#TAXAR {YEAR + 1}",
            f"#OMFATTN {YEAR}1231",
            "#KPTYP EUBAS97",
            "#VALUTA SEK",
        ]
        lines += [f"#KONTO {a} {quote(n)}" for a, n in self.accounts.items()]
        lines += ['#DIM 1 "Kostnadsställe"', '#DIM 6 "Projekt"', '#DIM 8 "Kund"']
        lines.append('#DIM 9 "Leverantör"')
        lines += [f'#OBJEKT 1 "{c}" "Kostnadsställe {c}"' for c in self.centres]
        lines += [f'#OBJEKT 6 "{p}" "Projekt {p[1:]}"' for p in self.projects]
        lines += [
            f'#OBJEKT 8 "{c}" {quote(n)}'
            for c, n in zip(self.customers, self.customer_names, strict=True)
        ]
        lines += [
            f'#OBJEKT 9 "{s}" {quote(n)}'
            for s, n in zip(self.suppliers, self.supplier_names, strict=True)
        ]
        balance = [a for a in self.accounts if a < 3000]
        result = [a for a in self.accounts if 3000 <= a < 8999]
        lines += [f"#IB 0 {a} {fmt(opening.get(a, 0))}" for a in balance]
        lines += [f"#UB 0 {a} {fmt(opening.get(a, 0) + totals.get(a, 0))}" for a in balance]
        lines += [f"#UB -1 {a} {fmt(opening.get(a, 0))}" for a in balance]
        lines += [f"#RES 0 {a} {fmt(totals[a])}" for a in result if totals.get(a)]
        return lines


def opening_balances(rng: random.Random, chart: Chart) -> dict[int, int]:
    """Opening balances that sum to zero (2091 takes the difference)."""
    opening: dict[int, int] = {}
    for account in chart.accounts:
        if account >= 3000 or account in (2091, 2099):
            continue
        magnitude = rng.randrange(1_000_00, 2_000_000_00)
        opening[account] = magnitude if account < 2000 else -magnitude
    opening[1229] = -abs(opening[1229])
    opening[2091] = -sum(opening.values())
    return opening


def previous_result(rng: random.Random, chart: Chart) -> dict[int, int]:
    """``#RES -1``: last year's income statement, closed to 8999."""
    result: dict[int, int] = {}
    for account in chart.accounts:
        if 3000 <= account < 8999:
            magnitude = rng.randrange(10_000_00, 3_000_000_00)
            result[account] = -magnitude if account < 4000 else magnitude // 8
    result[8999] = -sum(result.values())
    return result


class VoucherWriter:
    """Makes vouchers of the usual kinds; every one balances by construction."""

    def __init__(self, rng: random.Random, chart: Chart, count: int) -> None:
        self.rng = rng
        self.chart = chart
        self.count = count
        self.totals: dict[int, int] = {}
        self.rows = 0
        self.numbers = dict.fromkeys(SERIES, 0)
        self.invoice = 10000
        start = dt.date(YEAR, 1, 1)
        self.dates = [(start + dt.timedelta(days=d)).strftime("%Y%m%d") for d in range(365)]
        self.centre_objs = [f'1 "{c}"' for c in chart.centres]
        self.project_objs = [f'6 "{p}"' for p in chart.projects]
        self.users = [quote(u) for u in USERS]

    def _row(self, out: list[str], account: int, ore: int, objs: str = "", text: str = "") -> None:
        totals = self.totals
        totals[account] = totals.get(account, 0) + ore
        self.rows += 1
        if text:
            out.append(f"#TRANS {account} {{{objs}}} {fmt(ore)} {self._date} {quote(text)}")
        else:
            out.append(f"#TRANS {account} {{{objs}}} {fmt(ore)}")

    def _result_objs(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return ""
        objs = self.rng.choice(self.centre_objs)
        if r > 0.7:
            objs += " " + self.rng.choice(self.project_objs)
        return objs

    def _row_text(self) -> str:
        return self.rng.choice(ROW_TEXTS) if self.rng.random() < 0.4 else ""

    def voucher(self, index: int, out: list[str]) -> None:
        rng = self.rng
        day = index * 365 // self.count
        self._date = self.dates[day]
        reg = self.dates[min(364, day + rng.randrange(0, 5))]
        kind = rng.random()
        if kind < 0.30:
            series, text, rows = "B", *self._customer_invoice()
        elif kind < 0.52:
            series, text, rows = "C", *self._supplier_invoice()
        elif kind < 0.84:
            series, text, rows = "D", *self._payment()
        elif kind < 0.985:
            series, text, rows = "A", *self._manual()
        else:
            series, text, rows = "E", *self._payroll()
        self.numbers[series] += 1
        sign = self.users[rng.randrange(len(self.users))]
        out.append(f"#VER {series} {self.numbers[series]} {self._date} {quote(text)} {reg} {sign}")
        out.append("{")
        out.extend(rows)
        out.append("}")

    def _customer_invoice(self) -> tuple[str, list[str]]:
        rng, chart = self.rng, self.chart
        rows: list[str] = []
        i = rng.randrange(len(chart.customers))
        self.invoice += 1
        lines = [rng.randrange(500_00, 60_000_00) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        net = sum(lines)
        vat = net // 4
        name = chart.customer_names[i]
        self._row(rows, 1510, net + vat, f'8 "{chart.customers[i]}"', name)
        for amount in lines:
            account = rng.choice(chart.revenue)
            self._row(rows, account, -amount, self._result_objs(), self._row_text())
        self._row(rows, 2611, -vat)
        return f"Kundfaktura {self.invoice} {name}", rows

    def _supplier_invoice(self) -> tuple[str, list[str]]:
        rng, chart = self.rng, self.chart
        rows: list[str] = []
        i = rng.randrange(len(chart.suppliers))
        lines = [rng.randrange(100_00, 40_000_00) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))]
        net = sum(lines)
        vat = net // 4
        for amount in lines:
            account = rng.choice(chart.costs)
            self._row(rows, account, amount, self._result_objs(), self._row_text())
        self._row(rows, 2641, vat)
        name = chart.supplier_names[i]
        self._row(rows, 2440, -(net + vat), f'9 "{chart.suppliers[i]}"', name)
        return f"Leverantörsfaktura {name}", rows

    def _payment(self) -> tuple[str, list[str]]:
        rng, chart = self.rng, self.chart
        rows: list[str] = []
        count = rng.choice((1, 1, 1, 2, 3, 5))
        total = 0
        if rng.random() < 0.5:
            for _ in range(count):
                i = rng.randrange(len(chart.customers))
                amount = rng.randrange(500_00, 75_000_00)
                total += amount
                paid = rng.randrange(10000, self.invoice + 1)
                text = f"Faktura {paid} {chart.customer_names[i]}"
                self._row(rows, 1510, -amount, f'8 "{chart.customers[i]}"', text)
            self._row(rows, 1930, total)
            return f"Inbetalningar kunder, {count} st", rows
        for _ in range(count):
            i = rng.randrange(len(chart.suppliers))
            amount = rng.randrange(100_00, 50_000_00)
            total += amount
            text = f"Faktura {rng.randrange(1000, 99999)} {chart.supplier_names[i]}"
            self._row(rows, 2440, amount, f'9 "{chart.suppliers[i]}"', text)
        self._row(rows, 1930, -total)
        return f"Betalning leverantörer, {count} st", rows

    def _manual(self) -> tuple[str, list[str]]:
        rng, chart = self.rng, self.chart
        rows: list[str] = []
        total = 0
        for _ in range(rng.randrange(1, 8)):
            if rng.random() < 0.6:
                account = rng.choice(chart.costs + chart.staff)
                objs = self._result_objs()
            else:
                account = rng.choice(chart.misc_balance + chart.other_income)
                objs = ""
            amount = rng.randrange(-20_000_00, 20_000_00)
            total += amount
            self._row(rows, account, amount, objs, self._row_text())
        self._row(rows, 1930, -total)
        return rng.choice(TEXTS), rows

    def _payroll(self) -> tuple[str, list[str]]:
        rng, chart = self.rng, self.chart
        rows: list[str] = []
        gross_total = 0
        for _ in range(rng.randrange(3, 7)):
            gross = rng.randrange(25_000, 55_000) * 100
            gross_total += gross
            account = 7010 if rng.random() < 0.6 else 7210
            self._row(
                rows, account, gross, rng.choice(self.centre_objs), rng.choice(chart.employees)
            )
        fees = gross_total * 3142 // 10000
        tax = gross_total * 30 // 100
        self._row(rows, 7510, fees)
        self._row(rows, 2710, -tax)
        self._row(rows, 2730, -fees)
        self._row(rows, 1930, -(gross_total - tax))
        return "Lön enligt lönelista", rows


def generate(
    out: Path = DEFAULT_OUT, mb: float = DEFAULT_MB, seed: int = DEFAULT_SEED, ksumma: bool = False
) -> Stats:
    """Write the file and return what was written. Same seed and size → same bytes.

    With ``ksumma`` the file carries a ``#KSUMMA`` checksum (opened after ``#FLAGGA``,
    closed on the last line) and is otherwise byte for byte the file without it.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    chart = Chart(rng)
    opening = opening_balances(rng, chart)
    prev = previous_result(rng, chart)
    count = max(1, round((mb * MEGABYTE - HEADER_BYTES) / BYTES_PER_VOUCHER))
    writer = VoucherWriter(rng, chart, count)
    out.parent.mkdir(parents=True, exist_ok=True)
    body = out.with_name(out.name + ".vouchers.tmp")
    try:
        with body.open("wb") as f:
            for first in range(0, count, BATCH):
                chunk: list[str] = []
                for index in range(first, min(first + BATCH, count)):
                    writer.voucher(index, chunk)
                chunk.append("")
                f.write("\r\n".join(chunk).encode("cp437"))
        head = chart.header(writer.totals, opening)
        head += [f"#RES -1 {a} {fmt(v)}" for a, v in sorted(prev.items())]
        with out.open("wb") as f:
            if not ksumma:
                f.write(("\r\n".join(head) + "\r\n").encode("cp437"))
                with body.open("rb") as src:
                    shutil.copyfileobj(src, f, 1 << 20)
            else:
                _write_with_checksum(f, head, body)
    finally:
        if body.exists():
            body.unlink()
    return Stats(out, os.path.getsize(out), count, writer.rows, time.perf_counter() - started)


def _write_with_checksum(f: BinaryIO, head: list[str], body: Path) -> None:
    """Header and vouchers between an opening ``#KSUMMA`` (after ``#FLAGGA``) and a
    closing ``#KSUMMA <crc>``; the vouchers are checksummed a megabyte at a time,
    cut at line ends (a quoted text never spans lines)."""
    opened = [head[0], "#KSUMMA", *head[1:]]
    text = "\r\n".join(opened) + "\r\n"
    f.write(text.encode("cp437"))
    crc = zlib.crc32(checksum_text("\r\n".join(head[1:])))
    pending = b""
    with body.open("rb") as src:
        while block := src.read(1 << 20):
            f.write(block)
            pending += block
            cut = pending.rfind(b"\n") + 1
            crc = zlib.crc32(checksum_text(pending[:cut].decode("cp437")), crc)
            pending = pending[cut:]
    crc = zlib.crc32(checksum_text(pending.decode("cp437")), crc)
    f.write(f"#KSUMMA {crc}\r\n".encode("cp437"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    parser.add_argument("--mb", type=float, default=DEFAULT_MB, help="approximate size in MB")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--ksumma", action="store_true", help="add a #KSUMMA checksum (otherwise the same file)"
    )
    args = parser.parse_args(argv)
    if args.mb <= 0:
        parser.error("--mb must be positive")
    stats = generate(args.out, args.mb, args.seed, args.ksumma)
    print(
        f"wrote {stats.path}: {stats.bytes / MEGABYTE:.1f} MB, {stats.vouchers} vouchers, "
        f"{stats.rows} rows in {stats.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

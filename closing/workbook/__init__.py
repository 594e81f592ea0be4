"""The Excel closing sheet (bokslutspärm): one workbook per company and year.

Every figure the engine computed is written as a formula over cells that hold
the engine's inputs (balances from the ledger, rates, the user's choices), so
an accountant can audit the arithmetic and tweak an input and the workbook
recomputes itself: sums, differences, the tax ladder, the periodiseringsfond
limit, the överavskrivning rules, and the closing vouchers themselves, whose
amounts point at the cells that decide them.

Inputs are blue, formulas black. Amounts are ``Decimal`` or formulas, never
floats. Text taken from the SIE file (account, company, counterparty names,
voucher texts) is always stored as text, never as a formula, whatever it
starts with.

:func:`build` also returns where each figure the engine knows was written
(:class:`Check`), so a test can recalculate the workbook with another
spreadsheet program and compare it with the engine to the öre.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

import attrs
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from closing.appropriations import AssetInputs, Fund
from closing.attachments import Attachment
from closing.engine import ClosingResult
from closing.rates import INK2S_FIELDS
from closing.settings import ACCOUNT_NAMES, PFOND_NAME, PFOND_SECOND_NAME, AccountRange
from closing.trial_balance import TrialBalanceLine, account_class
from sie.model import Voucher

ZERO = Decimal("0.00")

# --------------------------------------------------------------------------- layout data

#: Sheet names in workbook order, with what each holds (listed on the overview).
SHEETS: tuple[tuple[str, str], ...] = (
    ("Översikt", "Företag, nyckeltal, kontroller och iakttagelser"),
    ("Råbalans", "IB, förändring och UB per konto, grupperat per kontoklass"),
    ("Balansräkning", "Balansräkningen före och efter bokslutsposterna"),
    ("Resultaträkning", "Resultaträkningen före och efter bokslutsposterna"),
    ("Skatteberäkning", "Från resultat till beskattningsbar inkomst och skatt (INK2S)"),
    ("Periodiseringsfonder", "Fonder per avsättningsår, återföring, schablonintäkt"),
    ("Överavskrivningar", "30- och 20-regeln för inventarier, förändring att boka"),
    ("Bokslutsverifikationer", "Verifikationerna som bokslutet bokar"),
    ("Kundreskontra", "Öppna kundfakturor mot kundfordringarnas saldo"),
    ("Leverantörsreskontra", "Öppna leverantörsfakturor mot leverantörsskuldernas saldo"),
    ("Avstämning", "Varje balanskonto: bokfört saldo, specifikation, differens"),
)

SheetSide = Literal["assets", "claims"]


@attrs.frozen(slots=True)
class Section:
    """A block of the balance sheet or income statement: a title and its accounts."""

    title: str
    accounts: AccountRange
    side: SheetSide = "assets"


#: Balance sheet blocks (BAS account groups). Assets keep the ledger's sign;
#: equity and liabilities are shown with the sign turned, as on a balance sheet.
BALANCE_SECTIONS: tuple[Section, ...] = (
    Section("Anläggningstillgångar", AccountRange("1000", "1399")),
    Section("Omsättningstillgångar", AccountRange("1400", "1999")),
    Section("Eget kapital", AccountRange("2000", "2099"), "claims"),
    Section("Obeskattade reserver", AccountRange("2100", "2199"), "claims"),
    Section("Avsättningar", AccountRange("2200", "2299"), "claims"),
    Section("Långfristiga skulder", AccountRange("2300", "2399"), "claims"),
    Section("Kortfristiga skulder", AccountRange("2400", "2999"), "claims"),
)
#: Income statement blocks inside the operating range (3000–8799).
OPERATING_SECTIONS: tuple[Section, ...] = (
    Section("Rörelsens intäkter", AccountRange("3000", "3999")),
    Section("Rörelsens kostnader", AccountRange("4000", "7999")),
    Section("Finansiella poster", AccountRange("8000", "8799")),
)

AMOUNT = "#,##0.00;-#,##0.00"
#: Amounts where zero means "nothing": shown blank (closing entries, optional lines).
AMOUNT_BLANK_ZERO = "#,##0.00;-#,##0.00;;@"
WHOLE = "#,##0"
PERCENT = "0.00%"
CHANGE_PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
#: A difference smaller than half an öre counts as zero in the status formulas.
TOLERANCE = "0.005"

TITLE_FONT = Font(bold=True, size=14)
SUBTITLE_FONT = Font(italic=True, color="595959")
BOLD = Font(bold=True)
INPUT_FONT = Font(color="1F4E9F")
NOTE_FONT = Font(italic=True, color="595959")
LINK_FONT = Font(color="0563C1", underline="single")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
RESULT_FILL = PatternFill("solid", fgColor="FFF2CC")
BAD_FILL = PatternFill("solid", bgColor="FFC7CE")
GOOD_FILL = PatternFill("solid", bgColor="C6EFCE")
BAD_FONT = Font(color="9C0006")
GOOD_FONT = Font(color="006100")
THIN = Side(style="thin", color="808080")
SUM_BORDER = Border(top=THIN)
TOTAL_BORDER = Border(top=THIN, bottom=Side(style="double", color="808080"))
HEADER_BORDER = Border(bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
INDENT = Alignment(horizontal="left", indent=2)
RIGHT = Alignment(horizontal="right")

#: Texts an importing spreadsheet could take for a formula if typed in.
FORMULA_LEADS = ("=", "+", "-", "@")
#: Excel's limit on the characters of a cell.
MAX_CELL_TEXT = 32767
_REF = re.compile(r"\{([A-Za-z0-9_:.\-]+)\}")

Value = Decimal | int | str | dt.date | None


@attrs.frozen(slots=True)
class Check:
    """A formula cell holding a figure that can be verified after recalculation.

    ``expected`` is the engine's figure; ``None`` when the engine has none (the
    balances after closing, checked against the ledger with the vouchers
    applied). ``sign`` turns the shown figure into the ledger's sign (−1 where
    a sheet shows credits as positive).
    """

    key: str
    sheet: str
    cell: str
    expected: Decimal | None
    sign: int = 1


@attrs.frozen(slots=True)
class BuiltWorkbook:
    """The workbook, its checkable figures, and where its named cells are:
    key -> (sheet, cell), e.g. ``"tax_choice"`` -> ``("Skatteberäkning", "C9")``."""

    workbook: Workbook
    checks: tuple[Check, ...]
    cells: Mapping[str, tuple[str, str]]


# --------------------------------------------------------------------------- public API


def build(result: ClosingResult, assets: AssetInputs | None = None) -> BuiltWorkbook:
    """The closing workbook and the list of figures it can be checked on.

    ``assets`` (the inventarier inputs given to the closing) adds the 20-rule
    year by year; without it the rule's value is shown as computed.
    """
    return _Builder(result, assets).run()


def build_workbook(result: ClosingResult, assets: AssetInputs | None = None) -> Workbook:
    """The closing workbook for ``result`` (see :func:`build`)."""
    return build(result, assets).workbook


def write_workbook(
    result: ClosingResult, path: str | Path, assets: AssetInputs | None = None
) -> Path:
    """Write the closing workbook to ``path`` (an ``.xlsx`` file) and return the path."""
    target = Path(path)
    build_workbook(result, assets).save(target)
    return target


def safe_text(value: str) -> str:
    """``value`` without the control characters an xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub(" ", value)[:MAX_CELL_TEXT]


# --------------------------------------------------------------------------- cell helpers


def _ref(sheet: str, row: int, col: int, absolute: bool = True) -> str:
    letter = get_column_letter(col)
    where = f"${letter}${row}" if absolute else f"{letter}{row}"
    return f"'{sheet}'!{where}"


def _range(sheet: str, col: int, first: int, last: int) -> str:
    letter = get_column_letter(col)
    return f"'{sheet}'!${letter}${first}:${letter}${max(first, last)}"


def _money(value: Decimal) -> str:
    """A Swedish amount for a text line: space thousands, comma decimals."""
    return f"{value.quantize(Decimal('0.01')):,.2f}".replace(",", " ").replace(".", ",")


def _percent(value: Decimal) -> str:
    shown = f"{(value * 100).normalize():f}".replace(".", ",")
    return f"{shown} %"


def _period(result: ClosingResult) -> str:
    year = result.year
    if year is None:
        return "räkenskapsår saknas"
    start = year.start.isoformat() if year.start else "?"
    end = year.end.isoformat() if year.end else "?"
    return f"{start} – {end}"


def _fund_title(fund: Fund) -> str:
    if fund.year is None:
        return f"Periodiseringsfond (konto {fund.account})"
    return (PFOND_SECOND_NAME if fund.second else PFOND_NAME).format(year=fund.year)


class _Builder:
    """Writes the sheets; formulas name other cells as ``{key}`` and are
    resolved once every sheet is laid out, so sheets can refer forwards."""

    def __init__(self, result: ClosingResult, assets: AssetInputs | None) -> None:
        self.r = result
        self.assets = assets
        self.acc = result.settings.accounts
        self.closed = result.closed
        self.wb = Workbook()
        self.refs: dict[str, str] = {}
        self.cells: dict[str, tuple[str, str]] = {}
        self.pending: list[tuple[Cell, str]] = []
        self.checks: list[Check] = []
        self.tb_row: dict[str, int] = {}
        self.names: dict[str, str] = {x.account: x.name for x in result.trial_balance.lines}
        for fund in result.pfond_register:
            self.names.setdefault(fund.account, _fund_title(fund))
        for account in result.new_accounts:
            self.names.setdefault(account.number, account.name)
        for number, name in ACCOUNT_NAMES.items():
            self.names.setdefault(number, name)
        self.sheets: dict[str, Worksheet] = {}
        first = self.wb.active
        assert first is not None
        first.title = SHEETS[0][0]
        self.sheets[SHEETS[0][0]] = first
        for name, _ in SHEETS[1:]:
            self.sheets[name] = self.wb.create_sheet(name)

    # -- primitives ------------------------------------------------------------------

    def text(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        value: str,
        font: Font | None = None,
        fill: PatternFill | None = None,
    ) -> Cell:
        """Text that stays text: a leading ``=``, ``+``, ``-`` or ``@`` never makes a formula."""
        cell = ws.cell(row=row, column=col)
        shown = safe_text(value)
        cell.value = shown
        cell.data_type = "s"
        if shown.startswith(FORMULA_LEADS):
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        return cell

    def value(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        value: Value,
        fmt: str = AMOUNT,
        font: Font | None = INPUT_FONT,
    ) -> Cell:
        """An input: an amount, rate, date or choice the formulas work from."""
        if isinstance(value, float):  # pragma: no cover - guarded by the type
            raise TypeError("amounts are Decimal, never float")
        if isinstance(value, str):
            return self.text(ws, row, col, value, font)
        cell = ws.cell(row=row, column=col)
        cell.value = value
        cell.number_format = DATE if isinstance(value, dt.date) else fmt
        if font is not None:
            cell.font = font
        return cell

    def formula(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        template: str,
        fmt: str = AMOUNT,
        *,
        key: str = "",
        expected: Decimal | None = None,
        sign: int = 1,
        font: Font | None = None,
    ) -> Cell:
        """A formula; ``{name}`` parts are other sheets' cells, resolved at the end.

        With ``key`` the cell is listed as a :class:`Check`.
        """
        cell = ws.cell(row=row, column=col)
        self.pending.append((cell, template))
        cell.number_format = fmt
        if font is not None:
            cell.font = font
        if key:
            self.checks.append(Check(key, ws.title, cell.coordinate, expected, sign))
        return cell

    def name(self, key: str, ws: Worksheet, row: int, col: int) -> None:
        self.refs[key] = _ref(ws.title, row, col)
        self.cells[key] = (ws.title, f"{get_column_letter(col)}{row}")

    def header(
        self, ws: Worksheet, row: int, titles: Sequence[str], right: Iterable[int] = ()
    ) -> None:
        """Column titles; ``right`` are the amount columns, titled flush right."""
        flush = set(right)
        for col, title in enumerate(titles, start=1):
            cell = self.text(ws, row, col, title, BOLD, HEADER_FILL)
            cell.border = HEADER_BORDER
            cell.alignment = Alignment(
                wrap_text=True,
                vertical="center",
                horizontal="right" if col in flush else "left",
            )
        ws.row_dimensions[row].height = 30

    def title(self, ws: Worksheet, title: str, note: str = "") -> None:
        self.text(ws, 1, 1, title, TITLE_FONT)
        r = self.r
        who = f"{r.company or '(företagsnamn saknas)'} · {r.orgnr or 'org.nr saknas'}"
        self.text(ws, 2, 1, f"{who} · Räkenskapsår {_period(r)}", SUBTITLE_FONT)
        if note:
            self.text(ws, 3, 1, note, NOTE_FONT)

    def style_row(
        self,
        ws: Worksheet,
        row: int,
        first: int,
        last: int,
        *,
        font: Font | None = BOLD,
        border: Border | None = SUM_BORDER,
        fill: PatternFill | None = None,
    ) -> None:
        for col in range(first, last + 1):
            cell = ws.cell(row=row, column=col)
            if font is not None:
                cell.font = font
            if border is not None:
                cell.border = border
            if fill is not None:
                cell.fill = fill

    def flag_differences(self, ws: Worksheet, cells: str) -> None:
        """Colour non-zero differences red in ``cells`` (e.g. ``K5:K90``)."""
        top_left = cells.split(":")[0]
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER({top_left}),ABS({top_left})>={TOLERANCE})"],
            font=BAD_FONT,
            fill=BAD_FILL,
        )
        ws.conditional_formatting.add(cells, rule)

    def flag_status(self, ws: Worksheet, cells: str) -> None:
        top_left = cells.split(":")[0]
        ws.conditional_formatting.add(
            cells, FormulaRule(formula=[f'{top_left}="OK"'], font=GOOD_FONT, fill=GOOD_FILL)
        )
        ws.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f'OR({top_left}="Avvikelse",{top_left}="Differens")'],
                font=BAD_FONT,
                fill=BAD_FILL,
            ),
        )

    def account_name(self, account: str) -> str:
        return self.names.get(account, "")

    # -- the run ---------------------------------------------------------------------

    def run(self) -> BuiltWorkbook:
        self.trial_balance_sheet()
        self.voucher_sheet()
        self.income_statement_sheet()
        self.balance_sheet()
        self.fund_sheet()
        self.overavskrivning_sheet()
        self.tax_sheet()
        self.ledger_sheet(self.sheets["Kundreskontra"], "customers")
        self.ledger_sheet(self.sheets["Leverantörsreskontra"], "suppliers")
        self.reconciliation_sheet()
        self.overview_sheet()
        self.resolve()
        return BuiltWorkbook(self.wb, tuple(self.checks), dict(self.cells))

    def resolve(self) -> None:
        def sub(match: re.Match[str]) -> str:
            return self.refs[match.group(1)]

        for cell, template in self.pending:
            cell.value = _REF.sub(sub, template)

    # -- Råbalans --------------------------------------------------------------------

    def trial_balance_sheet(self) -> None:
        ws = self.sheets["Råbalans"]
        tb = self.r.trial_balance
        source = (
            "Beräknad från årets transaktioner."
            if tb.source == "transactions"
            else "Filen saknar transaktioner: filens #IB/#UB/#RES visas."
        )
        self.title(ws, "Råbalans (saldobalans)", f"{source} Debet positivt, kredit negativt.")
        head = 4
        self.header(
            ws,
            head,
            [
                "Konto",
                "Kontonamn",
                "Typ",
                "SRU",
                "IB",
                "Förändring",
                "UB",
                "Föregående år UB",
                "Förändring mot föreg. år",
                "UB enligt filen",
                "Differens mot filen",
            ],
            right=range(5, 12),
        )
        row = head + 1
        first_data = row
        for group in tb.groups:
            self.text(ws, row, 1, f"Klass {group.klass} – {group.title}", BOLD, GROUP_FILL)
            self.style_row(ws, row, 2, 11, font=None, border=None, fill=GROUP_FILL)
            row += 1
            first = row
            for x in group.lines:
                self._trial_balance_line(ws, row, x)
                row += 1
            last = row - 1
            self.text(ws, row, 2, f"Summa klass {group.klass}")
            sums = ((5, group.ib, "ib"), (6, group.movement, "movement"), (7, group.ub, "ub"))
            for col, expected, what in sums:
                letter = get_column_letter(col)
                self.formula(
                    ws,
                    row,
                    col,
                    f"=SUM({letter}{first}:{letter}{last})",
                    key=f"class{group.klass}:{what}",
                    expected=expected,
                )
            self.formula(
                ws,
                row,
                8,
                f"=SUM(H{first}:H{last})",
                key=f"class{group.klass}:prev_ub",
                expected=group.prev_ub,
            )
            self.formula(ws, row, 10, f"=SUM(J{first}:J{last})")
            self.formula(ws, row, 11, f"=SUM(K{first}:K{last})")
            self.style_row(ws, row, 1, 11)
            row += 2
        if not tb.lines:
            self.text(ws, row, 2, "Inga konton med saldo.", NOTE_FONT)
            row += 2
        last_data = max(first_data, row - 1)
        types = f"$C${first_data}:$C${last_data}"
        totals = (
            ("Summa balanskonton", "BR", "balance_sum", tb.balance_sum),
            ("Summa resultatkonton", "RR", "result_sum", tb.result_sum),
        )
        for label, kind, key, expected in totals:
            self.text(ws, row, 2, label, BOLD)
            self.formula(
                ws,
                row,
                7,
                f'=SUMIF({types},"{kind}",G${first_data}:G${last_data})',
                key=key,
                expected=expected,
                font=BOLD,
            )
            row += 1
        self.text(ws, row, 2, "Totalt (ska vara 0)", BOLD)
        self.formula(ws, row, 7, f"=G{row - 2}+G{row - 1}", key="total", expected=tb.total)
        self.style_row(ws, row, 2, 7, border=TOTAL_BORDER)
        self.name("rb_total", ws, row, 7)
        self.flag_differences(ws, f"G{row}:G{row}")
        self.flag_differences(ws, f"K{first_data}:K{last_data}")
        self.finish(
            ws,
            head,
            "C5",
            {1: 10, 2: self.name_width(tb.lines), 3: 6, 4: 7, **dict.fromkeys(range(5, 12), 16)},
        )

    def _trial_balance_line(self, ws: Worksheet, row: int, x: TrialBalanceLine) -> None:
        self.tb_row[x.account] = row
        self.text(ws, row, 1, x.account)
        self.text(ws, row, 2, x.name)
        self.text(ws, row, 3, "RR" if x.is_result else "BR")
        self.text(ws, row, 4, " ".join(x.sru))
        self.value(ws, row, 5, x.ib)
        self.value(ws, row, 6, x.movement)
        self.formula(ws, row, 7, f"=E{row}+F{row}", key=f"ub:{x.account}", expected=x.ub)
        if x.prev_ub is not None:
            self.value(ws, row, 8, x.prev_ub)
        self.formula(
            ws,
            row,
            9,
            f'=IF(OR(H{row}="",H{row}=0),"",(G{row}-H{row})/ABS(H{row}))',
            CHANGE_PERCENT,
        )
        if x.file_ub is not None:
            self.value(ws, row, 10, x.file_ub)
        self.formula(
            ws,
            row,
            11,
            f'=IF(J{row}="","",G{row}-J{row})',
            key=f"diff:{x.account}" if x.difference is not None else "",
            expected=x.difference,
        )

    # -- Bokslutsverifikationer --------------------------------------------------------

    def _voucher_links(self) -> dict[tuple[str, str], str]:
        """(debit account, credit account) of each kind of closing voucher -> the
        cell that decides its amount."""
        acc = self.acc
        links: dict[tuple[str, str], str] = {}
        for fund in self.r.pfond_register:
            if fund.reversal:
                links[(fund.account, acc.pfond_reversal)] = f"pf_rev:{fund.account}"
        links[self.r.overavskrivning_accounts] = "oa_change"
        if self.r.pfond_allocation_account:
            links[(acc.pfond_allocation, self.r.pfond_allocation_account)] = "tax_alloc"
        links[(acc.tax_cost, acc.tax_liability)] = "tax_to_book"
        links[(acc.result_transfer, acc.result_equity)] = "tax_arets"
        return links

    def _linked(self, v: Voucher) -> dict[str, tuple[str, str]] | None:
        """Row account -> (debit formula, credit formula) for a two-row closing
        voucher whose amount comes from another sheet; ``None`` for any other shape."""
        if len(v.rows) != 2 or not self.closed:
            return None
        accounts = {r.account for r in v.rows}
        for (debit, credit), key in self._voucher_links().items():
            if accounts == {debit, credit} and debit != credit:
                if key == "oa_change" and self.r.overavskrivning_detail is None:
                    return None
                plus, minus = f"=MAX({{{key}}},0)", f"=MAX(-{{{key}}},0)"
                return {debit: (plus, minus), credit: (minus, plus)}
        return None

    def voucher_sheet(self) -> None:
        ws = self.sheets["Bokslutsverifikationer"]
        series = self.r.settings.series
        end = self.r.year.end if self.r.year else None
        note = f"Serie {series}, daterade {end.isoformat() if end else '?'}. " + (
            "Beloppen hämtas från beräkningsbladen; status Ej överförd tills de bokats."
        )
        self.title(ws, "Bokslutsverifikationer", note)
        head = 4
        self.header(
            ws,
            head,
            ["Ver.nr", "Datum", "Konto", "Kontonamn / text", "Debet", "Kredit", "Belopp", "Status"],
            right=(5, 6, 7),
        )
        row = head + 1
        first_data = row
        sum_rows: list[int] = []
        if not self.r.vouchers:
            reason = (
                "Bokslutet bokar inga verifikationer."
                if self.closed
                else "Bokslutet är inte gjort: se Översikt."
            )
            self.text(ws, row, 4, reason, NOTE_FONT)
            row += 1
        for v in self.r.vouchers:
            self.text(ws, row, 1, f"{v.series} {v.number}".strip(), BOLD)
            self.value(ws, row, 2, v.date, font=None)
            self.text(ws, row, 4, v.text, BOLD)
            self.text(ws, row, 8, "Ej överförd")
            row += 1
            first = row
            linked = self._linked(v)
            for i, r in enumerate(v.rows):
                self.text(ws, row, 3, r.account)
                self.text(ws, row, 4, self.account_name(r.account))
                key = f"ver:{v.series}{v.number}:{i}"
                debit, credit = max(r.amount, ZERO), max(-r.amount, ZERO)
                if linked is not None:
                    to_debit, to_credit = linked[r.account]
                    self.formula(ws, row, 5, to_debit, key=f"{key}:d", expected=debit)
                    self.formula(ws, row, 6, to_credit, key=f"{key}:k", expected=credit)
                else:
                    self.value(ws, row, 5, debit)
                    self.value(ws, row, 6, credit)
                self.formula(ws, row, 7, f"=E{row}-F{row}", key=key, expected=r.amount)
                row += 1
            last = row - 1
            self.text(ws, row, 4, "Summa")
            self.formula(ws, row, 5, f"=SUM(E{first}:E{last})")
            self.formula(ws, row, 6, f"=SUM(F{first}:F{last})")
            self.formula(
                ws, row, 7, f"=E{row}-F{row}", key=f"ver:{v.series}{v.number}", expected=ZERO
            )
            self.style_row(ws, row, 4, 7)
            sum_rows.append(row)
            row += 2
        last_data = max(first_data, row - 1)
        self.refs["ver_accounts"] = _range(ws.title, 3, first_data, last_data)
        self.refs["ver_amounts"] = _range(ws.title, 7, first_data, last_data)
        self.text(ws, row, 4, "Summa samtliga verifikationer", BOLD)
        if sum_rows:
            for col in (5, 6):
                letter = get_column_letter(col)
                self.formula(ws, row, col, "=" + "+".join(f"{letter}{s}" for s in sum_rows))
        else:
            self.value(ws, row, 5, ZERO, font=None)
            self.value(ws, row, 6, ZERO, font=None)
        self.formula(ws, row, 7, f"=E{row}-F{row}", key="ver_total", expected=ZERO)
        self.style_row(ws, row, 4, 7, border=TOTAL_BORDER)
        self.name("ver_total", ws, row, 7)
        self.flag_differences(ws, f"G{row}:G{row}")
        for s in sum_rows:
            self.flag_differences(ws, f"G{s}:G{s}")
        names = [self.account_name(r.account) for v in self.r.vouchers for r in v.rows]
        names += [v.text for v in self.r.vouchers]
        width = min(max((len(n) for n in names), default=30) + 2, 60)
        self.finish(
            ws, head, "A5", {1: 10, 2: 12, 3: 9, 4: max(width, 30), 5: 16, 6: 16, 7: 16, 8: 13}
        )

    def _closing_sum(self, account_cell: str) -> str:
        return f"SUMIF({{ver_accounts}},{account_cell},{{ver_amounts}})"

    # -- Resultaträkning ---------------------------------------------------------------

    def _extra_lines(self, result_side: bool) -> list[TrialBalanceLine]:
        """Accounts the vouchers use that are not in the trial balance, as empty lines."""
        known = {x.account for x in self.r.trial_balance.lines}
        out: dict[str, TrialBalanceLine] = {}
        for v in self.r.vouchers:
            for r in v.rows:
                if r.account in known or r.account in out:
                    continue
                is_result = account_class(r.account) >= 3
                if is_result != result_side:
                    continue
                out[r.account] = TrialBalanceLine(
                    account=r.account,
                    name=self.account_name(r.account),
                    klass=account_class(r.account),
                    is_result=is_result,
                    ib=ZERO,
                    movement=ZERO,
                    ub=ZERO,
                    prev_ub=None,
                    file_ub=None,
                )
        return sorted(out.values(), key=lambda x: x.account)

    def _statement_section(
        self,
        ws: Worksheet,
        row: int,
        title: str,
        chosen: Sequence[TrialBalanceLine],
        sign: str,
        prev_col: bool,
    ) -> tuple[int, int]:
        """A titled group of account rows with a SUM row under it, as on both the
        balance sheet and the income statement. Returns (sum row, next free row)."""
        self.text(ws, row, 1, title, BOLD, GROUP_FILL)
        self.style_row(ws, row, 2, 6, font=None, border=None, fill=GROUP_FILL)
        row += 1
        first = row
        row = self._statement_lines(ws, row, chosen, sign, prev_col=prev_col)
        if not chosen:
            self.text(ws, row, 2, "Inga konton", NOTE_FONT)
            row += 1
        self.text(ws, row, 2, f"Summa {title.lower()}")
        for col in range(3, 7):
            letter = get_column_letter(col)
            self.formula(ws, row, col, f"=SUM({letter}{first}:{letter}{row - 1})")
        self.style_row(ws, row, 1, 6)
        return row, row + 2

    def _statement_lines(
        self, ws: Worksheet, row: int, lines: Sequence[TrialBalanceLine], sign: str, prev_col: bool
    ) -> int:
        """Account rows: before closing (from Råbalans), closing entries, after."""
        for x in lines:
            self.text(ws, row, 1, x.account)
            self.text(ws, row, 2, x.name or self.account_name(x.account))
            tb_row = self.tb_row.get(x.account)
            factor = -1 if sign == "-" else 1
            if prev_col:  # income statement: before, closing, after, previous year
                cols = {"before": 3, "closing": 4, "after": 5, "prev": 6}
            else:  # balance sheet: IB, before, closing, after
                cols = {"ib": 3, "before": 4, "closing": 5, "after": 6}
            if tb_row is not None:
                rb = "'Råbalans'!"
                self.formula(ws, row, cols["before"], f"={sign}{rb}G{tb_row}")
                if "ib" in cols:
                    self.formula(ws, row, cols["ib"], f"={sign}{rb}E{tb_row}")
                if "prev" in cols and x.prev_ub is not None:
                    self.formula(ws, row, cols["prev"], f"={sign}{rb}H{tb_row}")
            b = get_column_letter(cols["before"])
            c = get_column_letter(cols["closing"])
            self.formula(
                ws,
                row,
                cols["closing"],
                f"={sign}{self._closing_sum(f'$A{row}')}",
                AMOUNT_BLANK_ZERO,
            )
            self.formula(
                ws,
                row,
                cols["after"],
                f"=N({b}{row})+{c}{row}",
                key=f"after:{x.account}",
                sign=factor,
            )
            row += 1
        return row

    def income_statement_sheet(self) -> None:
        ws = self.sheets["Resultaträkning"]
        acc = self.acc
        self.title(
            ws,
            "Resultaträkning",
            "Intäkter positiva, kostnader negativa. Bokslutsposter från bladet "
            "Bokslutsverifikationer.",
        )
        head = 4
        self.header(
            ws,
            head,
            ["Konto", "Kontonamn", "Före bokslut", "Bokslutsposter", "Efter bokslut", "Föreg. år"],
            right=range(3, 7),
        )
        lines = [x for x in self.r.trial_balance.lines if x.is_result] + self._extra_lines(True)
        lines.sort(key=lambda x: x.account)
        used: set[str] = set()

        def take(rng: AccountRange, within: AccountRange | None = None) -> list[TrialBalanceLine]:
            out = [
                x
                for x in lines
                if x.account not in used
                and x.account in rng
                and (within is None or x.account in within)
            ]
            used.update(x.account for x in out)
            return out

        row = head + 1
        section_rows: dict[str, int] = {}

        def section(title: str, chosen: list[TrialBalanceLine], key: str) -> None:
            nonlocal row
            section_rows[key], row = self._statement_section(
                ws, row, title, chosen, "-", prev_col=True
            )

        def result_row(
            label: str, parts: Iterable[str], key: str, expected: Decimal | None, checked: bool
        ) -> None:
            nonlocal row
            self.text(ws, row, 2, label, BOLD)
            for col in range(3, 7):
                letter = get_column_letter(col)
                formula = "=" + "+".join(f"{letter}{section_rows[p]}" for p in parts)
                check = {3: f"rr:{key}:before", 5: f"rr:{key}:after"}.get(col, "")
                if not checked or (key == "arets" and col == 3):
                    check = ""
                self.formula(ws, row, col, formula, key=check, expected=expected if check else None)
            self.style_row(ws, row, 1, 6, border=TOTAL_BORDER, fill=RESULT_FILL)
            section_rows[key] = row
            row += 2

        operating = [
            (s.title, take(s.accounts, acc.operating), f"op{i}")
            for i, s in enumerate(OPERATING_SECTIONS)
        ]
        rest = take(acc.operating)
        if rest:
            operating.append(("Övriga rörelseposter", rest, "op_rest"))
        for title, chosen, key in operating:
            section(title, chosen, key)
        rba = self.r.result_before_appropriations
        result_row(
            f"Resultat före bokslutsdispositioner och skatt ({acc.operating})",
            [k for _, _, k in operating],
            "rba",
            rba,
            True,
        )
        self.name("rr_rba", ws, section_rows["rba"], 3)
        section(f"Bokslutsdispositioner ({acc.appropriations})", take(acc.appropriations), "app")
        section(f"Skatter ({acc.taxes})", take(acc.taxes), "tax")
        result_row(
            "Årets resultat",
            ["rba", "app", "tax"],
            "arets",
            self.r.arets_resultat,
            self.closed,
        )
        self.name("rr_arets", ws, section_rows["arets"], 5)
        section(
            f"Årets resultat överfört till balansräkningen ({acc.transfer})",
            take(acc.transfer),
            "transfer",
        )
        parts = ["arets", "transfer"]
        others = [x for x in lines if x.account not in used]
        if others:
            section("Övriga resultatkonton", others, "others")
            parts.append("others")
        self.text(ws, row, 2, "Resultat ej överfört till balansräkningen (0 efter bokslut)", BOLD)
        for col in range(3, 7):
            letter = get_column_letter(col)
            formula = "=" + "+".join(f"{letter}{section_rows[p]}" for p in parts)
            self.formula(ws, row, col, formula, font=BOLD)
        self.style_row(ws, row, 2, 6, border=TOTAL_BORDER)
        self.name("rr_open_before", ws, row, 3)
        self.name("rr_open_after", ws, row, 5)
        self.flag_differences(ws, f"E{row}:E{row}")
        self.finish(ws, head, "C5", {1: 10, 2: 62, 3: 17, 4: 17, 5: 17, 6: 17})

    # -- Balansräkning -----------------------------------------------------------------

    def balance_sheet(self) -> None:
        ws = self.sheets["Balansräkning"]
        self.title(
            ws,
            "Balansräkning",
            "Tillgångar med bokföringens tecken; eget kapital och skulder som positiva belopp.",
        )
        head = 4
        self.header(
            ws,
            head,
            ["Konto", "Kontonamn", "IB", "UB före bokslut", "Bokslutsposter", "UB efter bokslut"],
            right=range(3, 7),
        )
        lines = [x for x in self.r.trial_balance.lines if not x.is_result]
        lines += self._extra_lines(False)
        lines.sort(key=lambda x: x.account)
        used: set[str] = set()
        row = head + 1
        sums: dict[SheetSide, list[int]] = {"assets": [], "claims": []}

        def section(title: str, chosen: list[TrialBalanceLine], side: SheetSide) -> None:
            nonlocal row
            sign = "-" if side == "claims" else ""
            total_row, row = self._statement_section(ws, row, title, chosen, sign, prev_col=False)
            sums[side].append(total_row)

        def total(label: str, side: SheetSide) -> int:
            nonlocal row
            self.text(ws, row, 2, label, BOLD)
            for col in range(3, 7):
                letter = get_column_letter(col)
                self.formula(ws, row, col, "=" + "+".join(f"{letter}{s}" for s in sums[side]))
            self.style_row(ws, row, 1, 6, border=TOTAL_BORDER, fill=RESULT_FILL)
            row += 2
            return row - 2

        for s in BALANCE_SECTIONS:
            if s.side != "assets":
                continue
            chosen = [x for x in lines if x.account in s.accounts]
            used.update(x.account for x in chosen)
            if chosen:
                section(s.title, chosen, "assets")
        others = [x for x in lines if x.account not in used and not _claims(x.account)]
        used.update(x.account for x in others)
        if others:
            section("Övriga balanskonton", others, "assets")
        if not sums["assets"]:
            section("Tillgångar", [], "assets")
        assets_total = total("Summa tillgångar", "assets")
        for s in BALANCE_SECTIONS:
            if s.side != "claims":
                continue
            chosen = [x for x in lines if x.account in s.accounts and x.account not in used]
            used.update(x.account for x in chosen)
            if chosen:
                section(s.title, chosen, "claims")
        leftover = [x for x in lines if x.account not in used]
        if leftover:
            section("Övriga skuldkonton", leftover, "claims")
        # The year's result before it is booked to equity keeps the sheet in balance.
        self.text(ws, row, 2, "Resultat ej överfört till eget kapital", BOLD)
        self.formula(ws, row, 4, "={rr_open_before}")
        self.formula(ws, row, 6, "={rr_open_after}")
        self.formula(ws, row, 5, f"=F{row}-D{row}")
        self.style_row(ws, row, 1, 6)
        sums["claims"].append(row)
        row += 2
        claims_total = total("Summa eget kapital och skulder", "claims")
        self.text(ws, row, 2, "Differens (ska vara 0)", BOLD)
        tb_total = self.r.trial_balance.total
        for col in (3, 4, 6):
            letter = get_column_letter(col)
            key = {4: "br_diff_before", 6: "br_diff_after"}.get(col, "")
            self.formula(
                ws,
                row,
                col,
                f"={letter}{assets_total}-{letter}{claims_total}",
                key=key,
                expected=tb_total if key else None,
                font=BOLD,
            )
        self.name("br_diff_after", ws, row, 6)
        self.flag_differences(ws, f"C{row}:F{row}")
        self.finish(ws, head, "C5", {1: 10, 2: 62, 3: 17, 4: 17, 5: 17, 6: 17})

    # -- Periodiseringsfonder ------------------------------------------------------------

    def fund_sheet(self) -> None:
        ws = self.sheets["Periodiseringsfonder"]
        r = self.r
        rates = r.rates
        after = rates.pfond_reversal_after if rates else 6
        self.title(
            ws,
            "Periodiseringsfonder",
            f"Belopp som positiva fonder. En fond återförs senast det {after}:e "
            "beskattningsåret efter avsättningsåret, äldsta först.",
        )
        if not self.closed:
            self.text(ws, 5, 1, "Bokslutet är inte gjort: se Översikt.", NOTE_FONT)
            self.finish(ws, 4, "A5", {1: 60})
            return
        head = 4
        self.header(
            ws,
            head,
            [
                "Konto",
                "Fond",
                "Avsättningsår",
                "Återförs senast",
                "IB",
                "Bokfört under året",
                "Återföring i bokslutet",
                "Tvingande",
                "Uppräkning, faktor",
                "Uppräknat belopp (4.6d)",
                "Avsättning i bokslutet",
                "UB efter bokslut",
            ],
            right=(3, 4, 5, 6, 7, 9, 10, 11, 12),
        )
        row = head + 1
        first = row
        for fund in r.pfond_register:
            self.text(ws, row, 1, fund.account)
            self.text(ws, row, 2, _fund_title(fund))
            if fund.year is not None:
                self.value(ws, row, 3, fund.year, "0", font=None)
                self.value(ws, row, 4, fund.year + after, "0", font=None)
            tb_row = self.tb_row.get(fund.account)
            if tb_row is not None:
                self.formula(ws, row, 5, f"=-'Råbalans'!E{tb_row}")
                self.formula(ws, row, 6, f"=-'Råbalans'!F{tb_row}")
            else:
                self.value(ws, row, 5, fund.opening)
                self.value(ws, row, 6, fund.booked)
            self.value(ws, row, 7, fund.reversal)
            self.name(f"pf_rev:{fund.account}", ws, row, 7)
            forced = self.text(ws, row, 8, "Ja" if fund.forced else "")
            forced.alignment = Alignment(horizontal="center")
            self.value(ws, row, 9, fund.upprakning_factor, "0.00")
            self.formula(
                ws,
                row,
                10,
                f"=ROUNDDOWN(ROUND((MAX(-F{row},0)+G{row})*(I{row}-1),6),2)",
                key=f"pf_upp:{fund.account}",
                expected=fund.upprakning,
            )
            if fund.account == r.pfond_allocation_account:
                self.formula(ws, row, 11, "={tax_alloc}", key="pf_alloc", expected=fund.allocation)
            else:
                self.value(ws, row, 11, ZERO, font=None)
            self.formula(
                ws,
                row,
                12,
                f"=E{row}+F{row}-G{row}+K{row}",
                key=f"pf_ub:{fund.account}",
                expected=fund.closing,
            )
            self.name(f"pf_ub:{fund.account}", ws, row, 12)
            row += 1
        if not r.pfond_register:
            self.text(ws, row, 2, "Inga periodiseringsfonder.", NOTE_FONT)
            row += 1
        last = row - 1
        self.text(ws, row, 2, "Summa", BOLD)
        totals = {
            5: ("pf_opening", r.funds_at_start),
            7: ("pf_reversal", r.pfond_reversal_total),
            10: ("pf_upprakning", r.upprakning),
        }
        for col in (5, 6, 7, 10, 11, 12):
            letter = get_column_letter(col)
            key, expected = totals.get(col, ("", None))
            self.formula(
                ws, row, col, f"=SUM({letter}{first}:{letter}{last})", key=key, expected=expected
            )
        self.style_row(ws, row, 1, 12, border=TOTAL_BORDER)
        self.name("pf_reversal", ws, row, 7)
        self.name("pf_upprakning", ws, row, 10)
        total_row = row
        row += 2
        self.text(ws, row, 1, "Schablonintäkt (INK2S 4.6a)", BOLD)
        row += 1
        self.text(ws, row, 2, "Fonder vid beskattningsårets ingång")
        self.formula(
            ws, row, 5, f"=E{total_row}", key="pf_funds_at_start", expected=r.funds_at_start
        )
        funds_row = row
        row += 1
        slr = "Statslåneränta 30 nov. året före (lägst 0,50 %)"
        self.text(ws, row, 2, slr)
        self.value(ws, row, 5, r.schablon_rate, PERCENT)
        rate_row = row
        row += 1
        self.text(ws, row, 2, "Månader i räkenskapsåret")
        self.value(ws, row, 5, r.schablon_months, "0")
        months_row = row
        row += 1
        self.text(ws, row, 2, "Schablonintäkt", BOLD)
        self.formula(
            ws,
            row,
            5,
            f"=ROUNDDOWN(ROUND(MAX(E{funds_row},0)*E{rate_row}*E{months_row}/12,6),2)",
            key="schablonintakt",
            expected=r.schablonintakt,
            font=BOLD,
        )
        self.name("pf_schablon", ws, row, 5)
        self.finish(
            ws,
            head,
            "C5",
            {1: 8, 2: 26, 3: 14, 4: 11, **dict.fromkeys(range(5, 13), 14), 8: 11},
        )

    # -- Överavskrivningar --------------------------------------------------------------

    def overavskrivning_sheet(self) -> None:
        ws = self.sheets["Överavskrivningar"]
        r = self.r
        over = r.overavskrivning_detail
        acc = self.acc
        self.title(
            ws,
            "Överavskrivningar på inventarier (räkenskapsenlig avskrivning)",
            f"Inventarier {acc.inventarier}; ackumulerade överavskrivningar "
            f"{', '.join(str(x) for x in acc.overavskrivning_reserves)}; "
            f"förändringen bokas {self.r.overavskrivning_accounts[0]}/"
            f"{self.r.overavskrivning_accounts[1]}.",
        )
        head = 4
        self.header(ws, head, ["", "", "Belopp", "Andel", "Underlag", "Kommentar"], right=(3, 4, 5))
        if not self.closed or over is None:
            why = (
                "Bokslutet är inte gjort: se Översikt."
                if not self.closed
                else "Inga uppgifter om inventarierna lämnades, så överavskrivningar "
                "beräknades inte. Lämna ingående skattemässigt värde, årets "
                "anskaffningar och avyttringar (bokslut close --assets) för att beräkna dem."
            )
            self.text(ws, head + 1, 2, why, NOTE_FONT)
            self.finish(ws, head, "A5", {1: 3, 2: 70, 3: 17, 4: 8, 5: 17, 6: 30})
            return
        rates = r.rates
        assert rates is not None
        row = head + 1

        def line(label: str, value: Value | None = None, note: str = "") -> int:
            nonlocal row
            self.text(ws, row, 2, label)
            if value is not None:
                self.value(ws, row, 3, value)
            if note:
                self.text(ws, row, 6, note, NOTE_FONT)
            row += 1
            return row - 1

        line(f"Bokfört värde vid årets ingång ({acc.inventarier})", over.opening_book_value)
        line("Ackumulerade överavskrivningar vid årets ingång", over.opening_reserve)
        given = self.assets is not None and self.assets.opening_tax_value is not None
        tax_row = line(
            "Skattemässigt värde vid årets ingång",
            over.opening_tax_value,
            "enligt uppgift" if given else "bokfört värde − överavskrivningar",
        )
        acq_row = line("+ Årets anskaffningar", over.acquisitions)
        disp_row = line("− Ersättning för sålda inventarier", over.disposals)
        self.text(ws, row, 2, "Underlag enligt 30-regeln", BOLD)
        self.formula(
            ws,
            row,
            3,
            f"=C{tax_row}+C{acq_row}-C{disp_row}",
            key="oa_main_base",
            expected=over.main_rule_base,
            font=BOLD,
        )
        base_row = row
        row += 1
        self.text(ws, row, 2, "Lägsta värde enligt 30-regeln (huvudregeln)")
        self.value(ws, row, 4, rates.main_rule_residual, "0%")
        self.formula(ws, row, 5, f"=C{base_row}")
        self.formula(
            ws,
            row,
            3,
            f"=MAX(ROUNDDOWN(ROUND(E{row}*D{row},6),2),0)",
            key="oa_main_value",
            expected=over.main_rule_value,
        )
        main_row = row
        row += 2
        self.text(ws, row, 2, "20-regeln (kompletteringsregeln)", BOLD)
        row += 1
        comp_ref = ""
        acquisitions = self.assets.acquisitions if self.assets is not None else None
        year = r.tax_year or 0
        history = [year - i for i in range(len(rates.complementary_rule))]
        if over.complementary_rule_value is not None and acquisitions is not None:
            first = row
            for y, share in zip(history, rates.complementary_rule, strict=True):
                self.text(ws, row, 2, f"Anskaffade {y} och kvar vid årets slut")
                self.value(ws, row, 5, Decimal(acquisitions.get(y, ZERO)))
                self.value(ws, row, 4, share, "0%")
                self.formula(ws, row, 3, f"=E{row}*D{row}")
                row += 1
            self.text(ws, row, 2, "Lägsta värde enligt 20-regeln")
            self.formula(
                ws,
                row,
                3,
                f"=ROUNDDOWN(ROUND(SUM(C{first}:C{row - 1}),6),2)",
                key="oa_comp_value",
                expected=over.complementary_rule_value,
            )
            comp_ref = f"C{row}"
            row += 1
        elif over.complementary_rule_value is not None:
            self.text(ws, row, 2, "Lägsta värde enligt 20-regeln")
            self.value(ws, row, 3, over.complementary_rule_value)
            comp_ref = f"C{row}"
            row += 1
        else:
            self.text(
                ws,
                row,
                2,
                f"Ej beräknad: kräver anskaffningar per år {history[-1]}–{history[0]}.",
                NOTE_FONT,
            )
            row += 1
        row += 1
        self.text(ws, row, 2, "Lägsta tillåtna skattemässiga värde", BOLD)
        lowest = f"MIN(C{main_row},{comp_ref})" if comp_ref else f"C{main_row}"
        self.formula(
            ws, row, 3, f"={lowest}", key="oa_lowest", expected=over.lowest_tax_value, font=BOLD
        )
        rule = f'=IF({comp_ref}<C{main_row},"20-regeln","30-regeln")' if comp_ref else "30-regeln"
        if comp_ref:
            self.formula(ws, row, 6, rule, "General")
        else:
            self.text(ws, row, 6, rule)
        lowest_row = row
        row += 1
        book_row = line(f"Bokfört värde vid årets slut ({acc.inventarier})", over.book_value)
        self.text(ws, row, 2, "Ackumulerade överavskrivningar efter bokslut")
        self.formula(
            ws,
            row,
            3,
            f"=MAX(C{book_row}-C{lowest_row},0)",
            key="oa_reserve_after",
            expected=over.reserve_after,
        )
        after_row = row
        row += 1
        before_row = line("Ackumulerade överavskrivningar före bokslut", over.reserve_before)
        self.text(ws, row, 2, "Förändring att boka (ökning = kostnad)", BOLD)
        self.formula(
            ws,
            row,
            3,
            f"=C{after_row}-C{before_row}",
            key="oa_change",
            expected=over.change,
            font=BOLD,
        )
        self.style_row(ws, row, 2, 3, border=TOTAL_BORDER, fill=RESULT_FILL)
        self.name("oa_change", ws, row, 3)
        row += 2
        self.text(ws, row, 2, "Skattemässigt värde vid årets slut")
        self.formula(
            ws, row, 3, f"=C{book_row}-C{after_row}", key="oa_tax_value", expected=over.tax_value
        )
        row += 1
        self.text(ws, row, 2, "Största skattemässiga avskrivning")
        self.formula(
            ws,
            row,
            3,
            f"=C{base_row}-C{lowest_row}",
            key="oa_max_depreciation",
            expected=over.max_tax_depreciation,
        )
        self.finish(ws, head, "A5", {1: 3, 2: 52, 3: 17, 4: 8, 5: 17, 6: 34})

    # -- Skatteberäkning ---------------------------------------------------------------

    def tax_sheet(self) -> None:
        ws = self.sheets["Skatteberäkning"]
        r = self.r
        self.title(
            ws,
            "Skatteberäkning (INK2S)",
            "Blå celler är indata och val; ändra dem så räknas skatten och "
            "bokslutsverifikationerna om.",
        )
        if not self.closed or r.rates is None:
            self.text(ws, 5, 2, "Bokslutet är inte gjort: se Översikt.", NOTE_FONT)
            self.finish(ws, 4, "A5", {1: 8, 2: 70, 3: 17, 4: 40})
            return
        rates = r.rates
        settings = r.settings
        head = 4
        self.header(ws, head, ["INK2S", "", "Belopp", "Källa / kommentar"], right=(3,))
        row = head + 1
        self.text(ws, row, 2, "Inställningar", BOLD, GROUP_FILL)
        self.style_row(ws, row, 1, 4, font=None, border=None, fill=GROUP_FILL)
        row += 1

        def setting(label: str, value: Value, fmt: str, note: str = "") -> str:
            nonlocal row
            self.text(ws, row, 2, label)
            self.value(ws, row, 3, value, fmt).alignment = RIGHT
            if note:
                self.text(ws, row, 4, note, NOTE_FONT).alignment = INDENT
            row += 1
            return f"$C${row - 1}"

        rate = setting(
            f"Skattesats, beskattningsår {rates.year}",
            rates.income_tax_rate,
            "0.0%",
            "65 kap. 10 § IL",
        )
        step = setting(
            "Beskattningsbar inkomst avrundas nedåt till hela",
            rates.taxable_rounding,
            "0",
            "kronor (1 kap. 7 § IL)",
        )
        share = setting(
            "Högsta avsättning till periodiseringsfond, andel av underlaget",
            rates.pfond_max_share,
            "0%",
        )
        pfond = settings.pfond
        choice_value: Value = {"max": "max", "none": "ingen"}.get(str(pfond), pfond)  # type: ignore[arg-type]
        choice = setting(
            "Avsättning: max, ingen eller belopp", choice_value, AMOUNT, "högst maxbeloppet"
        )
        self.name("tax_choice", ws, row - 1, 3)
        flag = setting(
            "Underskott från föregående år dras före avsättningen (1 = ja, 0 = nej)",
            1 if settings.deficit_before_pfond else 0,
            "0",
        )
        decimals = setting(
            "Skatten avrundas nedåt till (0 = hela kronor, 2 = öre)",
            0 if settings.tax_rounding == "krona" else 2,
            "0",
        )
        row += 1
        self.text(ws, row, 2, "Beräkning", BOLD, GROUP_FILL)
        self.style_row(ws, row, 1, 4, font=None, border=None, fill=GROUP_FILL)
        row += 1

        def step_row(
            field: str,
            label: str,
            template: str | None,
            *,
            key: str = "",
            expected: Decimal | None = None,
            value: Value = None,
            note: str = "",
            bold: bool = False,
            fmt: str = AMOUNT,
        ) -> str:
            nonlocal row
            font = BOLD if bold else None
            if field:
                self.text(ws, row, 1, field)
            self.text(ws, row, 2, label, font)
            if template is not None:
                self.formula(ws, row, 3, template, fmt, key=key, expected=expected, font=font)
            else:
                self.value(ws, row, 3, value, fmt)
            if note:
                self.text(ws, row, 4, note, NOTE_FONT).alignment = INDENT
            if bold:
                self.style_row(ws, row, 1, 3, border=SUM_BORDER)
            row += 1
            return f"C{row - 1}"

        acc = self.acc
        rba = step_row(
            "",
            f"Resultat före bokslutsdispositioner och skatt ({acc.operating})",
            "={rr_rba}",
            key="tax:rba",
            expected=r.result_before_appropriations,
            note="Resultaträkning",
        )
        booked = step_row(
            "",
            "Bokslutsdispositioner bokförda under året (utom avsättning)",
            None,
            value=r.booked_appropriations,
            note=f"{acc.appropriations}, vinst positiv",
        )
        reversal = step_row(
            "",
            "+ Återföring av periodiseringsfonder",
            "={pf_reversal}",
            key="tax:reversal",
            expected=r.pfond_reversal_total,
            note="Periodiseringsfonder",
        )
        over_template = "=-{oa_change}" if r.overavskrivning_detail is not None else None
        over = step_row(
            "",
            "− Förändring av överavskrivningar",
            over_template,
            key="tax:overavskrivning" if over_template else "",
            expected=-r.overavskrivning if over_template else None,
            value=-r.overavskrivning,
            note="Överavskrivningar",
        )
        booked_result = step_row(
            "",
            "Bokfört resultat före avsättning och skatt",
            f"={rba}+{booked}+{reversal}+{over}",
            key="booked_result_before_allocation",
            expected=r.booked_result_before_allocation,
            bold=True,
        )
        adjustment_cells: list[str] = []
        fields = list(dict.fromkeys(a.field for a in r.adjustments))
        for field in fields:
            chosen = [a for a in r.adjustments if a.field == field]
            title = INK2S_FIELDS.get(field, field)
            self.text(ws, row, 1, field)
            self.text(ws, row, 2, title)
            row += 1
            first = row
            for a in chosen:
                label = f"   {a.account} {a.name}".rstrip()
                tb_row = self.tb_row.get(a.account)
                if tb_row is not None:
                    self.text(ws, row, 2, label)
                    self.formula(ws, row, 3, f"='Råbalans'!G{tb_row}")
                    self.text(ws, row, 4, "Råbalans, UB (debet +)", NOTE_FONT).alignment = INDENT
                    row += 1
                else:
                    step_row("", label, None, value=a.amount)
            expected = {"4.3c": r.non_deductible, "4.5c": -r.non_taxable}.get(field)
            cell = step_row(
                field,
                f"Summa {title.lower()}",
                f"=SUM(C{first}:C{row - 1})",
                key=f"adj:{field}" if expected is not None else "",
                expected=expected,
            )
            adjustment_cells.append(cell)
        schablon = step_row(
            "4.6a",
            "+ Schablonintäkt på periodiseringsfonder",
            "={pf_schablon}",
            key="tax:schablonintakt",
            expected=r.schablonintakt,
            note=f"{_money(r.funds_at_start)} × {_percent(r.schablon_rate)}",
        )
        upp = step_row(
            "4.6d",
            "+ Uppräknat belopp vid återföring av periodiseringsfond",
            "={pf_upprakning}",
            key="tax:upprakning",
            expected=r.upprakning,
            note="Periodiseringsfonder",
        )
        parts = [booked_result, *adjustment_cells, schablon, upp]
        surplus = step_row(
            "",
            "Överskott före avsättning till periodiseringsfond",
            "=" + "+".join(parts),
            key="surplus",
            expected=r.surplus,
            bold=True,
        )
        deficit = step_row(
            "4.14a",
            "− Outnyttjat underskott från föregående år",
            None,
            value=r.previous_deficit,
        )
        base = step_row(
            "",
            "Underlag för avsättning till periodiseringsfond",
            f"={surplus}-{deficit}*{flag}",
            key="pfond_base",
            expected=r.pfond_base,
        )
        pfond_max = step_row(
            "",
            "Högsta avsättning (andel av underlaget, hela kronor)",
            f"=IF({base}>0,ROUNDDOWN(ROUND({base}*{share},6),0),0)",
            key="pfond_max",
            expected=r.pfond_max,
        )
        booked_alloc = step_row(
            "", "Avsättning bokförd under året", None, value=r.booked_allocation
        )
        room = f"MAX(MIN({pfond_max},{surplus}-{deficit})-{booked_alloc},0)"
        account = r.pfond_allocation_account
        alloc = step_row(
            "",
            f"Avsättning till periodiseringsfond i bokslutet (konto {account})",
            f'=IF({choice}="max",{room},IF({choice}="ingen",0,MAX(0,MIN({choice},{room}))))',
            key="pfond_allocation",
            expected=r.pfond_allocation,
            bold=True,
        )
        self.name("tax_alloc", ws, int(alloc[1:]), 3)
        exact = step_row(
            "",
            "Skattemässigt resultat",
            f"={surplus}-{deficit}-{booked_alloc}-{alloc}",
            key="taxable_income_exact",
            expected=r.taxable_income_exact,
        )
        taxable = step_row(
            "4.15",
            "Beskattningsbar inkomst (avrundad nedåt)",
            f"=IF({exact}>0,ROUNDDOWN(ROUND({exact}/{step},6),0)*{step},0)",
            key="taxable_income",
            expected=r.taxable_income,
            bold=True,
        )
        step_row(
            "4.16",
            "Underskott att föra vidare till nästa år",
            f"=IF({exact}<0,ROUNDDOWN(-{exact},0),0)",
            key="deficit_carried_forward",
            expected=r.deficit_carried_forward,
        )
        tax = step_row(
            "",
            "Skatt på årets resultat",
            f"=ROUNDDOWN(ROUND({taxable}*{rate},6),{decimals})",
            key="tax",
            expected=r.tax,
            bold=True,
        )
        booked_tax = step_row(
            "", f"Skatt bokförd under året ({acc.tax_cost})", None, value=r.booked_tax
        )
        to_book = step_row(
            "",
            f"Skatt att boka i bokslutet ({acc.tax_cost}/{acc.tax_liability})",
            f"={tax}-{booked_tax}",
            key="tax_to_book",
            expected=r.tax - r.booked_tax,
        )
        self.name("tax_to_book", ws, int(to_book[1:]), 3)
        taxes_row = self.tb_row_sum(acc.taxes)
        other_taxes = step_row(
            "",
            f"Skatter bokförda under året ({acc.taxes})",
            taxes_row,
            value=ZERO,
            note="Råbalans, UB (debet +)",
        )
        arets = step_row(
            "",
            "Årets resultat",
            f"={booked_result}-{booked_alloc}-{alloc}-{other_taxes}-{to_book}",
            key="arets_resultat",
            expected=r.arets_resultat,
            bold=True,
        )
        row_no = int(arets[1:])
        self.style_row(ws, row_no, 1, 3, border=TOTAL_BORDER, fill=RESULT_FILL)
        self.name("tax_arets", ws, row_no, 3)
        self.name("tax_taxable", ws, int(taxable[1:]), 3)
        self.name("tax_tax", ws, int(tax[1:]), 3)
        self.finish(ws, head, "A5", {1: 8, 2: 66, 3: 17, 4: 36})

    def tb_row_sum(self, rng: AccountRange) -> str | None:
        """A formula summing the Råbalans UB of the accounts in ``rng`` (``None`` if none)."""
        rows = [row for account, row in self.tb_row.items() if account in rng]
        if not rows:
            return None
        return "=" + "+".join(f"'Råbalans'!G{row}" for row in sorted(rows))

    # -- Kund- och leverantörsreskontra ---------------------------------------------------

    def ledger_sheet(self, ws: Worksheet, kind: Literal["customers", "suppliers"]) -> None:
        att = next((a for a in self.r.attachments if a.kind == kind), None)
        customers = kind == "customers"
        title = "Kundreskontra" if customers else "Leverantörsreskontra"
        who = "kund" if customers else "leverantör"
        dim = self.acc.customer_dimension if customers else self.acc.supplier_dimension
        accounts = self.acc.customers if customers else self.acc.suppliers
        end = self.r.year.end if self.r.year else None
        self.title(
            ws,
            f"{title} {accounts}",
            f"Öppna poster per {end.isoformat() if end else 'balansdagen'}, med bokföringens "
            "tecken (kundfordran debet +, leverantörsskuld kredit −).",
        )
        head = 5
        if att is None:
            self.text(ws, 4, 1, "Ingen specifikation togs fram.", NOTE_FONT)
            self.finish(ws, head, "A6", {1: 60})
            return
        source = {
            "sie": f"Källa: {who}objekt (dimension {dim}) på SIE-filens transaktioner och #OIB.",
            "supplied": f"Källa: {who}reskontrans öppna poster (extern källa).",
            "none": f"SIE-filen saknar {who}objekt (dimension {dim}) på {accounts}; de "
            "öppna posterna kan inte tas fram ur filen. Bokfört saldo visas; lämna "
            f"{who}reskontrans öppna poster för att stämma av.",
        }[att.source]
        self.text(ws, 4, 1, source, NOTE_FONT)
        number = "Kundnr" if customers else "Leverantörsnr"
        self.header(
            ws,
            head,
            [number, "Namn", "Faktura", "Datum", "Konto", "Öppet belopp", "Ålder (dagar)"],
            right=(4, 6, 7),
        )
        unknown = f"({who} okänd)"
        row = head + 1
        first_data = row
        subtotal_rows: list[int] = []
        for party in att.counterparties:
            first = row
            for item in party.items:
                self.text(ws, row, 1, item.counterparty_id)
                name = item.counterparty_name or party.counterparty_name
                self.text(ws, row, 2, name or ("" if item.counterparty_id else unknown))
                self.text(ws, row, 3, item.invoice)
                if item.date is not None:
                    self.value(ws, row, 4, item.date, font=None)
                    if end is not None:
                        self.formula(
                            ws,
                            row,
                            7,
                            f'=IF(D{row}="","",DATE({end.year},{end.month},{end.day})-D{row})',
                            "0",
                        )
                self.text(ws, row, 5, item.account).alignment = Alignment(horizontal="center")
                self.value(ws, row, 6, item.amount)
                row += 1
            self.text(ws, row, 1, party.counterparty_id, BOLD)
            shown = party.counterparty_name or party.counterparty_id or unknown
            self.text(ws, row, 2, f"Summa {shown}", BOLD)
            self.formula(
                ws,
                row,
                6,
                f"=SUBTOTAL(9,F{first}:F{row - 1})",
                key=f"{kind}:party:{party.counterparty_id}",
                expected=party.total,
                font=BOLD,
            )
            self.style_row(ws, row, 1, 7)
            subtotal_rows.append(row)
            row += 1
        if not att.counterparties:
            self.text(ws, row, 2, "Inga öppna poster.", NOTE_FONT)
            row += 1
        last_data = max(first_data, row - 1)
        self.refs[f"{kind}_accounts"] = _range(ws.title, 5, first_data, last_data)
        self.refs[f"{kind}_amounts"] = _range(ws.title, 6, first_data, last_data)
        self.text(ws, row, 2, f"Summa {title.lower()}", BOLD)
        self.formula(
            ws,
            row,
            6,
            f"=SUBTOTAL(9,F{first_data}:F{last_data})",
            key=f"{kind}:specified",
            expected=att.specified,
            font=BOLD,
        )
        self.style_row(ws, row, 1, 7, border=TOTAL_BORDER)
        spec_row = row
        row += 2
        self.text(ws, row, 1, "Avstämning mot bokföringen", BOLD)
        row += 1
        book_formula = self.tb_row_sum(att.accounts)
        self.text(ws, row, 2, f"Saldo enligt bokföringen (UB {att.accounts})")
        if book_formula is not None:
            self.formula(ws, row, 6, book_formula, key=f"{kind}:book", expected=att.book_balance)
        else:
            self.value(ws, row, 6, att.book_balance)
        book_row = row
        row += 1
        self.text(ws, row, 2, f"Summa {title.lower()}")
        self.formula(ws, row, 6, f"=F{spec_row}")
        row += 1
        self.text(ws, row, 2, "Differens", BOLD)
        self.formula(
            ws,
            row,
            6,
            f"=F{book_row}-F{spec_row}",
            key=f"{kind}:difference",
            expected=att.difference,
            font=BOLD,
        )
        self.formula(
            ws,
            row,
            7,
            f'=IF(ABS(F{row})<{TOLERANCE},"OK","Differens")',
            "General",
            font=BOLD,
        )
        self.name(f"{kind}_difference", ws, row, 6)
        self.style_row(ws, row, 2, 6, border=TOTAL_BORDER)
        self.flag_differences(ws, f"F{row}:F{row}")
        self.flag_status(ws, f"G{row}:G{row}")
        row += 1
        if att.unassigned:
            self.text(ws, row, 2, f"varav transaktioner utan {who}objekt")
            self.value(ws, row, 6, att.unassigned)
            row += 1
        if att.unspecified_opening:
            self.text(ws, row, 2, f"varav ingående saldo utan #OIB per {who}")
            self.value(ws, row, 6, att.unspecified_opening)
            row += 1
        names = [p.counterparty_name for p in att.counterparties]
        width = min(max((len(n) for n in names), default=20) + 10, 45)
        self.finish(ws, head, "A6", {1: 14, 2: max(width, 44), 3: 12, 4: 12, 5: 8, 6: 17, 7: 10})

    # -- Avstämning ----------------------------------------------------------------------

    def reconciliation_sheet(self) -> None:
        ws = self.sheets["Avstämning"]
        self.title(
            ws,
            "Avstämning av balanskonton",
            "UB efter bokslut med bokföringens tecken. Fyll i avstämt belopp (blått) för "
            "de konton som saknar specifikation.",
        )
        head = 4
        self.header(
            ws,
            head,
            [
                "Konto",
                "Kontonamn",
                "UB efter bokslut",
                "Specifikation",
                "Differens",
                "Underlag",
                "Status",
                "Kommentar",
            ],
            right=(3, 4, 5),
        )
        lines = [x for x in self.r.trial_balance.lines if not x.is_result]
        lines += self._extra_lines(False)
        lines.sort(key=lambda x: x.account)
        attachments: dict[str, Attachment] = {a.kind: a for a in self.r.attachments}
        funds = {f.account for f in self.r.pfond_register} if self.closed else set()
        row = head + 1
        first = row
        for x in lines:
            self.text(ws, row, 1, x.account)
            self.text(ws, row, 2, x.name or self.account_name(x.account))
            tb_row = self.tb_row.get(x.account)
            before = f"'Råbalans'!G{tb_row}+" if tb_row is not None else ""
            self.formula(
                ws, row, 3, f"={before}{self._closing_sum(f'$A{row}')}", key=f"after:{x.account}"
            )
            spec, basis = self._specification(x.account, row, attachments, funds)
            if spec is not None:
                self.formula(ws, row, 4, spec)
            else:
                ws.cell(row=row, column=4).font = INPUT_FONT
                ws.cell(row=row, column=4).number_format = AMOUNT
            if basis:
                self.text(ws, row, 6, basis).alignment = INDENT
            self.formula(ws, row, 5, f'=IF(D{row}="","",C{row}-D{row})')
            self.formula(
                ws,
                row,
                7,
                f'=IF(D{row}="","Att stämma av",IF(ABS(E{row})<{TOLERANCE},"OK","Differens"))',
                "General",
            )
            row += 1
        if not lines:
            self.text(ws, row, 2, "Inga balanskonton.", NOTE_FONT)
            row += 1
        last = max(first, row - 1)
        self.refs["recon_status"] = _range(ws.title, 7, first, last)
        self.flag_differences(ws, f"E{first}:E{last}")
        self.flag_status(ws, f"G{first}:G{last}")
        self.finish(
            ws,
            head,
            "C5",
            {1: 10, 2: max(self.name_width(lines), 36), 3: 17, 4: 17, 5: 15, 6: 22, 7: 14, 8: 30},
        )

    def _specification(
        self, account: str, row: int, attachments: Mapping[str, Attachment], funds: set[str]
    ) -> tuple[str | None, str]:
        """The specification formula for a balance account, where the workbook has one."""
        for kind, label in (("customers", "Kundreskontra"), ("suppliers", "Leverantörsreskontra")):
            att = attachments.get(kind)
            if att is not None and account in att.accounts and att.source != "none":
                sumif = f"SUMIF({{{kind}_accounts}},$A{row},{{{kind}_amounts}})"
                return f"={sumif}", label
        if account in funds:
            return f"=-{{pf_ub:{account}}}", "Periodiseringsfonder"
        if any(account in r for r in self.acc.overavskrivning_reserves) or (
            account == self.r.overavskrivning_accounts[1]
        ):
            return None, "Överavskrivningar"
        return None, ""

    # -- Översikt ------------------------------------------------------------------------

    def overview_sheet(self) -> None:
        ws = self.sheets["Översikt"]
        r = self.r
        self.text(ws, 1, 1, f"Bokslut {_period(r)}", TITLE_FONT)
        self.text(ws, 2, 1, "Blå celler är indata och val, svarta är formler.", NOTE_FONT)
        row = 4
        facts: list[tuple[str, Value]] = [
            ("Företag", r.company),
            ("Organisationsnummer", r.orgnr),
            ("Räkenskapsår", _period(r)),
            ("Skattetabell (beskattningsår)", str(r.rates.year) if r.rates else "saknas"),
            ("Bokslutet", "Beräknat" if r.closed else "Inte gjort: se iakttagelserna nedan"),
            ("Verifikationsserie", r.settings.series),
            ("Upprättat av", ""),
            ("Datum", ""),
            ("Granskat av", ""),
        ]
        for name, value in facts:
            self.text(ws, row, 1, name, BOLD)
            if isinstance(value, str) and value:
                self.text(ws, row, 2, value)
            row += 1
        row += 1
        self.text(ws, row, 1, "Resultat och skatt", BOLD, GROUP_FILL)
        self.style_row(ws, row, 2, 4, font=None, border=None, fill=GROUP_FILL)
        row += 1
        figures: list[tuple[str, str, str, Decimal]] = [
            (
                "Resultat före bokslutsdispositioner och skatt",
                "={rr_rba}",
                "overview:rba",
                r.result_before_appropriations,
            ),
        ]
        if r.closed:
            figures += [
                (
                    "Återföring av periodiseringsfonder",
                    "={pf_reversal}",
                    "overview:reversal",
                    r.pfond_reversal_total,
                ),
                (
                    "Avsättning till periodiseringsfond",
                    "={tax_alloc}",
                    "overview:allocation",
                    r.pfond_allocation,
                ),
                (
                    "Schablonintäkt på periodiseringsfonder",
                    "={pf_schablon}",
                    "overview:schablonintakt",
                    r.schablonintakt,
                ),
                ("Beskattningsbar inkomst", "={tax_taxable}", "overview:taxable", r.taxable_income),
                ("Skatt på årets resultat", "={tax_tax}", "overview:tax", r.tax),
                ("Årets resultat", "={tax_arets}", "overview:arets", r.arets_resultat),
            ]
            if r.overavskrivning_detail is not None:
                figures.insert(
                    2,
                    (
                        "Förändring av överavskrivningar",
                        "={oa_change}",
                        "overview:overavskrivning",
                        r.overavskrivning,
                    ),
                )
        for name, template, key, expected in figures:
            self.text(ws, row, 1, name)
            self.formula(ws, row, 2, template, key=key, expected=expected)
            row += 1
        row += 1
        self.text(ws, row, 1, "Kontroller", BOLD, GROUP_FILL)
        self.text(ws, row, 2, "Värde", BOLD, GROUP_FILL)
        self.text(ws, row, 3, "Status", BOLD, GROUP_FILL)
        self.style_row(ws, row, 4, 4, font=None, border=None, fill=GROUP_FILL)
        ws.cell(row=row, column=2).alignment = RIGHT
        row += 1
        first_check = row
        checks: list[tuple[str, str, str]] = [
            ("Råbalansen summerar till noll", "={rb_total}", "zero"),
            ("Balansräkningen efter bokslut balanserar", "={br_diff_after}", "zero"),
            ("Resultatkonton efter bokslut summerar till noll", "={rr_open_after}", "zero"),
            ("Bokslutsverifikationerna balanserar (debet − kredit)", "={ver_total}", "zero"),
        ]
        for kind, name in (("customers", "Kundreskontra"), ("suppliers", "Leverantörsreskontra")):
            if f"{kind}_difference" in self.refs:
                checks.append(
                    (f"{name}: differens mot bokföringen", f"={{{kind}_difference}}", "zero")
                )
        checks += [
            ("Avstämning: konton med differens", '=COUNTIF({recon_status},"Differens")', "zero"),
            (
                "Avstämning: konton att stämma av",
                '=COUNTIF({recon_status},"Att stämma av")',
                "open",
            ),
        ]
        for name, template, kind in checks:
            self.text(ws, row, 1, name)
            count = template.startswith("=COUNTIF")
            self.formula(ws, row, 2, template, "0" if count else AMOUNT)
            if kind == "zero":
                status = f'=IF(ABS(B{row})<{TOLERANCE},"OK","Avvikelse")'
            else:
                status = f'=IF(B{row}=0,"OK","Öppen")'
            self.formula(ws, row, 3, status, "General")
            row += 1
        self.flag_status(ws, f"C{first_check}:C{row - 1}")
        row += 1
        self.text(ws, row, 1, "Blad", BOLD, GROUP_FILL)
        self.style_row(ws, row, 2, 4, font=None, border=None, fill=GROUP_FILL)
        row += 1
        for name, about in SHEETS[1:]:
            cell = self.text(ws, row, 1, name)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=name)
            cell.font = LINK_FONT
            self.text(ws, row, 2, about)
            row += 1
        row += 1
        self.text(ws, row, 1, "Iakttagelser", BOLD, GROUP_FILL)
        self.style_row(ws, row, 2, 4, font=None, border=None, fill=GROUP_FILL)
        row += 1
        severity = {"error": "Fel", "warning": "Varning", "info": "Info"}
        if not r.findings:
            self.text(ws, row, 1, "Inga iakttagelser.", NOTE_FONT)
        for f in r.findings:
            self.text(ws, row, 1, f"{severity.get(f.severity, f.severity)}: {f.code}")
            cell = self.text(ws, row, 2, f.message)
            cell.alignment = WRAP
            ws.cell(row=row, column=1).alignment = WRAP
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
            lines = max(1, len(f.message) // 100 + 1)
            ws.row_dimensions[row].height = 15 * lines
            row += 1
        self.finish(ws, 0, None, {1: 50, 2: 18, 3: 12, 4: 64})

    # -- finishing -------------------------------------------------------------------------

    def name_width(self, lines: Iterable[TrialBalanceLine]) -> int:
        longest = max((len(x.name or self.account_name(x.account)) for x in lines), default=20)
        return min(max(longest + 2, 24), 48)

    def finish(self, ws: Worksheet, head: int, freeze: str | None, widths: dict[int, int]) -> None:
        """Widths, frozen header, and a printout that fits the page width."""
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = freeze
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.8
        ws.page_margins.header = ws.page_margins.footer = 0.3
        if head:
            ws.print_title_rows = f"{head}:{head}"
        company = (self.r.company or "").replace("&", "&&")[:80]
        ws.oddHeader.left.text = company
        ws.oddHeader.right.text = f"{ws.title} · {_period(self.r)}"
        ws.oddFooter.right.text = "Sida &P av &N"


def _claims(account: str) -> bool:
    """Accounts that belong on the equity-and-liabilities side (class 2)."""
    return account_class(account) == 2


__all__ = [
    "BALANCE_SECTIONS",
    "OPERATING_SECTIONS",
    "SHEETS",
    "BuiltWorkbook",
    "Check",
    "Section",
    "build",
    "build_workbook",
    "safe_text",
    "write_workbook",
]

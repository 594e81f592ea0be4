"""From a SIE file on disk to a råbalans, or to a closed year with its files written:
what ``bokslut balance`` and ``bokslut close`` do, one call each, for any program.

Neither call raises for a bad input file. The result says how far it got
(:attr:`CloseReport.status`) and why it stopped (``reason``), with the findings.
Only a mistake in the caller's own inputs raises: an unreadable assets file
(:class:`closing.assets.AssetsError`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal

import attrs

from closing.appropriations import AssetInputs
from closing.assets import read_assets
from closing.engine import ClosingResult, close
from closing.outputs import OutputsError, WrittenFile, write_outputs
from closing.settings import ClosingAccounts, ClosingSettings
from closing.taxreturn import TaxReturn, tax_return
from closing.trial_balance import TrialBalance, trial_balance
from sie.findings import Finding, finding
from sie.validation import ImportSettings, ValidationResult, load

#: How far a closing got: "closed" (outputs written), "unreadable" (not a SIE file one
#: can read), "invalid" (the file has validation errors), "refused" (the closing
#: refused, e.g. no tax table), "unwritable" (closed, but the outputs could not be written).
Status = Literal["closed", "unreadable", "invalid", "refused", "unwritable"]


def open_sie(
    path: str | os.PathLike[str], import_settings: ImportSettings | None = None
) -> ValidationResult:
    """Read and validate the file at ``path``. A folder is refused with its own reason;
    everything else (no such file, no permission, not SIE, too large) is said by
    :func:`load`."""
    file = os.fspath(path)
    message = ""
    if not file.strip():  # Path("") is the current folder: say what is really wrong
        message = "no file name was given (an empty name); give the SIE file"
    elif Path(file).is_dir():
        message = "is a folder, not a file; give the SIE file in it"
    if message:
        return ValidationResult(None, (finding("file-unreadable", message, 0, file),), file=file)
    return load(file, import_settings)


def refusal_reason(validation: ValidationResult) -> str:
    """Why a file could not be read, from its refusing findings."""
    messages = [f.message for f in validation.findings if f.severity == "error"]
    return "; ".join(messages) or "the file cannot be read as SIE"


def validation_problems(validation: ValidationResult) -> list[Finding]:
    """The errors and warnings of reading and validating (info findings left out)."""
    return [f for f in validation.findings if f.severity != "info"]


@attrs.frozen(slots=True)
class BalanceReport:
    """The råbalans of a file, or (``trial_balance is None``) why the file was refused."""

    file: str
    validation: ValidationResult
    trial_balance: TrialBalance | None

    @property
    def reason(self) -> str:
        return "" if self.trial_balance is not None else refusal_reason(self.validation)


def balance_file(
    path: str | os.PathLike[str],
    accounts: ClosingAccounts | None = None,
    *,
    import_settings: ImportSettings | None = None,
) -> BalanceReport:
    """Read and validate ``path`` and compute its råbalans (validation errors do not stop it)."""
    validation = open_sie(path, import_settings)
    model = validation.model
    tb = None if model is None else trial_balance(model, accounts)
    return BalanceReport(validation.file or os.fspath(path), validation, tb)


@attrs.frozen(slots=True)
class CloseReport:
    """What :func:`close_file` did: the validated file, the closing and the files written."""

    file: str
    status: Status
    validation: ValidationResult
    result: ClosingResult | None = None
    #: INK2, INK2R and INK2S of the closing (``None`` when there is no closing).
    taxreturn: TaxReturn | None = None
    written: tuple[WrittenFile, ...] = ()
    #: Why the closing stopped short of ``"closed"``; empty when it did not.
    reason: str = ""

    @property
    def closed(self) -> bool:
        return self.status == "closed"


def closing_refusal(result: ClosingResult) -> str:
    """Why the engine refused: the messages of its errors, each reason once (the
    closing-refused summary only when nothing more specific says why)."""
    errors = [f for f in result.findings if f.severity == "error"]
    specific = [f.message for f in errors if f.code != "closing-refused"]
    return " ".join(specific or [f.message for f in errors]) or "see the findings"


def close_file(
    path: str | os.PathLike[str],
    settings: ClosingSettings | None = None,
    *,
    assets: AssetInputs | str | os.PathLike[str] | None = None,
    folder: str | os.PathLike[str] | None = None,
    generated: dt.date | None = None,
    import_settings: ImportSettings | None = None,
) -> CloseReport:
    """Read, validate and close ``path``; when ``folder`` is given, write the outputs
    there (:func:`closing.outputs.write_outputs`). ``assets`` is the inventarier input
    or the path of an assets JSON file (read first, so a mistake in it costs nothing);
    ``import_settings`` what the import accepts (size limit, organisation number …)."""
    if assets is not None and not isinstance(assets, AssetInputs):
        assets = read_assets(assets)
    validation = open_sie(path, import_settings)
    file = validation.file or os.fspath(path)
    model = validation.model
    if model is None:
        return CloseReport(file, "unreadable", validation, reason=refusal_reason(validation))
    if not validation.ok:
        reason = "the file has validation errors; correct them in the source program first"
        return CloseReport(file, "invalid", validation, reason=reason)
    result = close(model, settings, assets)
    if not result.closed:
        return CloseReport(file, "refused", validation, result, reason=closing_refusal(result))
    tr = tax_return(model, result)
    if folder is None:
        return CloseReport(file, "closed", validation, result, tr)
    try:
        written = write_outputs(
            result, model, folder, assets=assets, generated=generated, taxreturn=tr
        )
    except OutputsError as exc:
        return CloseReport(file, "unwritable", validation, result, tr, reason=str(exc))
    return CloseReport(file, "closed", validation, result, tr, tuple(written))


__all__ = [
    "BalanceReport",
    "CloseReport",
    "Status",
    "balance_file",
    "close_file",
    "closing_refusal",
    "open_sie",
    "refusal_reason",
    "validation_problems",
]

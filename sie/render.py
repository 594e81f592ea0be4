"""A validation result as ``sie-validate --json`` prints it: the one JSON shape.

Presentation lives here, not in the pipeline (:mod:`sie.validation`): the command
line (:mod:`sie.cli`) turns this into text with control characters escaped.
"""

from __future__ import annotations

import attrs

from sie.dates import span_json
from sie.validation import ValidationResult


def to_json(result: ValidationResult) -> dict[str, object]:
    """One JSON object per file: ``file``, ``ok``, ``refused``, the summary's fields
    (``null`` when the file was refused) and ``findings``."""
    summary = result.summary()
    data: dict[str, object] = {"file": result.file, "ok": result.ok, "refused": result.refused}
    if summary is None:
        data.update(
            sie_type=None,
            encoding=result.encoding or None,
            orgnr=None,
            company=None,
            program=None,
            years=[],
            counts=None,
        )
    else:
        data.update(
            sie_type=summary.sie_type,
            encoding=summary.encoding,
            orgnr=summary.orgnr,
            company=summary.company,
            program=summary.program,
            years=[{"index": y.index, **span_json(y)} for y in summary.years],
            counts=attrs.asdict(summary.counts),
        )
    data["findings"] = [f.to_json() for f in result.findings]
    return data


__all__ = ["to_json"]

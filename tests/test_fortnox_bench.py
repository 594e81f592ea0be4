"""The Fortnox benchmark's verdicts: one per target, the requests target judged for the
number of vouchers actually pushed (it is stated for 100)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_fortnox", ROOT / "benchmarks" / "bench_fortnox.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(requests: int, seconds: float, limited: int = 0) -> dict[str, Any]:
    return {"requests": requests, "seconds": seconds, "posted": 0, "ok": True, "problems": [],
            "rate_limited": limited}  # fmt: skip


def test_every_push_target_gets_a_verdict() -> None:
    lines = _bench().push_lines(_run(106, 20.18), 100)
    assert [line.rsplit(": ", 1)[1] for line in lines[1:]] == ["ok", "ok", "ok"]
    assert "target <= 1.1 for 100 vouchers" in lines[1]


def test_a_small_run_is_judged_by_the_same_allowance_not_by_its_ratio() -> None:
    lines = _bench().push_lines(_run(36, 5.1), 30)
    assert "1.20 per voucher" in lines[1] and lines[1].endswith(": ok")
    assert "judged for 30 vouchers" in lines[1]
    bad = _bench().push_lines(_run(60, 12.0, limited=2), 30)
    assert [line.rsplit(": ", 1)[1] for line in bad[1:]] == ["FAIL", "FAIL", "FAIL"]

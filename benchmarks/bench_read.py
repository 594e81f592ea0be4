"""Measure reading a large SIE 4E file: speed and peak memory, as figures only.

Three measurements, each run in a fresh Python process so that its peak
resident memory is its own:

1. ``decode``  — read the bytes and ``decode("cp437")``: the floor any reader pays;
2. ``read``    — :func:`sie.read` plus the import validation (:func:`read_and_validate`);
3. ``stream``  — :func:`sie.iter_vouchers`, checking each voucher's balance and
   keeping only per-account totals.

``read`` and ``stream`` run on two variants of the generated file: without and with
a ``#KSUMMA`` checksum (the same vouchers; many programs write the checksum, and the
reader must verify it without leaving its fast path). The median wall time of
``--runs`` runs is printed next to MB/s, rows/s, the highest peak RSS, the ratio to
the decode floor measured in the same run, and the targets from the issue. Nothing
is asserted: speed depends on the machine, so it is reported here and never tested::

    python benchmarks/bench_read.py              # ~100 MB files, generated on first use
    python benchmarks/bench_read.py --mb 5       # quick smoke run on 5 MB files
    python benchmarks/bench_read.py --variant ksumma --only read
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MEGABYTE = 1_000_000

#: Targets from the issue (100 MB file): (median seconds or None, peak RSS MB or None).
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "decode": (None, None),
    "read": (6.0, 600.0),
    "stream": (None, 100.0),
}
#: The file variants: without and with a #KSUMMA checksum.
VARIANTS = ("plain", "ksumma")
LABELS = {
    "decode": "bytes.decode('cp437')",
    "read": "sie.read + validate",
    "stream": "sie.iter_vouchers",
}


# --------------------------------------------------------------------------- child side


def read_and_validate(path: Path) -> tuple[int, int, int]:
    """The library's whole-file path: read, then import rules and integrity checks.

    The one place to change when the validation entry point changes. Returns
    (vouchers, rows, error findings).
    """
    import sie
    from sie.validation import validate

    result = validate(sie.read(path))
    model = result.model
    vouchers = len(model.vouchers) if model else 0
    rows = sum(len(v.rows) for v in model.vouchers) if model else 0
    errors = sum(1 for f in result.findings if f.severity == "error")
    return vouchers, rows, errors


def stream_and_check(path: Path) -> tuple[int, int, int]:
    """Stream vouchers, check each balances, keep only per-account totals."""
    import sie

    totals: dict[str, Decimal] = {}
    vouchers = rows = unbalanced = 0
    for voucher in sie.iter_vouchers(path):
        vouchers += 1
        balance = Decimal(0)
        for row in voucher.rows:
            rows += 1
            if row.kind == "TRANS":
                balance += row.amount
                totals[row.account] = totals.get(row.account, Decimal(0)) + row.amount
        if balance:
            unbalanced += 1
    return vouchers, rows, unbalanced


def decode_only(path: Path) -> tuple[int, int, int]:
    path.read_bytes().decode("cp437")
    return 0, 0, 0


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / MEGABYTE
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MEGABYTE if sys.platform == "darwin" else peak * 1024 / MEGABYTE


def child(mode: str, path: Path) -> None:
    action = {"decode": decode_only, "read": read_and_validate, "stream": stream_and_check}[mode]
    # Imports happen before the clock starts: start-up time is not what we measure.
    if mode == "read":
        import sie.validation
    elif mode == "stream":
        import sie  # noqa: F401
    started = time.perf_counter()
    vouchers, rows, problems = action(path)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_rss_mb(),
                "vouchers": vouchers,
                "rows": rows,
                "problems": problems,
            }
        )
    )


# --------------------------------------------------------------------------- parent side


def measure(mode: str, path: Path) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    run = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"{mode} measurement failed:\n{run.stderr.strip()}")
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def count_rows(path: Path) -> tuple[int, int]:
    """(#VER, #TRANS) lines in the file, counted without holding it in memory."""
    vouchers = rows = 0
    with path.open("rb") as f:
        for line in f:
            head = line.lstrip()[:6]
            if head == b"#TRANS":
                rows += 1
            elif head[:4] == b"#VER":
                vouchers += 1
    return vouchers, rows


def default_file(mb: float, variant: str = "plain") -> Path:
    stem = "big_4e" if mb == 100 else f"big_4e_{mb:g}mb"
    return HERE / "data" / (f"{stem}.se" if variant == "plain" else f"{stem}_ksumma.se")


def ensure_file(path: Path, mb: float, variant: str = "plain") -> None:
    if path.exists():
        return
    sys.path.insert(0, str(HERE))
    from generate import generate

    what = "with #KSUMMA" if variant == "ksumma" else "without #KSUMMA"
    print(f"{path} does not exist; generating about {mb:g} MB ({what}) …", flush=True)
    stats = generate(path, mb, ksumma=variant == "ksumma")
    print(f"  {stats.vouchers} vouchers, {stats.rows} rows in {stats.seconds:.1f} s", flush=True)


def verdict(value: float, limit: float | None) -> str:
    if limit is None:
        return ""
    return "within" if value <= limit else "OVER"


def load_average() -> str:
    """The machine's load when the figures were taken (they mean little under load)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPU(s)"


def report(files: dict[str, Path], runs: int, modes: Sequence[str]) -> None:
    """Measure each mode on each file variant (decode once, on the first file)."""
    counts = {variant: count_rows(path) for variant, path in files.items()}
    for variant, path in files.items():
        vouchers, rows = counts[variant]
        size = path.stat().st_size
        print(
            f"file   {path} ({variant}): {size / MEGABYTE:.1f} MB, {vouchers} vouchers, {rows} rows"
        )
    print(f"python {sys.version.split()[0]}, {runs} run(s) per measurement, median wall time")
    print(f"load   {load_average()} (before)\n")
    header = (
        f"{'measurement':<34}{'median s':>10}{'MB/s':>8}{'rows/s':>12}{'RSS MB':>8}{'x decode':>10}"
    )
    print(header + "   target (issue, 100 MB)")
    print("-" * (len(header) + 40))
    floor: float | None = None
    for mode in modes:
        for variant in list(files)[:1] if mode == "decode" else files:
            path = files[variant]
            size = path.stat().st_size
            rows = counts[variant][1]
            results = [measure(mode, path) for _ in range(runs)]
            seconds = statistics.median(r["seconds"] for r in results)
            peak = max(r["peak_mb"] for r in results)
            problems = results[0]["problems"]
            if mode == "decode":
                floor = seconds
            limit_s, limit_mb = TARGETS[mode]
            targets = []
            if limit_s is not None:
                targets.append(f"<= {limit_s:g} s: {verdict(seconds, limit_s)}")
            if limit_mb is not None:
                targets.append(f"<= {limit_mb:g} MB RSS: {verdict(peak, limit_mb)}")
            if mode != "decode" and problems:
                targets.append(f"{problems:g} error(s)/unbalanced voucher(s)!")
            ksumma = variant == "ksumma" and mode != "decode"
            label = LABELS[mode] + (" (#KSUMMA)" if ksumma else "")
            ratio = f"{seconds / floor:>10.1f}" if floor else f"{'-':>10}"
            print(
                f"{label:<34}{seconds:>10.2f}{size / MEGABYTE / seconds:>8.1f}"
                f"{rows / seconds:>12,.0f}{peak:>8.0f}{ratio}   {'; '.join(targets) or '-'}"
            )
    print(f"\nload   {load_average()} (after)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="SIE file to read (default: generated)")
    parser.add_argument("--mb", type=float, default=100.0, help="size of the generated file")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--only", choices=sorted(TARGETS), action="append", help="run only these measurements"
    )
    parser.add_argument(
        "--variant",
        choices=VARIANTS,
        action="append",
        help="file variants to measure (default: both; ignored with --file)",
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.file is not None:
        if not args.file.exists():
            parser.error(f"{args.file} does not exist")
        files = {"plain": args.file}
    else:
        files = {variant: default_file(args.mb, variant) for variant in args.variant or VARIANTS}
        for variant, path in files.items():
            ensure_file(path, args.mb, variant)
    modes = args.only or ["decode", "read", "stream"]
    try:
        report(files, args.runs, [m for m in TARGETS if m in modes])
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

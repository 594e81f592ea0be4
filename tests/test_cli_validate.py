"""The sie-validate command line: output, JSON shape and exit status."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import sie.cli as cli
from sie.cli import main
from sie.findings import CATALOGUE
from sie.validation import ImportSettings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "sie-corpus"


def corpus_file(name: str) -> str:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} not available")
    return str(path)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


MINIMAL_4I = (
    '#FLAGGA 0\n#PROGRAM "Test" 1\n#FORMAT PC8\n#GEN 20250105\n#SIETYP 4\n'
    '#ORGNR 556334-3689\n#FNAMN "Test AB"\n#KONTO 1930 "Bank"\n#KONTO 6110 "Kontor"\n'
    '#VER "" "" 20240310 "Papper"\n{\n#TRANS 1930 {} -100.00\n#TRANS 6110 {} 100.00\n}\n'
)


@pytest.fixture
def small_4i(tmp_path: Path) -> str:
    path = tmp_path / "papper.si"
    path.write_bytes(MINIMAL_4I.encode("cp437"))
    return str(path)


# --------------------------------------------------------------------------- exit status


def test_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([corpus_file("transaktioner_ovnbolag.se")]) == 0
    out = capsys.readouterr().out
    assert "Avendo 5.20" in out and "SIE 4E" in out and "555555-5555" in out
    assert "163 vouchers" in out and "encoding: cp437" in out
    assert "year  0:  2011-01-01 – 2011-12-31" in out
    assert "OK:" in out


def test_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus_file("transaktioner_ovnbolag-bad-balance.se")
    assert main([path]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "[voucher-unbalanced]" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:3905: error: voucher B 1 ")
    assert "-12 771.00" in lines[0]


def test_not_sie_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([corpus_file("not-sie-html-404.SE")]) == 2
    out = capsys.readouterr().out
    assert "[not-sie]" in out and "REFUSED" in out and "Traceback" not in out


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.se")]) == 2
    assert "[file-unreadable]" in capsys.readouterr().out


def test_too_large_exits_2(small_4i: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([small_4i, "--max-size-mb", "0.0001"]) == 2
    assert "[too-large]" in capsys.readouterr().out


def test_the_largest_size_limit_reads_the_file(
    small_4i: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([small_4i, "--max-size-mb", "1048576"]) == 0
    assert "[internal-error]" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="max_size_mb"):
        ImportSettings(max_size_mb=1e30)


def test_worst_file_decides(small_4i: str, capsys: pytest.CaptureFixture[str]) -> None:
    bad = corpus_file("transaktioner_ovnbolag-bad-balance.se")
    assert main([small_4i, bad]) == 1
    assert main([bad, corpus_file("not-sie-html-404.SE"), small_4i]) == 2
    capsys.readouterr()


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        ([], "required"),
        (["x.se", "--orgnr", "556334-3688"], "bad check digit"),
        (["x.se", "--max-objects", "0"], "at least 1"),
        (["x.se", "--max-objects", "many"], "whole number"),
        (["x.se", "--max-size-mb", "-1"], "between 0 and 1048576"),
        (["x.se", "--max-size-mb", "1e30"], "between 0 and 1048576"),
        (["x.se", "--max-size-mb", "inf"], "between 0 and 1048576"),
        (["x.se", "--default-series", "A B"], "series"),
        (["x.se", "--no-such-option"], "unrecognized"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "usage: sie-validate" in err and complaint in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--max-objects" in capsys.readouterr().out


def test_unexpected_failure_is_a_message(
    small_4i: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "load", broken)
    assert main([small_4i, "--json"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    (record,) = json_lines(captured.out)
    (found,) = record["findings"]
    assert found["code"] == "internal-error" and "disk on fire" in found["message"]


# --------------------------------------------------------------------------- JSON


def test_json_shape(small_4i: str, capsys: pytest.CaptureFixture[str]) -> None:
    files = [corpus_file("transaktioner_ovnbolag.se"), small_4i, corpus_file("not-sie-html-404.SE")]
    assert main([*files, "--json"]) == 2
    records = json_lines(capsys.readouterr().out)
    assert [r["file"] for r in records] == files
    for r in records:
        assert {
            "file",
            "ok",
            "sie_type",
            "encoding",
            "orgnr",
            "company",
            "counts",
            "findings",
        } <= set(r)
        for f in r["findings"]:
            assert set(f) == {"code", "severity", "line", "message"}
            assert f["code"] in CATALOGUE and CATALOGUE[f["code"]][0] == f["severity"]
            assert isinstance(f["line"], int)
    avendo, mine, html = records
    assert avendo["ok"] is True and avendo["sie_type"] == "4E" and avendo["encoding"] == "cp437"
    assert avendo["orgnr"] == "555555-5555"
    counts = avendo["counts"]
    assert isinstance(counts, dict) and set(counts) == {"vouchers", "rows", "accounts", "objects"}
    assert counts["vouchers"] == 163 and all(isinstance(v, int) for v in counts.values())
    assert mine["sie_type"] == "4I" and mine["company"] == "Test AB"
    assert mine["counts"] == {"vouchers": 1, "rows": 2, "accounts": 2, "objects": 0}
    assert html["ok"] is False and html["sie_type"] is None
    assert [f["code"] for f in html["findings"]] == ["not-sie"]


def test_options_reach_the_rules(small_4i: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([small_4i, "--json", "--default-series", "LEV1"]) == 0
    (r,) = json_lines(capsys.readouterr().out)
    assigned = [f for f in r["findings"] if f["code"] == "voucher-id-assigned"]
    assert len(assigned) == 1 and "imported as LEV1 1" in assigned[0]["message"]

    assert main([small_4i, "--json", "--orgnr", "202100-5489"]) == 1
    (r,) = json_lines(capsys.readouterr().out)
    mismatch = [f for f in r["findings"] if f["code"] == "orgnr-mismatch"]
    assert "file: 556334-3689, expected: 202100-5489" in mismatch[0]["message"]

    assert main([small_4i, "--json", "--orgnr", "5563343689"]) == 0
    capsys.readouterr()


def test_max_objects(capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus_file("transaktioner_ovnbolag.se")
    assert main([path, "--json", "--max-objects", "5"]) == 0
    (r,) = json_lines(capsys.readouterr().out)
    capped = [f for f in r["findings"] if f["code"] == "objects-capped"]
    assert len(capped) == 1 and capped[0]["message"].startswith("dimension 6")
    assert r["counts"]["objects"] < 14


# --------------------------------------------------------------------------- progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_large_files_on_a_terminal(
    small_4i: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli._progress_bar(small_4i, FakeTerminal()) is None  # small
    monkeypatch.setattr(cli, "PROGRESS_MIN_BYTES", 10)
    assert cli._progress_bar(small_4i, io.StringIO()) is None  # not a terminal
    screen = FakeTerminal()
    show = cli._progress_bar(small_4i, screen)
    assert show is not None
    show(50, 100)
    show(100, 100)
    assert "50%" in screen.getvalue() and screen.getvalue().endswith("100%\n")


def test_progress_bar_is_driven_by_the_reader(
    small_4i: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = FakeTerminal()
    monkeypatch.setattr(cli, "PROGRESS_MIN_BYTES", 10)
    monkeypatch.setattr(cli.sys, "stderr", screen)
    assert main([small_4i]) == 0
    assert screen.getvalue().endswith("100%\n")
    capsys.readouterr()


# --------------------------------------------------------------------------- terminal safety

HOSTILE = "\x1b[2J\x1b]0;title\x07"


def hostile_file(tmp_path: Path) -> str:
    text = (
        MINIMAL_4I.replace('"Test AB"', f'"Kaffe {HOSTILE}AB"')
        .replace('#PROGRAM "Test" 1', '#PROGRAM "Test\x9b31m" "1\u202e"')
        .replace('"Papper"', f'"Papper{HOSTILE}"')
        + f"#KONTO 1930\x1b[31m x\n#VER {HOSTILE} 1 20240310\n{{\n}}\n"
    )
    path = tmp_path / "hostile.si"
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_human_output_never_prints_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main([hostile_file(tmp_path)])
    out = capsys.readouterr().out
    assert "company:  Kaffe \\x1b[2J\\x1b]0;title\\x07AB" in out
    assert "Test\\x9b31m 1\\u202e" in out
    for line in out.splitlines():
        assert line.isprintable(), repr(line)


def test_json_output_escapes_every_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--json", hostile_file(tmp_path)])
    out = capsys.readouterr().out
    assert out.strip().isprintable() and out.count("\n") == 1
    data = json.loads(out)
    assert data["company"] == f"Kaffe {HOSTILE}AB"
    assert data["program"] == "Test\x9b31m 1\u202e"

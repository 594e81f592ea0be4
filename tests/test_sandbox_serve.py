"""The sandbox served for real on 127.0.0.1: any HTTP client can log in, read and post,
a dropped answer is a real broken connection, and the command prints where it listens."""

from __future__ import annotations

import io
import threading
from contextlib import redirect_stderr, redirect_stdout

import httpx
import pytest
from sandbox_support import SAMPLE, login, sandbox

import sie
from fortnox_bridge.sandbox import run, serve


def test_serving_on_loopback_for_real():
    sb = sandbox(faults="drop-after-commit:@2")
    with serve(sb, "127.0.0.1", 0) as server:
        assert server.url.startswith("http://127.0.0.1:") and server.port > 0
        with httpx.Client(base_url=server.url, timeout=10) as http:
            tokens = login(http)
            info = http.get("/3/companyinformation", headers=tokens.headers).json()
            assert info["CompanyInformation"]["OrganizationNumber"] == "556742-3180"
            data = http.get("/3/sie/4?financialyear=2", headers=tokens.headers).content
            assert sie.read(data).ok
            body = {
                "Voucher": {
                    "Description": "Över nätet",
                    "TransactionDate": "2025-12-31",
                    "VoucherSeries": "I",
                    "VoucherRows": [
                        {"Account": 1930, "Debit": 1},
                        {"Account": 6570, "Credit": 1},
                    ],
                }
            }
            assert http.post("/3/vouchers", json=body, headers=tokens.headers).status_code == 201
            with pytest.raises(httpx.RemoteProtocolError):
                http.post("/3/vouchers", json=body, headers=tokens.headers)
            listed = http.get("/3/vouchers/sublist/I", headers=tokens.headers).json()
            assert [v["VoucherNumber"] for v in listed["Vouchers"]] == [1, 2]


def test_serve_refuses_other_addresses():
    with pytest.raises(ValueError, match="loopback"):
        serve(sandbox(), "0.0.0.0", 0)


def test_run_prints_where_it_listens_and_stops():
    ready, stop = threading.Event(), threading.Event()
    out, err = io.StringIO(), io.StringIO()
    status: list[int] = []

    def main() -> None:
        with redirect_stdout(out), redirect_stderr(err):
            argv = ["--port", "0", "--seed", str(SAMPLE), "--rate-limit", "off"]
            status.append(run(argv, ready=ready, stop=stop))

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    assert ready.wait(30)
    line = out.getvalue().strip()
    assert line.startswith("listening on http://127.0.0.1:")
    url = line.removeprefix("listening on ")
    assert httpx.get(f"{url}/3/companyinformation").status_code == 401
    with httpx.Client(base_url=url) as http:
        tokens = login(http)
        assert http.get("/3/companyinformation", headers=tokens.headers).status_code == 200
    assert "556742-3180" in err.getvalue()  # the seeded company is announced …
    said = out.getvalue() + err.getvalue()
    assert tokens.access not in said and str(tokens.refresh) not in said  # … no token ever
    assert "code=" not in said and "sandbox-secret" not in said
    stop.set()
    thread.join(10)
    assert status == [0]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/3/companyinformation")


def test_run_reports_bad_arguments(capsys):
    assert run(["--faults", "explode:1"]) == 2
    assert "unknown kind" in capsys.readouterr().err
    assert run(["--rate-limit", "fast"]) == 2
    assert run(["--seed", "/nonexistent/file.se"]) == 2
    assert "cannot be read" in capsys.readouterr().err

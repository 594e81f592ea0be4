"""``bokslut fortnox ...`` against the sandbox served for real on 127.0.0.1:
login without a browser, pull, roundtrip, push again; exit statuses; no tokens
in the output; other subcommands still reach the closing's command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fortnox_bridge.cli import main
from fortnox_bridge.sandbox import Sandbox, serve

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
ASSETS = ROOT / "samples" / "norrsken_ab_2025_inventarier.json"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    sb = Sandbox.from_sie_files([str(SAMPLE)], rate_limit=None)
    with serve(sb, host="127.0.0.1", port=0) as handle:
        yield handle.url


@pytest.fixture
def env(served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {
        "FORTNOX_API_URL": served,
        "FORTNOX_AUTH_URL": served,
        "FORTNOX_CLIENT_ID": "sandbox-client",
        "FORTNOX_CLIENT_SECRET": "sandbox-secret",
        "FORTNOX_REDIRECT_URI": "http://127.0.0.1:8765/callback",
        "FORTNOX_TOKEN_STORE": str(tmp_path / "tokens.json"),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FORTNOX_SCOPES", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str], status: int, want: int) -> dict[str, Any]:
    out, err = capsys.readouterr()
    assert status == want, (out, err)
    assert "Traceback" not in err
    return json.loads(out)  # type: ignore[no-any-return]


def test_login_pull_roundtrip_and_push_again(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    login = _json(capsys, main(["fortnox", "login", "--json"]), 0)
    assert login["orgnr"] == "556742-3180" and login["how"] == "auto"
    store = (env / "tokens.json").read_text()
    assert (env / "tokens.json").stat().st_mode & 0o077 == 0

    pulled = _json(capsys, main(["fortnox", "pull", "--json", "--out", "pulled.se"]), 0)
    assert pulled["ok"] is True and (env / "pulled.se").stat().st_size == pulled["bytes"]

    trip = _json(
        capsys,
        main(["fortnox", "roundtrip", "--json", "--out", "out", "--assets", str(ASSETS)]),
        0,
    )
    assert trip["verified"] is True
    posted = trip["push"]["vouchers"]
    assert [(v["series"], v["number"], v["status"]) for v in posted] == [
        ("I", n, "posted") for n in range(1, 6)
    ]
    assert (env / "out" / "556742-3180_2025_bokslut.xlsx").is_file()

    again = _json(capsys, main(["fortnox", "push", "out", "--json"]), 0)
    assert [(v["number"], v["status"]) for v in again["vouchers"]] == [
        (n, "existing") for n in range(1, 6)
    ]
    status = main(["fortnox", "push", "out"])
    out, err = capsys.readouterr()
    assert status == 0 and "already I 1" in out and "0 posted, 5 already" in out
    # no token from the store ever reaches the output
    secrets = [
        v
        for text in (store, (env / "tokens.json").read_text())
        for t in json.loads(text)["tenants"].values()
        for k, v in t.items()
        if "token" in k and isinstance(v, str) and len(v) > 8
    ]
    assert secrets
    for secret in secrets:
        assert secret not in out + err


def test_refused_push_exits_1_and_says_why(
    env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["fortnox", "login"]) == 0
    assert main(["close", str(SAMPLE), "--out", "closed"]) == 0  # handed to closing.cli
    capsys.readouterr()
    status = main(["fortnox", "push", "closed", "--series", "B"])
    out, _err = capsys.readouterr()
    assert status == 1
    assert "not manual" in out and "nothing was posted" in out


def test_usage_and_configuration_errors_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["fortnox", "pull"]) == 2  # not logged in
    assert "login" in capsys.readouterr().err
    assert main(["fortnox", "push", "nowhere"]) == 2
    monkeypatch.delenv("FORTNOX_CLIENT_SECRET")
    status = main(["fortnox", "login", "--json"])
    out, err = capsys.readouterr()
    assert status == 2 and "FORTNOX_CLIENT_SECRET" in err
    assert json.loads(out)["ok"] is False
    assert main(["fortnox", "frobnicate"]) == 2


def test_unreachable_fortnox_exits_2(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["fortnox", "login"]) == 0
    monkeypatch.setenv("FORTNOX_API_URL", "http://127.0.0.1:9")  # discard port: refused
    status = main(["fortnox", "pull"])
    _out, err = capsys.readouterr()
    assert status == 2 and "Traceback" not in err


def test_login_catches_the_browser_redirect_on_a_loopback_listener(tmp_path: Path) -> None:
    """A server that shows a login page (as Fortnox does) instead of redirecting: the
    listener on 127.0.0.1 takes the redirect the browser makes after consent."""
    import socket
    import threading
    from urllib.parse import parse_qs, urlsplit

    import httpx

    from fortnox_bridge.config import FortnoxConfig
    from fortnox_bridge.login import login

    sb = Sandbox.from_sie_files([str(SAMPLE)], rate_limit=None)
    inner = sb.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth-v1/auth":
            return httpx.Response(200, html="<html>Logga in på Fortnox</html>")
        return inner.handle_request(request)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redirect = f"http://127.0.0.1:{port}/callback"
    config = FortnoxConfig(
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        redirect_uri=redirect,
        scopes=("bookkeeping", "companyinformation"),
        api_url="http://sandbox.invalid",
        auth_url="http://sandbox.invalid",
        token_store=tmp_path / "tokens.json",
    )

    def browser(url: str) -> None:  # the user consents; the browser follows the redirect
        state = parse_qs(urlsplit(url).query)["state"][0]
        code = sb.authorize(scopes=config.scopes, redirect_uri=redirect)

        def visit() -> None:
            for _ in range(50):
                try:
                    httpx.get(f"{redirect}?code={code}&state={state}", timeout=2)
                    return
                except httpx.ConnectError:
                    threading.Event().wait(0.1)

        threading.Thread(target=visit, daemon=True).start()

    result, client = login(
        config, transport=httpx.MockTransport(handler), announce=browser, wait=20
    )
    client.close()
    assert result.how == "browser" and result.orgnr == "556742-3180"


def test_redirect_with_another_state_or_an_error_stores_nothing() -> None:
    from fortnox_bridge.errors import FortnoxAuthError
    from fortnox_bridge.login import _from_redirect

    uri = "http://127.0.0.1:8765/callback"
    assert _from_redirect(f"{uri}?code=abc&state=s1", uri, "s1") == "abc"
    assert _from_redirect("https://apps.fortnox.se/login", uri, "s1") is None
    with pytest.raises(FortnoxAuthError, match="another state"):
        _from_redirect(f"{uri}?code=abc&state=evil", uri, "s1")
    with pytest.raises(FortnoxAuthError, match=r"access_denied|consent"):
        _from_redirect(f"{uri}?error=access_denied&state=s1", uri, "s1")


def test_the_sandbox_command_does_not_import_the_closing_stack() -> None:
    """A broken closing module (say, the workbook's) must not take the sandbox down."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from fortnox_bridge.cli import main\n"
        "try:\n"
        "    main(['fortnox', 'sandbox', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m == 'closing' or m.startswith('closing.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_pull_of_a_year_fortnox_lacks_prints_only_the_reason(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fortnox", "login"]) == 0
    capsys.readouterr()
    status = main(["fortnox", "pull", "--financial-year-date", "2030-01-01"])
    out, _err = capsys.readouterr()
    assert status == 1
    assert "None" not in out and "0 bytes" not in out
    assert "no financial year holding 2030-01-01" in out


def test_a_broken_refresh_chain_says_once_to_log_in_again(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fortnox", "login"]) == 0
    store = env / "tokens.json"
    data = json.loads(store.read_text())
    for tokens in data["tenants"].values():
        tokens["refresh_token"] = "spent-" + "x" * 20  # the chain is gone
        tokens["expires_at"] = "2000-01-01T00:00:00+00:00"
    store.write_text(json.dumps(data))
    capsys.readouterr()
    status = main(["fortnox", "pull"])
    _out, err = capsys.readouterr()
    assert status == 1 and "connect again" in err
    assert err.count("login") == 1, err

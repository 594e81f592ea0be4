"""``login`` against the sandbox in-process: service accounts end with client credentials
and no refresh token; the scopes reported are those Fortnox granted."""

from __future__ import annotations

from pathlib import Path

import pytest

from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.login import login
from fortnox_bridge.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox
from fortnox_bridge.tokens import TokenStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
ORGNR = "556742-3180"


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox.from_sie_files([str(SAMPLE)], rate_limit=None)


def _config(tmp_path: Path, scopes: tuple[str, ...]) -> FortnoxConfig:
    return FortnoxConfig(
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        redirect_uri="http://127.0.0.1:8765/callback",
        scopes=scopes,
        api_url="http://sandbox.invalid",
        auth_url="http://sandbox.invalid",
        token_store=tmp_path / "tokens.json",
    )


def test_login_as_a_service_account_keeps_no_refresh_token(sb: Sandbox, tmp_path: Path) -> None:
    config = _config(tmp_path, ("bookkeeping", "companyinformation"))
    result, client = login(config, service_account=True, transport=sb.transport())
    with client:
        assert result.orgnr == ORGNR and result.how == "auto"
        stored = TokenStore(config.token_store).get(result.tenant)
        assert stored is not None and stored.service_account and stored.refresh_token is None
        # the client renews by client credentials with TenantId: a forced renewal works
        client.tokens.renew(None)
        assert client.get("/3/companyinformation")["CompanyInformation"]["OrganizationNumber"]
        again = TokenStore(config.token_store).get(result.tenant)
        assert again is not None and again.service_account and again.refresh_token is None


def test_login_reports_the_scopes_fortnox_granted(sb: Sandbox, tmp_path: Path) -> None:
    config = _config(tmp_path, ("bookkeeping", "companyinformation", "settings", "invoice"))
    code = sb.authorize(scopes=["bookkeeping", "companyinformation"])
    result, client = login(config, code=code, transport=sb.transport())
    client.close()
    assert sorted(result.scopes) == ["bookkeeping", "companyinformation"]
    assert result.to_json()["scopes"] == list(result.scopes)

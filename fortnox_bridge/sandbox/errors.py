"""Fortnox's error answers: one table of codes and Swedish messages, and the three body shapes.

Codes and texts marked ``source="reference"`` come from ``shared/reference/fortnox-api.md``
(§4.3). No public source gives the codes for an unbalanced voucher, a date in a locked period,
a date outside every financial year or a voucher that is not found; those are invented here
(``source="invented"``) and kept in this one table so they can be corrected against the real
API later. A client must not rely on the invented numbers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs
from werkzeug.wrappers import Response


@attrs.frozen
class ErrorKind:
    """One Fortnox error: HTTP status, code, message template and where it comes from."""

    status: int
    code: int
    message: str
    source: str = "reference"


E = ErrorKind
ERRORS: dict[str, ErrorKind] = {
    "system": E(500, 1000003, "System exception"),
    "response_type": E(400, 1000030, "Invalid response type"),
    "content_type": E(400, 1000031, "Invalid content type"),
    "account_not_found": E(404, 2000423, "Kan inte hitta kontot."),
    "account_in_request": E(400, 2001304, "Kunde inte hitta konto"),
    "account_inactive": E(400, 2001305, 'Konto "{account}" är inte aktivt', "invented"),
    "invoice_not_found": E(404, 2000434, "Kan inte hitta fakturan."),
    "project_not_found": E(404, 2001161, "Kan inte hitta projektet."),
    "project_in_request": E(400, 2001161, "Kan inte hitta projektet."),
    "invalid_filter": E(400, 2000587, "Ett ogiltigt filter har använts."),
    "invalid_parameter": E(400, 2000588, "Ogiltig parameter i anropet."),
    "invalid_value": E(400, 2000588, "Ogiltig parameter i anropet. ({field}: {problem})"),
    "no_licence": E(400, 2001101, "Det finns ingen aktiv licens för önskat scope"),
    "missing_scope": E(403, 2000663, "Saknar behörighet för scope {scope}.", "invented"),
    "no_data": E(400, 2001392, "Ingen eller felaktig typ av data."),
    "field_name": E(400, 2001399, "Felaktigt fältnamn ({field})"),
    "json_syntax": E(400, 2002115, "Error deserializing JSON: JSON_ERROR_SYNTAX"),
    "fromdate_outside": E(400, 2002363, "Fråndatumet ligger utanför aktuellt räkenskapsår"),
    "locked_year": E(
        400, 2000401, "Räkenskapsåret är låst. Verifikationen kan inte bokföras.", "invented"
    ),
    "locked_period": E(
        400,
        2002141,
        "Perioden är låst till och med {end}. Verifikationen kan inte bokföras {date}.",
        "invented",
    ),
    "series_missing": E(400, 2000414, 'Verifikationsserien "{series}" finns inte', "invented"),
    "series_not_manual": E(400, 2000415, "Verifikationsserien är inte manuell", "invented"),
    "unbalanced": E(
        400,
        2000557,
        "Verifikationen är inte i balans (debet {debit}, kredit {credit}).",
        "invented",
    ),
    "no_financial_year": E(
        400, 2003096, "Det finns inget räkenskapsår för datumet {date}.", "invented"
    ),
    "date_outside_year": E(
        400, 2003097, "Datumet {date} ligger utanför valt räkenskapsår.", "invented"
    ),
    "voucher_not_found": E(404, 2000446, "Kan inte hitta verifikationen.", "invented"),
    "voucher_immutable": E(
        405,
        2000447,
        "Verifikationer kan inte ändras eller tas bort; bokför en rättelseverifikation.",
        "invented",
    ),
    "year_not_found": E(404, 2000448, "Kan inte hitta räkenskapsåret.", "invented"),
    "series_not_found": E(404, 2000449, "Kan inte hitta verifikationsserien.", "invented"),
    "supplier_invoice_not_found": E(
        404, 2000450, "Kan inte hitta leverantörsfakturan.", "invented"
    ),
    "cost_center_not_found": E(
        400, 2000451, 'Kan inte hitta kostnadsstället "{code}".', "invented"
    ),
    "sie_type": E(400, 2000452, "Ogiltig SIE-typ.", "invented"),
    "not_found": E(404, 2000453, "Resursen finns inte.", "invented"),
    "sie_no_books": E(
        400,
        2000454,
        "Räkenskapsåret {start} – {end} saknar bokföring att exportera "
        "(endast utgående saldon finns).",
        "invented",
    ),
}


def dumps(value: Any) -> str:
    """JSON as Fortnox writes it: ``Decimal`` as an exact number (never through float),
    non-ASCII as ``\\u00e4`` escapes and slashes escaped (``https:\\/\\/``)."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                out.append(",")
            out.append(_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, str):
        out.append(_string(value))
    elif value is None or isinstance(value, bool):
        out.append(json.dumps(value))
    elif isinstance(value, Decimal):
        out.append(format(value, "f"))
    elif isinstance(value, int):
        out.append(str(value))
    else:
        raise TypeError(f"cannot write {type(value).__name__} as Fortnox JSON")


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=True).replace("/", "\\/")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(body), status=status, content_type="application/json")
    response.headers["Server"] = "Fortnox"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def error(kind: str, casing: str = "auto", **values: object) -> Response:
    """An ``ErrorInformation`` answer. Fortnox uses both casings on the same day: not-found
    answers (404) come capitalised, validation answers lowercase; ``casing`` forces one."""
    spec = ERRORS[kind]
    message = spec.message.format(**values) if values else spec.message
    upper = casing == "upper" or (casing == "auto" and spec.status == 404)
    if upper:
        body = {"Error": 1, "Message": message, "Code": spec.code}
    else:
        body = {"error": 1, "message": message, "code": spec.code}
    return json_response({"ErrorInformation": body}, spec.status)


def unauthorized() -> Response:
    """The API gateway's answer to a missing, unknown or expired access token."""
    return json_response({"message": "unauthorized"}, 401)


def oauth_error(error_code: str, description: str, status: int = 400) -> Response:
    """OAuth errors in the two-key shape, with the Content-Types Fortnox was recorded
    sending (sic): ``text/plain`` for a bad client, ``text/html`` for a bad grant."""
    body = json.dumps({"error": error_code, "error_description": description})
    if error_code == "invalid_client":
        content_type = "text/plain;charset=UTF-8"
    elif error_code == "invalid_grant":
        content_type = "text/html; charset=UTF-8"
    else:
        content_type = "application/json"
    response = Response(body, status=status, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def too_many_requests(retry_after: int | None) -> Response:
    """429: the reference found no recording of the body; a small JSON message, and
    ``Retry-After`` only when given (the storm fault leaves it out, as Fortnox may)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return json_response({"message": "Too Many Requests"}, 429, headers)


def not_found_page() -> Response:
    """A wrong path: Fortnox answers such requests with an HTML page, not JSON."""
    return Response(
        "<html><body><h1>404 Not Found</h1></body></html>", status=404, content_type="text/html"
    )

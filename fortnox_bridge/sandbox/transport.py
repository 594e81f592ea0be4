"""An ``httpx`` transport into the sandbox in the same process.

``httpx.WSGITransport`` would hand the sandbox's dropped-answer fault to the caller as a
bare ``ConnectionResetError``; a real socket surfaces it as ``httpx.RemoteProtocolError``.
A ``slow`` answer longer than the request's read timeout becomes ``httpx.ReadTimeout``
while the sandbox still carries the request out later, as a server does whose client left.
This wrapper makes the in-process path look like the real one.
"""

from __future__ import annotations

from typing import Any

import httpx


class DroppingTransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._inner = httpx.WSGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from fortnox_bridge.sandbox.app import TIMEOUT_HEADER, ClientGaveUp, DroppedConnection

        timeout = (request.extensions.get("timeout") or {}).get("read")
        if timeout is not None:
            request.headers[TIMEOUT_HEADER] = str(timeout)
        try:
            return self._inner.handle_request(request)
        except DroppedConnection as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from exc
        except ClientGaveUp as exc:
            raise httpx.ReadTimeout("The read operation timed out", request=request) from exc

    def close(self) -> None:
        self._inner.close()

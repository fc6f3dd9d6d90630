"""Who may call the engine: API keys, browser-origin and Host checks, and the audit of changes.

`SecurityMiddleware` is plain ASGI around the FastAPI app. Control endpoints (/v1/*, the
/v1/stream WebSocket, /metrics, and v2 model load/unload) are refused to pages of other sites (Origin, Sec-Fetch-Site)
and, on a loopback bind, to Host names other than localhost (DNS rebinding). While auth is on
they need a key: GET the read scope, changes and /v1/keys, /v1/audit the admin scope; with
v2_auth the data plane needs infer (inference) or read (metadata), the health probes never.
Every POST/PUT/DELETE/PATCH among them is written to the audit log, refused ones included, except
resumable-upload chunks that succeed (see _UNAUDITED_WHEN_OK).

`create_app` mounts the middleware inside the v2 infer fast path unless v2 auth is on, so
inference pays nothing for it then.
"""

from __future__ import annotations

import ipaddress
import json
import re
from urllib.parse import parse_qs

from mohawk_engine.config import SecurityConfig, is_loopback
from mohawk_engine.store.audit import AuditLog
from mohawk_engine.store.keys import KeyIdentity, KeyStore

MUTATING = frozenset({"POST", "PUT", "DELETE", "PATCH"})
OPEN_V2 = frozenset({"/v2/health/live", "/v2/health/ready"})
V2_CONTROL = "/v2/repository/models/"  # load and unload change what is served: control calls
ADMIN_ONLY = ("/v1/keys", "/v1/audit")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
CROSS_SITE = frozenset({"cross-site", "same-site"})
CLOSE_POLICY_VIOLATION = 1008
ANONYMOUS = "anonymous"

# Named audit actions; the target is the route's name parameter, or what the route put in
# request.state.audit_target. Other calls are recorded as "METHOD /route/{template}".
_ACTIONS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"^/v1/sessions$"), "session.create"),
    ("PUT", re.compile(r"^/v1/sessions/(?P<target>[^/]+)$"), "session.reconfigure"),
    ("DELETE", re.compile(r"^/v1/sessions/(?P<target>[^/]+)$"), "session.delete"),
    ("POST", re.compile(r"^/v1/keys$"), "key.create"),
    ("DELETE", re.compile(r"^/v1/keys/(?P<target>[^/]+)$"), "key.revoke"),
    ("PUT", re.compile(r"^/v1/models/(?P<target>[^/]+)$"), "model.upload"),
    ("PUT", re.compile(r"^/v1/models/(?P<target>[^/]+)/signature$"), "model.signature"),
    ("DELETE", re.compile(r"^/v1/models/(?P<target>[^/]+)$"), "model.delete"),
    ("POST", re.compile(r"^/v1/uploads$"), "model.upload.start"),
    ("PUT", re.compile(r"^/v1/uploads/[^/]+$"), "model.upload.chunk"),
    ("POST", re.compile(r"^/v1/uploads/[^/]+/commit$"), "model.upload.commit"),
    ("DELETE", re.compile(r"^/v1/uploads/[^/]+$"), "model.upload.abort"),
    ("POST", re.compile(r"^/v1/tuning$"), "tuning.create"),
    ("POST", re.compile(r"^/v1/tuning/(?P<target>[^/]+)/cancel$"), "tuning.cancel"),
    ("POST", re.compile(r"^/v2/repository/models/(?P<target>[^/]+)/load$"), "model.load"),
    ("POST", re.compile(r"^/v2/repository/models/(?P<target>[^/]+)/unload$"), "model.unload"),
    ("DELETE", re.compile(r"^/v1/tuning/(?P<target>[^/]+)$"), "tuning.delete"),
)
# A resumable upload may come in any number of chunks (the protocol sets no minimum size), so
# recording each one could flood the capped audit table and push real changes out of it. The
# upload's start (model name, size, SHA-256) and its commit or abort record the change; a chunk
# is recorded only when it is refused or fails, which is what an investigation looks for.
_UNAUDITED_WHEN_OK = frozenset({"model.upload.chunk"})


class Denied(Exception):
    """A refused call: the HTTP status and the reason given to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Headers:
    """The few request headers the checks read, gathered in one pass."""

    __slots__ = ("authorization", "origin", "fetch_site", "host")

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.authorization = self.origin = self.fetch_site = self.host = None
        for key, value in raw:
            if key == b"authorization":
                self.authorization = value.decode("latin-1")
            elif key == b"origin":
                self.origin = value.decode("latin-1")
            elif key == b"sec-fetch-site":
                self.fetch_site = value.decode("latin-1").lower()
            elif key == b"host":
                self.host = value.decode("latin-1").lower()


class SecurityPolicy:
    """The decisions, apart from ASGI: each check raises `Denied` with the status and the reason."""

    def __init__(self, config: SecurityConfig, bound_host: str, keys: KeyStore) -> None:
        self.auth = config.auth_enabled(bound_host)
        self.v2 = self.auth and config.v2_auth
        self.loopback = is_loopback(bound_host)
        self.allowed_origins = frozenset(origin.rstrip("/") for origin in config.allowed_origins)
        self._keys = keys

    def check_browser(self, headers: _Headers) -> None:
        if headers.fetch_site in CROSS_SITE:
            raise Denied(403, f"requests from another site's page are refused (Sec-Fetch-Site: {headers.fetch_site})")
        if headers.origin is not None and headers.origin.rstrip("/") not in self.allowed_origins:
            raise Denied(
                403,
                f"origin {headers.origin!r} may not call the control API; "
                "list it in [security] allowed_origins to allow it",
            )
        if self.loopback and headers.host is not None and not _local_host(_host_name(headers.host)):
            raise Denied(
                403,
                f"Host {headers.host!r} is refused: an engine bound to loopback answers only "
                "localhost, 127.0.0.1 (any 127.x.y.z) or [::1]",
            )

    def identify(self, headers: _Headers, query_string: bytes = b"") -> KeyIdentity:
        """The caller's key from 'Authorization: Bearer' (or, for WebSockets, a `token` query parameter)."""
        secret = _bearer(headers.authorization)
        if secret is None and query_string:
            secret = (parse_qs(query_string.decode("latin-1")).get("token") or [None])[0]
        if not secret:
            raise Denied(401, "this endpoint needs an API key: send 'Authorization: Bearer <secret>'")
        identity = self._keys.authenticate(secret)
        if identity is None:
            raise Denied(401, "invalid or revoked API key")
        return identity

    @staticmethod
    def require(identity: KeyIdentity, scope: str, method: str, path: str) -> None:
        if not identity.allows(scope):
            raise Denied(403, f"API key '{identity.prefix}' lacks the '{scope}' scope that {method} {path} needs")


def control_scope(method: str, path: str) -> str:
    """The scope a control call needs."""
    if method in MUTATING or path.startswith(ADMIN_ONLY):
        return "admin"
    return "read"


def audit_action(method: str, path: str, route_path: str | None) -> tuple[str, str | None]:
    """The audit log's action and target for a call."""
    for action_method, pattern, action in _ACTIONS:
        if method == action_method and (match := pattern.match(path)):
            return action, match.groupdict().get("target")
    return f"{method} {route_path or path}", None


class SecurityMiddleware:
    def __init__(self, app, policy: SecurityPolicy, audit: AuditLog) -> None:
        self._app = app
        self.policy = policy
        self._audit = audit

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self._app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith(("/v1/", V2_CONTROL)) or path == "/v1" or path == "/metrics":
            await self._control(scope, receive, send, path)
        elif self.policy.v2 and path.startswith("/v2") and path not in OPEN_V2:
            await self._data_plane(scope, receive, send, path)
        else:
            await self._app(scope, receive, send)

    async def _control(self, scope, receive, send, path: str) -> None:
        method = scope.get("method", "GET")
        state = scope.setdefault("state", {})
        audited = scope["type"] == "http" and method in MUTATING
        status = [500]
        if audited:
            send = _status_recorder(send, status)
        try:
            try:
                headers = _Headers(scope["headers"])
                self.policy.check_browser(headers)
                if self.policy.auth:
                    query = scope.get("query_string", b"") if scope["type"] == "websocket" else b""
                    identity = self.policy.identify(headers, query)
                    state["api_key"] = identity.prefix
                    self.policy.require(identity, control_scope(method, path), method, path)
            except Denied as denial:
                await _refuse(scope, receive, send, denial)
                return
            await self._app(scope, receive, send)
        finally:
            if audited:
                self._record(scope, state, method, path, status[0])

    async def _data_plane(self, scope, receive, send, path: str) -> None:
        method = scope.get("method", "GET")
        try:
            identity = self.policy.identify(_Headers(scope["headers"]))
            self.policy.require(identity, "infer" if method == "POST" else "read", method, path)
        except Denied as denial:
            await _refuse(scope, receive, send, denial)
            return
        await self._app(scope, receive, send)

    def _record(self, scope, state: dict, method: str, path: str, status: int) -> None:
        route = scope.get("route")
        action, target = audit_action(method, path, getattr(route, "path", None))
        if action in _UNAUDITED_WHEN_OK and status < 400:
            return
        client = scope.get("client")
        self._audit.record(
            state.get("api_key", ANONYMOUS),
            action,
            state.get("audit_target", target),
            status,
            f"{client[0]}:{client[1]}" if client else None,
        )


def _status_recorder(send, status: list[int]):
    async def recording_send(message) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        await send(message)

    return recording_send


async def _refuse(scope, receive, send, denial: Denied) -> None:
    body = json.dumps({"error": denial.message}, separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if denial.status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="mohawk"'))
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": denial.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": denial.status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": CLOSE_POLICY_VIOLATION, "reason": denial.message[:120]})


def _bearer(value: str | None) -> str | None:
    if value is None:
        return None
    scheme, _, credentials = value.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def _local_host(name: str) -> bool:
    """localhost, [::1], or any 127/8 address literal (several engines may bind 127.0.0.2, 127.0.0.3, ...)."""
    if name in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.IPv4Address(name).is_loopback
    except ValueError:
        return False


def _host_name(host: str) -> str:
    """The Host header without its port: 'localhost:8003' -> 'localhost', '[::1]:80' -> '[::1]'."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def auth_banner(config: SecurityConfig, bound_host: str, keys: KeyStore) -> str:
    """The start banner's line: whether API keys are needed, where, and whether any exist."""
    if not config.auth_enabled(bound_host):
        return f"off (auth = \"{config.auth}\"; anyone who can reach {bound_host} may call the API)"
    planes = "control API and v2 data plane" if config.v2_auth else "control API; v2 data plane open"
    active = keys.count_active()
    hint = "" if active else "; no keys yet: create one with `mohawk-engine keys create --label NAME --scope admin`"
    return f"on ({planes}; {active} active key(s){hint})"

"""Run the engine under uvicorn on an already-bound socket, so the real port is known up front."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import ssl
import sys
import threading
from collections.abc import Iterator

import uvicorn

from mohawk_engine import __version__
from mohawk_engine.api.app import create_app, direct_infer_handler
from mohawk_engine.api.auth import auth_banner
from mohawk_engine.config import EngineConfig
from mohawk_engine.engine import Engine
from mohawk_engine.telemetry.logs import install_logging


STREAM_COMMAND_MAX_BYTES = 64 * 1024


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted connections
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(config: EngineConfig) -> None:
    logging.basicConfig(
        level=config.logging.level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    engine = Engine(config)
    telemetry = config.telemetry
    install_logging(
        config.logging.level,
        engine.state_dir / "logs" / "engine.jsonl",
        telemetry.log_file_max_bytes,
        telemetry.log_file_backups,
        engine.log_hub,
    )
    app = create_app(engine)
    sock = bind(config.server.host, config.server.port)
    host, port = sock.getsockname()[:2]
    tls = config.tls
    scheme = "https" if tls.cert_file else "http"
    url = f"{scheme}://{host if ':' not in host else f'[{host}]'}:{port}"
    engine.url = url
    (engine.state_dir / "engine.json").write_text(
        json.dumps({"url": url, "pid": os.getpid(), "worker_id": engine.worker_id, "version": __version__})
    )
    print(f"Mohawk engine {__version__} listening on {url}", flush=True)
    print(f"  worker id:        {engine.worker_id}", flush=True)
    print(f"  state:            {engine.store.path}", flush=True)
    print(f"  model repository: {engine.repository.root}", flush=True)
    print(f"  auth:             {auth_banner(config.security, config.server.host, engine.keys)}", flush=True)
    if engine.tls_identity is not None:
        expiry = engine.tls_identity.not_after.strftime("%Y-%m-%d %H:%M UTC")
        print(f"  TLS certificate:  {engine.tls_identity.subject}, expires {expiry}", flush=True)
        if tls.client_ca_file:
            print(f"  mutual TLS:       clients need a certificate signed by {tls.client_ca_file}", flush=True)
    uv_config = uvicorn.Config(
        app,
        loop="uvloop" if _has("uvloop") else "asyncio",
        http=_http_protocol(engine),
        log_config=None,  # uvicorn's records reach the engine's handlers: stderr, the JSON file, /v1/logs
        log_level="debug" if config.logging.level == "debug" else "warning",
        access_log=False,
        ws_max_size=STREAM_COMMAND_MAX_BYTES,
        ws_per_message_deflate=False,  # compressing every frame for every client costs more CPU than it saves
        # A stream client that stops reading stops answering pings, and is cut off even while the
        # socket buffers still take its frames.
        ws_ping_interval=config.telemetry.stream_ping_interval_s,
        ws_ping_timeout=config.telemetry.stream_ping_interval_s,
        timeout_keep_alive=int(config.server.keep_alive_s),
        lifespan="on",
        proxy_headers=False,
        server_header=False,
        date_header=False,
        ssl_certfile=tls.cert_file,
        ssl_keyfile=tls.key_file,
        ssl_ca_certs=tls.client_ca_file,
        ssl_cert_reqs=ssl.CERT_REQUIRED if tls.client_ca_file else ssl.CERT_NONE,
    )
    _Server(uv_config).run(sockets=[sock])


def _http_protocol(engine: Engine):
    """httptools with one write per response, answering v2 infer calls itself when they need no key
    (api/infer_protocol.py); h11 when httptools is missing."""
    if not _has("httptools"):
        return "h11"
    from mohawk_engine.api.http_protocol import CoalescingHttpToolsProtocol
    from mohawk_engine.api.infer_protocol import infer_http_protocol

    handler = direct_infer_handler(engine)
    if handler is None:
        return CoalescingHttpToolsProtocol
    return infer_http_protocol(handler, engine.config.server.max_request_bytes)


class _Server(uvicorn.Server):
    """SIGTERM / SIGINT drain the engine and exit with status 0.

    uvicorn re-raises the signal after its graceful shutdown, which makes a clean stop look
    like a kill to supervisors; the drain has already happened, so exit normally instead.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True

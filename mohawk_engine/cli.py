"""`mohawk-engine`: serve models, write the demo models, or make TLS certificates."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from mohawk_engine import __version__
from mohawk_engine.cli_keys import add_keys_parser, run_keys
from mohawk_engine.config import ConfigError, EngineConfig, TlsConfig, is_loopback, load_config
from mohawk_engine.parent_watch import die_with_parent_from_env
from mohawk_engine.schemas.security import BOOTSTRAP_ENV, secret_prefix
from mohawk_engine.schemas.server import PARENT_PID_ENV


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mohawk-engine", description="Mohawk inference engine")
    parser.add_argument("--version", action="version", version=f"mohawk-engine {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the model repository over HTTP (v1 control API, v2 data plane)")
    serve.add_argument("--config", type=Path, help="TOML config file (see config.example.toml)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind; 0 picks a free one (default 8003)")
    serve.add_argument("--model-repo", type=Path, help="folder of .onnx / .pt models")
    serve.add_argument("--state-dir", type=Path, help="folder for the SQLite state and logs")
    serve.add_argument(
        "--demo-models", action="store_true", help="write the demo models into the repository unless they are there"
    )
    serve.add_argument("--tls-cert", type=Path, help="serve HTTPS/WSS with this certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
    serve.add_argument("--tls-client-ca", type=Path, help="mutual TLS: clients need a certificate signed by this CA")

    certs = commands.add_parser("certs", help="create a local CA, a server certificate and optionally a client one")
    certs.add_argument("directory", type=Path)
    certs.add_argument("--hosts", default="localhost,127.0.0.1,::1", help="server names and addresses, comma-separated")
    certs.add_argument("--days", type=_positive, default=825, help="server/client certificate lifetime (default 825)")
    certs.add_argument("--ca-days", type=_positive, default=3650, help="CA certificate lifetime (default 3650)")
    clients = certs.add_mutually_exclusive_group()
    clients.add_argument("--client", metavar="NAME", help="also write client.pem/client-key.pem for mutual TLS")
    clients.add_argument(
        "--add-client", metavar="NAME", help="only issue NAME.pem/NAME-key.pem from the CA already in DIRECTORY"
    )
    certs.add_argument("--force", action="store_true", help="replace existing files")

    serve.add_argument("--auth", choices=("auto", "on", "off"), help="require API keys ([security] auth; default auto)")
    serve.add_argument(
        "--allow-insecure-bind", action="store_true", help="bind a non-loopback host even with auth off (unsafe)"
    )
    add_keys_parser(commands)

    demo = commands.add_parser("demo-models", help="write the deterministic demo models into DIR")
    demo.add_argument("directory", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo-models":
        return _demo_models(args.directory)
    if args.command == "certs":
        return _certs(args)
    if args.command == "keys":
        return run_keys(args)
    return _serve(args)


def _demo_models(directory: Path) -> int:
    from mohawk_engine.repository.demo import write_demo_models

    for path in write_demo_models(directory):
        print(path)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 day, got {value}")
    return value


def _certs(args: argparse.Namespace) -> int:
    from mohawk_engine.security.certs import CertificateError, add_client, write_bundle

    hosts = tuple(h.strip() for h in args.hosts.split(",") if h.strip())
    try:
        if args.add_client is not None:
            written = add_client(args.directory, args.add_client, args.days, args.force)
        else:
            written = write_bundle(args.directory, hosts, args.days, args.ca_days, args.client, args.force)
    except (CertificateError, OSError) as exc:
        print(f"mohawk-engine: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _tls_overrides(config: EngineConfig, args: argparse.Namespace) -> None:
    """Apply --tls-* flags, then check the files; raises ConfigError with one line."""
    from mohawk_engine.security.certs import CertificateError, check_client_certificate, serving_identity

    flags = {"cert_file": args.tls_cert, "key_file": args.tls_key, "client_ca_file": args.tls_client_ca}
    merged = config.tls.model_dump() | {k: v for k, v in flags.items() if v is not None}
    try:
        config.tls = TlsConfig.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(f"TLS settings: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from exc
    tls = config.tls
    if tls.cert_file is not None:
        try:
            serving_identity(tls.cert_file, tls.key_file, tls.client_ca_file)
            if tls.tuning_certificate is not None and tls.client_ca_file is not None:
                check_client_certificate(*tls.tuning_certificate, tls.client_ca_file)
        except CertificateError as exc:
            raise ConfigError(str(exc)) from exc


def _unsafe_start(config: EngineConfig) -> str | None:
    """Why the engine must not start as configured (an open API on the network, a bad bootstrap key)."""
    host, security = config.server.host, config.security
    if not security.auth_enabled(host) and not is_loopback(host) and not security.allow_insecure_bind:
        return (
            f"refusing to bind {host} with auth off: anyone who can reach it could control the engine; "
            "turn auth on ([security] auth = \"on\" or --auth on), or override with --allow-insecure-bind"
        )
    bootstrap = os.environ.get(BOOTSTRAP_ENV)
    if bootstrap and secret_prefix(bootstrap) is None:
        return f"{BOOTSTRAP_ENV} is not an API key secret (expected mhk_<8 hex characters>_<random>)"
    return None


def _serve(args: argparse.Namespace) -> int:
    die_with_parent_from_env(PARENT_PID_ENV)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"mohawk-engine: {exc}", file=sys.stderr)
        return 2
    if args.host is not None:
        config.server.host = args.host
    if args.port is not None:
        config.server.port = args.port
    if args.model_repo is not None:
        config.paths.model_repository = args.model_repo
    if args.state_dir is not None:
        config.paths.state_dir = args.state_dir
    if args.auth is not None:
        config.security.auth = args.auth
    if args.allow_insecure_bind:
        config.security.allow_insecure_bind = True
    if (refusal := _unsafe_start(config)) is not None:
        print(f"mohawk-engine: {refusal}", file=sys.stderr)
        return 2
    try:
        _tls_overrides(config, args)
    except ConfigError as exc:
        print(f"mohawk-engine: {exc}", file=sys.stderr)
        return 2
    if args.demo_models:
        from mohawk_engine.repository.demo import demo_models_present, write_demo_models

        if not demo_models_present(config.paths.model_repository):
            write_demo_models(config.paths.model_repository)
    from mohawk_engine.api.server import serve

    try:
        serve(config)
    except OSError as exc:
        print(f"mohawk-engine: cannot listen on {config.server.host}:{config.server.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

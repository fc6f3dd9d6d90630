"""`mohawk-engine`: serve models, or write the demo models."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mohawk_engine import __version__
from mohawk_engine.config import ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
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

    demo = commands.add_parser("demo-models", help="write the deterministic demo models into DIR")
    demo.add_argument("directory", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo-models":
        return _demo_models(args.directory)
    return _serve(args)


def _demo_models(directory: Path) -> int:
    from mohawk_engine.repository.demo import write_demo_models

    for path in write_demo_models(directory):
        print(path)
    return 0


def _serve(args: argparse.Namespace) -> int:
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

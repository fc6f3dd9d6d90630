"""`mohawk-engine keys create|list|revoke`: API keys, straight in the state database.

For the operator who binds beyond loopback: the first admin key must exist before any
client can call the API, so these work whether or not the engine runs (SQLite WAL lets
both write; a running engine sees a revocation on the next request).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from mohawk_engine.config import ConfigError, load_config
from mohawk_engine.schemas.security import SCOPES
from mohawk_engine.store.keys import KeyStore

STATE_DB = "mohawk.sqlite3"


def add_keys_parser(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="create, list or revoke API keys (the engine need not run)")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser("create", help="create a key and print its secret (shown this once)")
    create.add_argument("--label", required=True, help="what the key is for")
    create.add_argument(
        "--scope", dest="scopes", action="append", choices=SCOPES, required=True,
        help="read, infer or admin (admin implies the others); repeat for several",
    )  # fmt: skip
    actions.add_parser("list", help="list the keys (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a key by its prefix")
    revoke.add_argument("prefix")
    for action in (create, actions.choices["list"], revoke):
        where = action.add_mutually_exclusive_group()
        where.add_argument("--state-dir", type=Path, help="the engine's state folder (default ./state)")
        where.add_argument("--config", type=Path, help="the engine's TOML config, to find its state folder")


def run_keys(args: argparse.Namespace) -> int:
    try:
        database = _database(args)
    except ConfigError as exc:
        print(f"mohawk-engine: {exc}", file=sys.stderr)
        return 2
    if args.keys_command != "create" and not database.exists():
        print(f"mohawk-engine: no engine state at {database}; pass --state-dir or --config", file=sys.stderr)
        return 1
    store = KeyStore(database)
    try:
        if args.keys_command == "create":
            created = store.create(args.label.strip() or "unnamed", sorted(set(args.scopes), key=SCOPES.index))
            print(created.secret)
            print(f"key {created.prefix} ({', '.join(created.scopes)}) created; the secret above is not shown again",
                  file=sys.stderr)  # fmt: skip
            return 0
        if args.keys_command == "list":
            for key in store.list():
                used = _when(key.last_used) if key.last_used else "never used"
                status = f"revoked {_when(key.revoked_at)}" if key.revoked else "active"
                print(f"{key.prefix}  {','.join(key.scopes):<16} {status:<24} {used:<20} {key.label}")
            return 0
        revoked = store.revoke(args.prefix)
        if revoked is None:
            print(f"mohawk-engine: no API key with prefix '{args.prefix}'", file=sys.stderr)
            return 1
        print(f"key {revoked.prefix} ({revoked.label}) revoked")
        return 0
    finally:
        store.close()


def _database(args: argparse.Namespace) -> Path:
    if args.state_dir is not None:
        return args.state_dir / STATE_DB
    return load_config(args.config).paths.state_dir / STATE_DB


def _when(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp or 0))

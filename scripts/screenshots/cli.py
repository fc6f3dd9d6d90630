"""Parse the arguments, set up Qt with qasync, run the chosen parts each against its own engine."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

import qasync
from PyQt6.QtWidgets import QApplication

from mohawk_gui.services.bundled_engine import BundledEngine
from mohawk_gui.theme import apply_theme
from screenshots.common import Shots

PARTS = ("fleet", "sessions")


def main(doc: str) -> int:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--traffic-seconds", type=float, default=15.0, help="traffic before the first grab")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    shots = Shots(args.out)
    with tempfile.TemporaryDirectory(prefix="mohawk-shots-") as scratch:
        os.environ["XDG_DATA_HOME"] = str(Path(scratch) / "data")  # saved load runs go here, not to the user's
        os.environ["XDG_CONFIG_HOME"] = str(Path(scratch) / "config")
        app = QApplication(sys.argv[:1])
        apply_theme(app)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        for part in args.only or PARTS:
            engine = BundledEngine(Path(scratch) / f"engine-{part}")
            try:
                url = loop.run_until_complete(engine.start())
                loop.run_until_complete(_run_part(part, url, engine, shots, args, Path(scratch)))
            finally:
                engine.stop()
    print(f"{len(shots.saved)} screenshots in {args.out}")
    return 0


async def _run_part(part: str, url: str, engine: BundledEngine, shots: Shots, args, scratch: Path) -> None:
    if part == "fleet":
        from screenshots.fleet import capture_fleet

        await capture_fleet(url, engine, shots, args.traffic_seconds, scratch)
    else:
        from screenshots.sessions import capture_sessions

        await capture_sessions(url, engine.token, shots)

"""Screenshots of every console view, taken under Xvfb against real local engines.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots [--out docs/screenshots] [--only fleet|sessions]

`fleet` drives the main window against an engine (auth on) with live traffic: every view at
1440x900 (dashboard and workers at 1280x720 too), load tests run from the Benchmarks view, a
tuning task, API keys and the audit log, alerts, the help, the light theme and the dialogs.
`sessions` shows the sessions and logs views with ten minutes of generated history, and the
session wizard's pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a folder: make `screenshots` importable

from screenshots.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(__doc__))

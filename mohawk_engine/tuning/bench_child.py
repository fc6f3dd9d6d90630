"""`python -m mohawk_engine.tuning.bench_child`: mohawk-bench that ends when the engine that started it dies.

On Linux the kernel sends SIGTERM to the bench when its parent exits (prctl PR_SET_PDEATHSIG);
the bench then stops its load like on Ctrl+C. Elsewhere it is plain mohawk-bench.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
PARENT_ENV = "MOHAWK_TUNING_ENGINE_PID"


def _die_with_parent(parent: int | None) -> None:
    if parent is None or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    _die_with_parent(int(os.environ[PARENT_ENV]) if os.environ.get(PARENT_ENV, "").isdigit() else None)
    from mohawk_bench.cli import main

    sys.exit(main())

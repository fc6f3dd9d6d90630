"""End this process when the process that started it dies, on Linux (prctl PR_SET_PDEATHSIG).

Used by processes that belong to another: the console's bundled engine (so a console that
dies without cleaning up, e.g. when its display goes away, leaves no engine behind) and
the tuner's load generator. The process then gets SIGTERM and stops as it would on Ctrl+C.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None) -> None:
    """Arrange SIGTERM for this process once `parent` (its parent's PID) exits; no-op elsewhere."""
    if parent is None or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def die_with_parent_from_env(variable: str) -> None:
    """`die_with_parent` for the PID in environment variable `variable`, when it holds one."""
    value = os.environ.get(variable, "")
    die_with_parent(int(value) if value.isdigit() else None)

"""`python -m mohawk_engine.tuning.bench_child`: mohawk-bench that ends when the engine that started it dies.

On Linux the kernel sends SIGTERM to the bench when its parent exits (see parent_watch.py);
the bench then stops its load like on Ctrl+C. Elsewhere it is plain mohawk-bench.
"""

from __future__ import annotations

import sys

from mohawk_engine.parent_watch import die_with_parent_from_env

PARENT_ENV = "MOHAWK_TUNING_ENGINE_PID"


if __name__ == "__main__":
    die_with_parent_from_env(PARENT_ENV)
    from mohawk_bench.cli import main

    sys.exit(main())

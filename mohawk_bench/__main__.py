"""python -m mohawk_bench: the mohawk-bench CLI."""

import sys

from mohawk_bench.cli import main

sys.exit(main())

import sys

from mohawk_engine.cli import main

sys.exit(main())

"""Print the engine's pip requirements: pyproject's dependencies less the console's Qt stack.

Used by the Dockerfile so the image follows pyproject.toml without carrying PyQt6. A GPU image
swaps onnxruntime for onnxruntime-gpu (same version bounds) with --onnxruntime.
Usage: python engine_requirements.py pyproject.toml [--onnxruntime onnxruntime-gpu] > requirements.txt
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

CONSOLE_ONLY = frozenset({"pyqt6", "pyqtgraph", "qasync"})


def engine_requirements(pyproject: Path, onnxruntime: str = "onnxruntime") -> list[str]:
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    requirements = []
    for dep in dependencies:
        name = _name(dep)
        if name == "onnxruntime":
            dep = onnxruntime + dep[len(name):]
        if name not in CONSOLE_ONLY:
            requirements.append(dep)
    return requirements


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pyproject", type=Path, nargs="?", default=Path("pyproject.toml"))
    parser.add_argument("--onnxruntime", default="onnxruntime", choices=("onnxruntime", "onnxruntime-gpu"))
    args = parser.parse_args()
    print("\n".join(engine_requirements(args.pyproject, args.onnxruntime)))

"""Run every benchmark module of this package that has a ``main()``, in name order, with its defaults.

``python -m bench`` (``make bench``); run one module alone with its options: ``python -m bench.funnel --help``.
"""

from __future__ import annotations

import pkgutil
import sys
from importlib import import_module
from pathlib import Path


def benchmark_modules() -> list[str]:
    folder = Path(__file__).parent
    return sorted(f"bench.{m.name}" for m in pkgutil.iter_modules([str(folder)]) if not m.name.startswith("_"))


def main() -> None:
    for name in benchmark_modules():
        module = import_module(name)
        run = getattr(module, "main", None)
        if not callable(run):
            continue
        print(f"\n=== {name} ===", flush=True)
        sys.argv = [name]  # each benchmark parses its own options: give it its defaults
        run()


if __name__ == "__main__":
    main()

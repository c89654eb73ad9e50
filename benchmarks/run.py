"""Run every benchmark and print one table: ``python benchmarks/run.py [--quick] [--only NAME]``.

Every ``benchmarks/*.py`` module (other than this one and ``_*.py`` helpers) that exposes
``rows(quick: bool) -> list[Row]`` is run in name order. A module that fails to import or
to run prints an ERROR row with its exception; the exit status is then 1. Missed targets
are shown as MISS; ``--strict`` makes them fail the run too.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # modules import their helpers as ``from _table import Row``
    sys.path.insert(0, str(HERE))

from _table import Row, error_row, format_peers, format_table, machine_line, summary


def module_names() -> list[str]:
    """Candidate benchmark modules, by file name."""
    return sorted(
        path.stem for path in HERE.glob("*.py") if path.stem != "run" and not path.stem.startswith("_")
    )


def _import(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # classes defined there resolve their annotations through it
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[spec.name]
        raise
    return module


def run_module(name: str, quick: bool) -> Iterator[Row]:
    """The rows of one module, or one ERROR row saying why there are none."""
    try:
        module = _import(name)
    except Exception as exc:  # noqa: BLE001 - shown in the table, never hidden
        yield error_row(name, exc)
        return
    rows_fn = getattr(module, "rows", None)
    if not callable(rows_fn):
        return  # a helper module, not a benchmark
    try:
        rows = list(rows_fn(quick))
    except Exception as exc:  # noqa: BLE001
        yield error_row(name, exc)
        return
    for row in rows:
        if not isinstance(row, Row):
            yield error_row(name, TypeError(f"rows() returned {type(row).__name__}, not Row"))
            return
    yield from rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run actionplan's benchmarks and print one table.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller inputs (a smoke run)")
    parser.add_argument("--only", metavar="NAME", action="append",
                        help="run only this module (repeatable); one of: " + ", ".join(module_names()))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = module_names()
    if args.only:
        unknown = [name for name in args.only if name not in names]
        if unknown:
            print(f"unknown benchmark module(s): {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        names = [name for name in names if name in args.only]
    print(machine_line() + (" — quick run" if args.quick else ""), flush=True)
    rows: list[Row] = []
    for name in names:
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        rows.extend(run_module(name, args.quick))
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(format_table(rows))
    peers = format_peers(rows)
    if peers:
        print("\nSide by side with the peers:\n" + peers)
    line, failed = summary(rows)
    print(line)
    missed = any(row.ok is False for row in rows)
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
